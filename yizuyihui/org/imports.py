"""Import and export of a city: its tree, unit rosters, households and residents, as CSV or XLSX.

Four kinds of table, told apart by their header row. The export writes the Chinese headers and
values below; the import also takes the English column names and codes (files made before the
Chinese headers, or by other systems).

- tree (组织):        代码 code, 上级代码 parent_code, 层级 level, 名称 name, [城镇 urban]
- roster (班子):      单元代码 unit_code, 姓名 name, 性别 gender, 身份证号码 id_number, 手机号码 phone,
                      是否党员 party_member, 组织 body (党小组/理事会), 职务 role (组长/会长/成员), 身份 identity
- households (住户):  户号 household_no, 单元代码 unit_code, 地址 address, 户类别 category, 人数 size
- residents (居民):   节点代码 node_code, 姓名 name, 性别 gender, 出生年份 birth_year, 身份证号码 id_number,
                      手机号码 phone, 是否党员 party_member, 是否流动人口 migrant, 户号 household_no,
                      职业 occupation, 外出类型 outside_kind, 外出地点 outside_place

An ID number names one person: every row carrying it (a resident row, Party-group and council
seats) must agree on name, gender and Party membership, with each other and with a person already
in the database. 户号 links residents to households within the files only.

All files are validated completely before anything is written; if any row is bad the whole import
is rejected with every bad row's line number and reason, and the database is untouched.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.org.models import CHILD_LEVELS, UNIT_LEVELS, Level, OrgNode, Unit

# canonical column → the Chinese header the export writes
TREE_HEADERS = {"code": "代码", "parent_code": "上级代码", "level": "层级", "name": "名称", "urban": "城镇"}
ROSTER_HEADERS = {"unit_code": "单元代码", "name": "姓名", "gender": "性别", "id_number": "身份证号码", "phone": "手机号码",
                  "party_member": "是否党员", "body": "组织", "role": "职务", "identity": "身份"}
HOUSEHOLD_HEADERS = {"household_no": "户号", "unit_code": "单元代码", "address": "地址", "category": "户类别", "size": "人数"}
RESIDENT_HEADERS = {"node_code": "节点代码", "name": "姓名", "gender": "性别", "birth_year": "出生年份",
                    "id_number": "身份证号码", "phone": "手机号码", "party_member": "是否党员", "migrant": "是否流动人口",
                    "household_no": "户号", "occupation": "职业", "outside_kind": "外出类型", "outside_place": "外出地点"}
TREE_COLUMNS = list(TREE_HEADERS)[:4]  # the required ones
ROSTER_COLUMNS = list(ROSTER_HEADERS)
KINDS = {  # kind → (required canonical columns, headers); checked in this order
    "tree": ({"code", "parent_code", "level", "name"}, TREE_HEADERS),
    "roster": ({"unit_code", "name", "body"}, ROSTER_HEADERS),
    "households": ({"household_no", "unit_code", "address"}, HOUSEHOLD_HEADERS),
    "residents": ({"node_code", "name"}, RESIDENT_HEADERS),
}
HEADER_ALIASES = {zh: key for _required, headers in KINDS.values() for key, zh in headers.items()} | {
    "身份证号": "id_number", "手机号": "phone", "电话": "phone", "党员": "party_member", "所属组织": "body", "编码": "code",
    "上级编码": "parent_code", "所属网格/自然村": "node_code"}

# code → the Chinese value the export writes; the import takes either (and a few synonyms)
LEVEL_ZH = {"city": "市", "district": "区", "county": "县", "street": "街道", "township": "乡镇", "community": "社区",
            "village": "行政村", "grid": "网格", "natural_village": "自然村", "building": "楼栋"}
GENDER_ZH = {"M": "男", "F": "女"}
BODY_ZH = {"party_group": "党小组", "council": "理事会"}
ROLE_ZH = {"leader": "组长", "head": "会长", "member": "成员"}
CATEGORY_ZH = {"ordinary": "一般户", "key": "重点帮扶", "special": "特殊人员"}
OUTSIDE_ZH = {"work": "外出务工", "trade": "外出经商", "study": "外出求学"}
IDENTITY_ZH = {"cadre": "村（社区）干部", "party_rep": "党员代表", "mass_rep": "群众代表", "women_rep": "妇女代表",
               "rich_expert": "致富能手", "coop_rep": "合作社代表", "village_committee": "村委委员", "grain_grower": "种粮大户",
               "elder": "五老乡贤", "social_worker": "社工", "in_service": "在职党员", "building_head": "楼栋长",
               "owners_committee": "业委会负责人", "property_rep": "物业公司代表", "area_unit_rep": "辖区单位代表",
               "grid_worker": "网格员", "police": "社区民警", "veteran": "退役军人", "entrepreneur": "返乡创业人员",
               "self_employed": "个体工商户党员", "lawyer": "法律明白人", "volunteer": "志愿者", "official": "下沉干部",
               "resident": "相关居民"}


def _reading(zh: dict[str, str], **synonyms: str) -> dict[str, str]:
    """Lower-cased spellings (code or Chinese) → code."""
    out = {code.lower(): code for code in zh} | {v: code for code, v in zh.items()}
    return out | {k.lower(): v for k, v in synonyms.items()}


_LEVEL = _reading(LEVEL_ZH, 村="village", 自然村组="natural_village")
_GENDER = _reading(GENDER_ZH, male="M", female="F")
_BODY = _reading(BODY_ZH, 议事会="council", 居民议事会="council", 村民理事会="council")
_ROLE = _reading(ROLE_ZH, **{"": "member"})
_CATEGORY = _reading(CATEGORY_ZH, **{"": "ordinary", "一般": "ordinary", "特殊": "special"})
_OUTSIDE = _reading(OUTSIDE_ZH, **{"": ""})
_IDENTITY = _reading(IDENTITY_ZH, **{"": ""})
_BOOL = {"1": True, "true": True, "yes": True, "是": True, "y": True, "0": False, "false": False, "no": False,
         "否": False, "n": False, "": False}
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643 check digit of an 18-digit resident ID number."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17].upper()


def _phone_valid(phone: str) -> bool:
    return len(phone) == 11 and phone.isdigit() and phone.startswith("1")


@dataclass
class RowError:
    sheet: str
    line: int
    message: str

    def __str__(self) -> str:
        return _("%(sheet)s, line %(line)d: %(message)s") % {"sheet": self.sheet, "line": self.line, "message": self.message}


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.sheet, e.line))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class Table:
    sheet: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number, row by canonical column)


def read_tables(*, name: str, content: bytes) -> list[Table]:
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    text = content.decode("utf-8-sig")
    return [_table_from_rows(name, csv.reader(io.StringIO(text)))]


def _table_from_rows(sheet: str, rows) -> Table:
    rows = iter(rows)
    header = [str(h or "").strip() for h in next(rows, [])]
    keys = [HEADER_ALIASES.get(h, h.lower()) for h in header]
    table = Table(sheet=sheet, header=keys)
    for line, raw in enumerate(rows, start=2):
        values = ["" if v is None else str(v).strip() for v in raw]
        if not any(values):
            continue
        table.rows.append((line, dict(zip(keys, values + [""] * (len(keys) - len(values)), strict=False))))
    return table


def _read_xlsx(content: bytes) -> list[Table]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return [_table_from_rows(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets]


def _kind(table: Table) -> str | None:
    for kind, (required, _headers) in KINDS.items():
        if required <= set(table.header):
            return kind
    return None


def read_files(files: list[tuple[str, bytes]]) -> list[Table]:
    """Read every file; one that cannot be read rejects the import like a bad row."""
    tables, errors = [], []
    for name, content in files:
        try:
            tables.extend(read_tables(name=name, content=content))
        except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError, EOFError) as exc:
            errors.append(RowError(name, 1, _("Cannot read the file: %s") % exc))
        except Exception as exc:  # noqa: BLE001 - openpyxl raises its own zoo for a damaged workbook
            errors.append(RowError(name, 1, _("Cannot read the file: %s") % exc.__class__.__name__))
    if errors:
        raise ImportRejected(errors)
    return tables


def import_file(*, name: str, content: bytes) -> dict[str, int]:
    return import_tables(read_files([(name, content)]))


def import_files(*, files: list[tuple[str, bytes]]) -> dict[str, int]:
    return import_tables(read_files(files))


def import_tables(tables: list[Table]) -> dict[str, int]:
    """Validate every row of every table, then write all of it in one transaction, or nothing."""
    errors: list[RowError] = []
    rows: dict[str, list[tuple[str, int, dict]]] = {kind: [] for kind in KINDS}
    for table in tables:
        kind = _kind(table)
        if kind is None:
            expected = " | ".join(",".join(headers.values()) for _required, headers in KINDS.values())
            errors.append(RowError(table.sheet, 1, _("Unknown header; expected one of: %s") % expected))
            continue
        rows[kind].extend((table.sheet, line, row) for line, row in table.rows)

    plan = _Plan()
    _validate_tree(rows["tree"], plan, errors)
    _validate_households(rows["households"], plan, errors)
    _validate_residents(rows["residents"], plan, errors)
    _validate_roster(rows["roster"], plan, errors)
    if errors:
        raise ImportRejected(errors)
    from yizuyihui.org.services import OrgError
    from yizuyihui.people.services import PeopleError

    try:
        with transaction.atomic():
            return _apply(plan)
    except (OrgError, PeopleError, DatabaseError) as exc:
        # Validation should have caught it; if not, the transaction is undone and it is still an answer, not a crash.
        raise ImportRejected([RowError("", 0, _("The import failed and was undone: %s") % exc)]) from exc


@dataclass
class _Person:
    sheet: str
    line: int
    name: str
    gender: str
    id_number: str
    phone: str
    party: bool
    node_code: str
    birth_year: int | None = None
    migrant: bool = False
    household_no: str = ""
    occupation: str = ""
    outside_kind: str = ""
    outside_place: str = ""
    existing_pk: int | None = None  # a person already in the database


@dataclass
class _Plan:
    nodes: dict[str, dict] = field(default_factory=dict)  # code → planned node
    existing_nodes: dict[str, tuple[str, bool]] = field(default_factory=dict)  # code → (level, is_urban)
    units: set[str] = field(default_factory=set)  # codes of the units after the import
    households: dict[str, dict] = field(default_factory=dict)  # 户号 → planned household
    people: list[_Person] = field(default_factory=list)  # persons to create
    by_id_number: dict[str, _Person] = field(default_factory=dict)
    seats: list[tuple[_Person, str, str, str, str]] = field(default_factory=list)  # (person, unit code, body, role, identity)


def _validate_tree(rows, plan: _Plan, errors) -> None:
    plan.existing_nodes = {c: (lvl, urban) for c, lvl, urban in OrgNode.objects.values_list("code", "level", "is_urban")}
    existing, planned = plan.existing_nodes, plan.nodes
    for sheet, line, row in rows:
        code, parent, name = row.get("code", ""), row.get("parent_code", ""), row.get("name", "")
        level = _LEVEL.get(row.get("level", "").lower())
        urban = _BOOL.get(row.get("urban", "").lower()) if row.get("urban") else None
        problems = []
        if not code:
            problems.append(_("code is empty"))
        elif code in planned:
            problems.append(_("code %(code)s is used twice (line %(line)d)") % {"code": code, "line": planned[code]["line"]})
        elif code in existing:
            problems.append(_("code %s already exists in the database") % code)
        if level is None:
            problems.append(_("unknown level %r") % row.get("level", ""))
        if not name:
            problems.append(_("name is empty"))
        if not parent and level not in (None, Level.CITY):
            problems.append(_("only a city may have no parent"))
        if row.get("urban") and urban is None:
            problems.append(_("城镇 must be 是/否"))
        if problems:
            errors.append(RowError(sheet, line, "; ".join(problems)))
            if code and code not in planned and code not in existing:
                planned[code] = {"sheet": sheet, "line": line, "parent": parent, "level": level, "name": name,
                                 "urban": urban, "bad": True}
            continue
        planned[code] = {"sheet": sheet, "line": line, "parent": parent, "level": level, "name": name, "urban": urban}
    for code, item in planned.items():
        parent = item["parent"]
        if not parent or item.get("bad"):
            continue
        parent_level = planned[parent]["level"] if parent in planned else existing.get(parent, (None,))[0]
        if parent not in planned and parent not in existing:
            errors.append(RowError(item["sheet"], item["line"], _("parent %s does not exist") % parent))
        elif parent_level and item["level"] not in CHILD_LEVELS[parent_level]:
            errors.append(RowError(item["sheet"], item["line"], _("a %(c)s cannot sit under a %(p)s") % {
                "c": LEVEL_ZH[item["level"]], "p": LEVEL_ZH[parent_level]}))
        else:
            seen, up = {code}, parent  # a chain of planned parents must end at a root or an existing node
            while up in planned and planned[up]["parent"]:
                if up in seen:
                    errors.append(RowError(item["sheet"], item["line"], _("parent cycle")))
                    break
                seen.add(up)
                up = planned[up]["parent"]
    plan.units = set(Unit.objects.values_list("node__code", flat=True)) | {
        c for c, item in planned.items() if item["level"] in UNIT_LEVELS and not item.get("bad")}


def _validate_households(rows, plan: _Plan, errors) -> None:
    for sheet, line, row in rows:
        number, unit_code, address = row.get("household_no", ""), row.get("unit_code", ""), row.get("address", "")
        category = _CATEGORY.get(row.get("category", "").lower())
        problems = []
        if not number:
            problems.append(_("户号 is empty"))
        elif number in plan.households:
            problems.append(_("户号 %(no)s is used twice (line %(line)d)") % {"no": number, "line": plan.households[number]["line"]})
        if unit_code not in plan.units:
            problems.append(_("unit %s does not exist") % (unit_code or "?"))
        if not address:
            problems.append(_("address is empty"))
        if category is None:
            problems.append(_("unknown household category %r") % row.get("category", ""))
        size = row.get("size", "") or "1"
        if not size.isdigit() or not 0 < int(size) < 100:
            problems.append(_("人数 must be a whole number from 1 to 99"))
        if problems:
            errors.append(RowError(sheet, line, "; ".join(problems)))
            continue
        plan.households[number] = {"line": line, "unit_code": unit_code, "address": address[:200], "category": category,
                                   "size": int(size)}


def _person_fields(row: dict, problems: list[str]) -> dict | None:
    """The fields every person row shares (roster and residents), or None if any is bad."""
    name = row.get("name", "")
    if not name:
        problems.append(_("name is empty"))
    elif len(name) > 50:
        problems.append(_("name is longer than 50 characters"))
    gender = _GENDER.get(row.get("gender", "").lower())
    if gender is None:
        problems.append(_("gender must be 男/女 or M/F"))
    id_number = row.get("id_number", "").upper()
    if id_number and not id_number_valid(id_number):
        problems.append(_("ID card number is not valid"))
    phone = row.get("phone", "")
    if phone and not _phone_valid(phone):
        problems.append(_("phone must be an 11-digit mobile number"))
    party = _BOOL.get(row.get("party_member", "").lower())
    if party is None:
        problems.append(_("party_member must be 是/否"))
    return {"name": name, "gender": gender, "id_number": id_number, "phone": phone, "party": party}


def _existing_people(numbers: set[str]) -> dict[str, tuple[int, str, str, bool]]:
    """Persons already in the database with these ID numbers: number → (pk, name, gender, party)."""
    from yizuyihui.people.crypto import lookup_hash
    from yizuyihui.people.models import Person

    # Numbers are encrypted at rest: look them up by their keyed hash (people/crypto.py).
    by_hash = {lookup_hash(n): n for n in numbers}
    found: dict[str, tuple[int, str, str, bool]] = {}
    hashes = sorted(h for h in by_hash if h)
    for i in range(0, len(hashes), 900):
        for pk, digest, name, gender, party in Person.objects.filter(id_number_hash__in=hashes[i : i + 900]).values_list(
            "pk", "id_number_hash", "name", "gender", "is_party_member"
        ).order_by("pk"):
            found.setdefault(by_hash[digest], (pk, name, gender, party))
    return found


def _conflict(person: _Person, fields: dict) -> str | None:
    """Rows naming one ID number must be one person: same name, gender and Party membership."""
    differ = [label for label, key in ((_("person's name"), "name"), (_("gender"), "gender"),
                                       (_("Party membership"), "party")) if getattr(person, key) != fields[key]]
    if not differ:
        return None
    if person.existing_pk:
        return _("ID number %(id)s belongs to a person in the database with a different %(what)s: "
                 "one ID number is one person") % {"id": _mask(person.id_number), "what": " / ".join(differ)}
    return _("ID number %(id)s is on %(sheet)s line %(line)d with a different %(what)s: one ID number is one person") % {
        "id": _mask(person.id_number), "sheet": person.sheet, "line": person.line, "what": " / ".join(differ)}


def _mask(id_number: str) -> str:
    return f"{id_number[:3]}***********{id_number[-4:]}"


def _validate_residents(rows, plan: _Plan, errors) -> None:
    numbers = {r.get("id_number", "").upper() for _s, _l, r in rows} - {""}
    in_db = _existing_people(numbers)
    known_nodes = set(plan.existing_nodes) | {c for c, item in plan.nodes.items() if not item.get("bad")}
    for sheet, line, row in rows:
        problems: list[str] = []
        fields = _person_fields(row, problems)
        node_code = row.get("node_code", "")
        if node_code not in known_nodes:
            problems.append(_("node %s does not exist") % (node_code or "?"))
        year = row.get("birth_year", "")
        if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
            problems.append(_("出生年份 must be a year such as 1980"))
        migrant = _BOOL.get(row.get("migrant", "").lower())
        if migrant is None:
            problems.append(_("是否流动人口 must be 是/否"))
        household_no = row.get("household_no", "")
        if household_no and household_no not in plan.households:
            problems.append(_("户号 %s is not in the households table") % household_no)
        outside = _OUTSIDE.get(row.get("outside_kind", "").lower())
        if outside is None:
            problems.append(_("外出类型 must be 外出务工, 外出经商 or 外出求学"))
        number = fields["id_number"]
        if number and number in plan.by_id_number:
            first = plan.by_id_number[number]
            problems.append(_("ID number %(id)s is already on %(sheet)s line %(line)d: one row per resident") % {
                "id": _mask(number), "sheet": first.sheet, "line": first.line})
        elif number in in_db:
            problems.append(_("a person with ID number %s is already in the database") % _mask(number))
        if problems:
            errors.append(RowError(sheet, line, "; ".join(problems)))
            continue
        person = _Person(sheet=sheet, line=line, node_code=node_code, birth_year=int(year) if year else None,
                         migrant=migrant, household_no=household_no, occupation=row.get("occupation", "")[:50],
                         outside_kind=outside, outside_place=row.get("outside_place", "")[:100], **fields)
        plan.people.append(person)
        if number:
            plan.by_id_number[number] = person


def _validate_roster(rows, plan: _Plan, errors) -> None:
    from yizuyihui.people.models import Membership

    numbers = {r.get("id_number", "").upper() for _s, _l, r in rows} - {""} - set(plan.by_id_number)
    in_db = _existing_people(numbers)
    pks = sorted(v[0] for v in in_db.values())
    seated = set()  # (person, unit code, body) of the current seats of those persons; SQLite caps query parameters
    for i in range(0, len(pks), 900):
        seated |= set(Membership.objects.filter(person_id__in=pks[i : i + 900], ended__isnull=True)
                      .exclude(body="plus").values_list("person_id", "unit__node__code", "body"))
    seen_leaders: dict[tuple[str, str, str], int] = {}
    seen_seats: dict[tuple[str, str, str], int] = {}
    for sheet, line, row in rows:
        problems: list[str] = []
        fields = _person_fields(row, problems)
        unit_code = row.get("unit_code", "")
        if unit_code not in plan.units:
            problems.append(_("unit %s does not exist") % (unit_code or "?"))
        body = _BODY.get(row.get("body", "").lower())
        role = _ROLE.get(row.get("role", "").lower())
        if body is None:
            problems.append(_("body must be 党小组 or 理事会"))
        if role is None:
            problems.append(_("role must be 组长, 会长 or 成员"))
        if (body, role) in {("party_group", "head"), ("council", "leader")}:
            problems.append(_("the Party group has a 组长 and the council a 会长"))
        identity = _IDENTITY.get(row.get("identity", "").lower())
        if identity is None:
            problems.append(_("unknown identity %r") % row.get("identity", ""))
        # Who is this? The person of an earlier row (or the database) with the same ID number.
        number, person = fields["id_number"], None
        if number and fields["name"] and fields["gender"] and fields["party"] is not None:
            person = plan.by_id_number.get(number)
            if person is None and number in in_db:
                pk, name, gender, party = in_db[number]
                person = _Person(sheet=sheet, line=line, name=name, gender=gender, id_number=number, phone="",
                                 party=party, node_code="", existing_pk=pk)
                plan.by_id_number[number] = person
            if person is not None and (conflict := _conflict(person, fields)):
                problems.append(conflict)
        party = person.party if person is not None else fields["party"]
        if body == "party_group" and party is False:
            problems.append(_("only Party members can sit in the Party group"))
        if role in ("leader", "head") and body and unit_code:
            key = (unit_code, body, role)
            if key in seen_leaders:
                problems.append(_("a second %(role)s for the same unit (line %(line)d)") % {
                    "role": ROLE_ZH[role], "line": seen_leaders[key]})
            else:
                seen_leaders[key] = line
        if number and body:
            seat = (number, unit_code, body)
            if seat in seen_seats:
                problems.append(_("the same person sits twice in the %(body)s of this unit (line %(line)d)") % {
                    "body": BODY_ZH[body], "line": seen_seats[seat]})
            elif person is not None and person.existing_pk and (person.existing_pk, unit_code, body) in seated:
                problems.append(_("this person already sits in the %s of this unit") % BODY_ZH[body])
            seen_seats[seat] = line
        if problems:
            errors.append(RowError(sheet, line, "; ".join(problems)))
            continue
        if person is None:  # a new person: first seen here
            person = _Person(sheet=sheet, line=line, node_code=unit_code, **fields)
            plan.people.append(person)
            if number:
                plan.by_id_number[number] = person
        plan.seats.append((person, unit_code, body, role, identity))


def _apply(plan: _Plan) -> dict[str, int]:
    from yizuyihui.org.services import NodeSpec, subtree_bulk_create, unit_refresh_measures
    from yizuyihui.people.models import Household, Membership, Person
    from yizuyihui.people.services import households_bulk_create, memberships_bulk_create, persons_bulk_create

    # Tree: each planned subtree in one bulk call under its existing parent (or as a new city).
    specs: dict[str, NodeSpec] = {}
    tops: dict[str, list[NodeSpec]] = {}

    def spec(code: str) -> NodeSpec:
        if code in specs:
            return specs[code]
        item = plan.nodes[code]
        parent = item["parent"]
        if parent in plan.nodes:
            parent_urban = spec(parent).is_urban
        else:
            parent_urban = plan.existing_nodes[parent][1] if parent else True
        urban = item["urban"]
        if urban is None:  # the same rule as node_create
            urban = True if not parent else (
                item["level"] not in {Level.VILLAGE, Level.NATURAL_VILLAGE, Level.TOWNSHIP} and parent_urban)
        specs[code] = made = NodeSpec(item["name"], item["level"], code, urban)
        if parent in plan.nodes:
            spec(parent).children.append(made)
        else:
            tops.setdefault(parent, []).append(made)
        return made

    for code in plan.nodes:
        spec(code)
    for parent_code, children in tops.items():
        parent = OrgNode.objects.get(code=parent_code) if parent_code else None
        subtree_bulk_create(parent=parent, specs=children)

    wanted = {u for _p, u, *_rest in plan.seats} | {h["unit_code"] for h in plan.households.values()}
    units = {code: (pk, node_id) for code, pk, node_id in
             Unit.objects.filter(node__code__in=wanted).values_list("node__code", "pk", "node_id")}
    node_ids = dict(OrgNode.objects.filter(code__in={p.node_code for p in plan.people}).values_list("code", "pk"))

    households = [Household(unit_id=units[h["unit_code"]][0], node_id=units[h["unit_code"]][1], address=h["address"],
                            category=h["category"], size=h["size"]) for h in plan.households.values()]
    households_bulk_create(households=households)
    household_pk = {no: h.pk for no, h in zip(plan.households, households, strict=True)}

    persons = [Person(name=p.name, gender=p.gender, birth_year=p.birth_year, id_number=p.id_number, phone=p.phone,
                      is_party_member=p.party, is_migrant=p.migrant, node_id=node_ids[p.node_code],
                      household_id=household_pk.get(p.household_no), occupation=p.occupation,
                      outside_kind=p.outside_kind, outside_place=p.outside_place) for p in plan.people]
    persons_bulk_create(persons=persons)
    person_pk = {id(p): made.pk for p, made in zip(plan.people, persons, strict=True)}

    today = timezone.localdate()
    memberships = [Membership(person_id=person.existing_pk or person_pk[id(person)], unit_id=units[unit_code][0], body=body,
                              role=role, identity=identity, purpose="", started=today, ended=None)
                   for person, unit_code, body, role, identity in plan.seats]
    memberships_bulk_create(memberships=memberships, step_down_previous=True)
    touched = {units[u][0] for _p, u, *_rest in plan.seats} | {units[h["unit_code"]][0] for h in plan.households.values()}
    touched |= set(Unit.objects.filter(node__code__in={p.node_code for p in plan.people}).values_list("pk", flat=True))
    if touched:
        unit_refresh_measures(units=[Unit(pk=pk) for pk in touched])
    return {"nodes": len(plan.nodes), "members": len(memberships), "households": len(households), "persons": len(persons)}


def export_tables(*, root: OrgNode | None = None) -> dict[str, list[list]]:
    """The tree, rosters, households and residents under `root` in the import format, with
    Chinese headers and values: importing the result into an empty database gives back the same
    nodes, units, persons, households and (current, non-"+") memberships.

    Left out: "+" members (drawn in per matter; a person who is nothing but a "+" member is not
    exported), ended memberships, accounts and posts."""
    from django.db.models import Q

    from yizuyihui.people.models import Body, Household, Membership, Person

    nodes = OrgNode.objects.all() if root is None else OrgNode.objects.filter(path__startswith=root.path)
    by_path: dict[str, str] = {}
    if root is not None and root.depth > 1:
        by_path[root.path[: -root.steplen]] = root.get_parent().code
    tree = [list(TREE_HEADERS.values())]
    for path, depth, code, level, name, urban in nodes.order_by("path").values_list(
            "path", "depth", "code", "level", "name", "is_urban").iterator(chunk_size=5000):
        by_path[path] = code
        parent_code = by_path.get(path[: -OrgNode.steplen], "") if depth > 1 else ""
        tree.append([code, parent_code, LEVEL_ZH[level], name, "是" if urban else "否"])

    def under(prefix: str) -> Q:
        return Q() if root is None else Q(**{f"{prefix}__path__startswith": root.path})

    roster = [list(ROSTER_HEADERS.values())]
    members = Membership.objects.filter(under("unit__node"), ended__isnull=True).exclude(body=Body.PLUS)
    for row in members.order_by("unit__node__path", "body", "pk").values_list(
            "unit__node__code", "person__name", "person__gender", "person__id_number", "person__phone",
            "person__is_party_member", "body", "role", "identity").iterator(chunk_size=5000):
        code, name, gender, number, phone, party, body, role, identity = row
        roster.append([code, name, GENDER_ZH.get(gender, gender), number, phone, "是" if party else "否",
                       BODY_ZH[body], ROLE_ZH[role], IDENTITY_ZH.get(identity, identity)])

    households = [list(HOUSEHOLD_HEADERS.values())]
    exported_households = set()
    for pk, code, address, category, size in Household.objects.filter(under("unit__node")).order_by("pk").values_list(
            "pk", "unit__node__code", "address", "category", "size").iterator(chunk_size=5000):
        exported_households.add(pk)
        households.append([str(pk), code, address, CATEGORY_ZH.get(category, category), size])

    # Everyone but people who are only "+" members, and seated people without an ID number (the
    # roster row is all there is to them: without a number a second row would be a second person).
    seated = Membership.objects.filter(ended__isnull=True).exclude(body=Body.PLUS).values("person_id")
    plus_only = Q(memberships__body=Body.PLUS, household__isnull=True) & ~Q(pk__in=seated)
    residents = [list(RESIDENT_HEADERS.values())]
    people = Person.objects.filter(under("node")).exclude(plus_only).exclude(Q(id_number="") & Q(pk__in=seated))
    for row in people.order_by("pk").distinct().values_list(
            "node__code", "name", "gender", "birth_year", "id_number", "phone", "is_party_member", "is_migrant",
            "household_id", "occupation", "outside_kind", "outside_place").iterator(chunk_size=5000):
        code, name, gender, year, number, phone, party, migrant, household, occupation, outside, place = row
        residents.append([code, name, GENDER_ZH.get(gender, gender), year or "", number, phone, "是" if party else "否",
                          "是" if migrant else "否", str(household) if household in exported_households else "",
                          occupation, OUTSIDE_ZH.get(outside, outside), place])
    return {"tree": tree, "roster": roster, "households": households, "residents": residents}
