"""Validation of an import (see `imports`): every row of every table is checked, against each
other and against the database, into a plan of what to create; any bad row rejects the whole
import with every bad row's line number and reason, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from yizuyihui.org.models import CHILD_LEVELS, UNIT_LEVELS, Level, OrgNode, Unit
from yizuyihui.org.tables import (
    _BODY,
    _BOOL,
    _CATEGORY,
    _GENDER,
    _IDENTITY,
    _LEVEL,
    _OUTSIDE,
    _ROLE,
    BODY_ZH,
    KINDS,
    LEVEL_ZH,
    ROLE_ZH,
    ImportRejected,
    RowError,
    Table,
    _kind,
    _mask,
    _phone_valid,
    id_number_valid,
)


def validate_tables(tables: list[Table]) -> _Plan:
    """The plan of an import of these tables, or ImportRejected with every bad row."""
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
    return plan


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
