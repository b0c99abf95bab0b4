"""Import and export of a city's tree and unit rosters, from CSV or XLSX.

Two kinds of table, told apart by their header row:
- tree:   code, parent_code, level, name                     (a row per org node)
- roster: unit_code, name, gender, id_number, phone, party_member, body, role, identity

A file is validated completely before anything is written; if any row is bad the whole file is
rejected with every bad row's line number and reason, and the database is untouched.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from yizuyihui.org.models import CHILD_LEVELS, UNIT_LEVELS, Level, OrgNode, Unit

TREE_COLUMNS = ["code", "parent_code", "level", "name"]
ROSTER_COLUMNS = ["unit_code", "name", "gender", "id_number", "phone", "party_member", "body", "role", "identity"]

_BOOL = {"1": True, "true": True, "yes": True, "是": True, "y": True, "0": False, "false": False, "no": False, "否": False, "n": False, "": False}
_GENDER = {"m": "M", "male": "M", "男": "M", "f": "F", "female": "F", "女": "F"}
_BODY = {"party_group": "party_group", "党小组": "party_group", "council": "council", "理事会": "council", "议事会": "council"}
_ROLE = {"leader": "leader", "组长": "leader", "head": "head", "会长": "head", "member": "member", "成员": "member", "": "member"}
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643 check digit of an 18-digit resident ID number."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


@dataclass
class RowError:
    sheet: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.sheet}:{self.line}: {self.message}"


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Table:
    sheet: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number, row)


def read_tables(*, name: str, content: bytes) -> list[Table]:
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    text = content.decode("utf-8-sig")
    return [_table_from_rows(name, csv.reader(io.StringIO(text)))]


def _table_from_rows(sheet: str, rows) -> Table:
    rows = iter(rows)
    header = [str(h or "").strip() for h in next(rows, [])]
    table = Table(sheet=sheet, header=header)
    for line, raw in enumerate(rows, start=2):
        values = ["" if v is None else str(v).strip() for v in raw]
        if not any(values):
            continue
        table.rows.append((line, dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))))
    return table


def _read_xlsx(content: bytes) -> list[Table]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return [_table_from_rows(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets]


def _kind(table: Table) -> str | None:
    if set(TREE_COLUMNS) <= set(table.header):
        return "tree"
    if {"unit_code", "name", "body"} <= set(table.header):
        return "roster"
    return None


def import_file(*, name: str, content: bytes) -> dict[str, int]:
    try:
        tables = read_tables(name=name, content=content)
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as exc:
        raise ImportRejected([RowError(name, 1, _("Cannot read the file: %s") % exc)]) from exc
    return import_tables(tables)


def import_tables(tables: list[Table]) -> dict[str, int]:
    errors: list[RowError] = []
    tree_rows: list[tuple[str, int, dict]] = []
    roster_rows: list[tuple[str, int, dict]] = []
    for table in tables:
        kind = _kind(table)
        if kind is None:
            errors.append(RowError(table.sheet, 1, _("Unknown header; expected %(a)s or %(b)s") % {
                "a": ",".join(TREE_COLUMNS), "b": ",".join(ROSTER_COLUMNS)}))
            continue
        target = tree_rows if kind == "tree" else roster_rows
        target.extend((table.sheet, line, row) for line, row in table.rows)

    planned_nodes = _validate_tree(tree_rows, errors)
    planned_people = _validate_roster(roster_rows, planned_nodes, errors)
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        nodes = _apply_tree(planned_nodes)
        members = _apply_roster(planned_people)
    return {"nodes": nodes, "members": members}


def _validate_tree(rows, errors) -> dict[str, dict]:
    existing = {c: lvl for c, lvl in OrgNode.objects.values_list("code", "level")}
    planned: dict[str, dict] = {}
    for sheet, line, row in rows:
        code, parent, level, name = (row.get(k, "") for k in TREE_COLUMNS)
        problem = None
        if not code:
            problem = _("code is empty")
        elif code in planned or code in existing:
            problem = _("code %s is used twice") % code
        elif level not in Level.values:
            problem = _("unknown level %r") % level
        elif not name:
            problem = _("name is empty")
        elif not parent and level != Level.CITY:
            problem = _("only a city may have no parent")
        if problem:
            errors.append(RowError(sheet, line, problem))
            continue
        planned[code] = {"sheet": sheet, "line": line, "parent": parent, "level": level, "name": name}
    for item in planned.values():
        parent = item["parent"]
        if not parent:
            continue
        parent_level = planned[parent]["level"] if parent in planned else existing.get(parent)
        if parent_level is None:
            errors.append(RowError(item["sheet"], item["line"], _("parent %s does not exist") % parent))
        elif item["level"] not in CHILD_LEVELS[parent_level]:
            errors.append(RowError(item["sheet"], item["line"], _("a %(c)s cannot sit under a %(p)s") % {"c": item["level"], "p": parent_level}))
    return planned


def _validate_roster(rows, planned_nodes, errors) -> list[dict]:
    unit_codes = set(Unit.objects.values_list("node__code", flat=True)) | {
        c for c, item in planned_nodes.items() if item["level"] in UNIT_LEVELS
    }
    people = []
    seen_leaders: set[tuple[str, str, str]] = set()
    for sheet, line, row in rows:
        problems = []
        unit_code = row.get("unit_code", "")
        if unit_code not in unit_codes:
            problems.append(_("unit %s does not exist") % (unit_code or "?"))
        if not row.get("name"):
            problems.append(_("name is empty"))
        gender = _GENDER.get(row.get("gender", "").lower())
        if gender is None:
            problems.append(_("gender must be 男/女 or M/F"))
        id_number = row.get("id_number", "").upper()
        if id_number and not id_number_valid(id_number):
            problems.append(_("ID card number is not valid"))
        phone = row.get("phone", "")
        if phone and not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
            problems.append(_("phone must be an 11-digit mobile number"))
        party = _BOOL.get(row.get("party_member", "").lower())
        if party is None:
            problems.append(_("party_member must be 是/否"))
        body = _BODY.get(row.get("body", ""))
        role = _ROLE.get(row.get("role", ""))
        if body is None:
            problems.append(_("body must be 党小组 or 理事会"))
        if role is None:
            problems.append(_("role must be 组长, 会长 or 成员"))
        if body == "party_group" and party is False:
            problems.append(_("only Party members can sit in the Party group"))
        if (body, role) in {("party_group", "head"), ("council", "leader")}:
            problems.append(_("the Party group has a 组长 and the council a 会长"))
        identity = row.get("identity", "")
        from yizuyihui.people.models import Identity

        if identity and identity not in Identity.values:
            problems.append(_("unknown identity %r") % identity)
        if role in ("leader", "head") and body:
            key = (unit_code, body, role)
            if key in seen_leaders:
                problems.append(_("a second %s for the same unit") % role)
            seen_leaders.add(key)
        if problems:
            errors.append(RowError(sheet, line, "; ".join(problems)))
            continue
        people.append({"unit_code": unit_code, "name": row["name"], "gender": gender, "id_number": id_number,
                       "phone": phone, "party": party, "body": body, "role": role, "identity": identity})
    return people


def _apply_tree(planned: dict[str, dict]) -> int:
    from yizuyihui.org.services import node_create

    created = 0
    remaining = dict(planned)
    while remaining:  # parents first, whatever order the file lists them in
        progress = False
        for code, item in list(remaining.items()):
            if item["parent"] in remaining:
                continue
            parent = OrgNode.objects.get(code=item["parent"]) if item["parent"] else None
            node_create(parent=parent, name=item["name"], level=item["level"], code=code)
            del remaining[code]
            created += 1
            progress = True
        if not progress:  # a cycle: validation rejects unknown parents, so only cycles get here
            raise ImportRejected([RowError(i["sheet"], i["line"], _("parent cycle")) for i in remaining.values()])
    return created


def _apply_roster(people: list[dict]) -> int:
    from yizuyihui.org.services import unit_refresh_measures
    from yizuyihui.people.models import Person
    from yizuyihui.people.services import membership_add

    units = {u.node.code: u for u in Unit.objects.select_related("node").filter(node__code__in={p["unit_code"] for p in people})}
    for p in people:
        unit = units[p["unit_code"]]
        person = Person.objects.with_id_number(p["id_number"]).first() if p["id_number"] else None
        if person is None:
            person = Person.objects.create(name=p["name"], gender=p["gender"], id_number=p["id_number"], phone=p["phone"],
                                           is_party_member=p["party"], node=unit.node)
        membership_add(person=person, unit=unit, body=p["body"], role=p["role"], identity=p["identity"])
    unit_refresh_measures(units=list(units.values()))
    return len(people)


def export_tables(*, root: OrgNode | None = None) -> tuple[list[list[str]], list[list[str]]]:
    """The tree and the current rosters under `root` in the import format (round-trips)."""
    from yizuyihui.people.models import Membership

    nodes = OrgNode.objects.all() if root is None else OrgNode.get_tree(root)
    by_path = {}
    tree = [TREE_COLUMNS]
    for node in nodes.order_by("path") if root is None else sorted(nodes, key=lambda n: n.path):
        by_path[node.path] = node.code
        parent_code = by_path.get(node.path[: -node.steplen], "") if node.depth > 1 else ""
        tree.append([node.code, parent_code, node.level, node.name])
    roster = [ROSTER_COLUMNS]
    members = Membership.objects.filter(ended__isnull=True).exclude(body="plus").select_related("person", "unit__node")
    if root is not None:
        members = members.filter(unit__node__path__startswith=root.path)
    for m in members.order_by("unit__node__path", "body", "pk").iterator(chunk_size=5000):
        p = m.person
        roster.append([m.unit.node.code, p.name, p.gender, p.id_number, p.phone, "1" if p.is_party_member else "0",
                       m.body, m.role, m.identity])
    return tree, roster
