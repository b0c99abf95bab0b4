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

Here: reading a file and applying a validated plan; the table format lives in `tables`, the
validation in `import_plan`, the export in `export`; their names are handed on from here.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yizuyihui.org.export import export_tables
from yizuyihui.org.import_plan import _Person, _Plan, validate_tables
from yizuyihui.org.models import Level, OrgNode, Unit
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
    CATEGORY_ZH,
    GENDER_ZH,
    HEADER_ALIASES,
    HOUSEHOLD_HEADERS,
    IDENTITY_ZH,
    KINDS,
    LEVEL_ZH,
    OUTSIDE_ZH,
    RESIDENT_HEADERS,
    ROLE_ZH,
    ROSTER_COLUMNS,
    ROSTER_HEADERS,
    TREE_COLUMNS,
    TREE_HEADERS,
    ImportRejected,
    RowError,
    Table,
    _mask,
    _phone_valid,
    _table_from_rows,
    id_number_valid,
    read_files,
    read_tables,
)

# Everything the module offered before it was split (the private ones: people/imports.py reads
# values and checks numbers through them, tests build tables through `_table_from_rows`).
__all__ = [
    "_BODY", "_BOOL", "_CATEGORY", "_GENDER", "_IDENTITY", "_LEVEL", "_OUTSIDE", "_Person", "_ROLE", "_mask",
    "_phone_valid", "_table_from_rows",
    "BODY_ZH", "CATEGORY_ZH", "GENDER_ZH", "HEADER_ALIASES", "HOUSEHOLD_HEADERS", "IDENTITY_ZH", "KINDS", "LEVEL_ZH",
    "OUTSIDE_ZH", "RESIDENT_HEADERS", "ROLE_ZH", "ROSTER_COLUMNS", "ROSTER_HEADERS", "TREE_COLUMNS", "TREE_HEADERS",
    "ImportRejected", "RowError", "Table", "export_tables", "id_number_valid", "import_file", "import_files",
    "import_tables", "read_files", "read_tables", "validate_tables",
]


def import_file(*, name: str, content: bytes) -> dict[str, int]:
    return import_tables(read_files([(name, content)]))


def import_files(*, files: list[tuple[str, bytes]]) -> dict[str, int]:
    return import_tables(read_files(files))


def import_tables(tables: list[Table]) -> dict[str, int]:
    """Validate every row of every table, then write all of it in one transaction, or nothing."""
    plan = validate_tables(tables)
    from yizuyihui.org.services import OrgError
    from yizuyihui.people.services import PeopleError

    try:
        with transaction.atomic():
            return _apply(plan)
    except (OrgError, PeopleError, DatabaseError) as exc:
        # Validation should have caught it; if not, the transaction is undone and it is still an answer, not a crash.
        raise ImportRejected([RowError("", 0, _("The import failed and was undone: %s") % exc)]) from exc


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
