"""Households and residents from a 街道's register (CSV or XLSX): one row per resident.

Columns (Chinese headers as a street's register writes them; English names also accepted):
户号 (required), 地址, 网格代码 (the grid or natural village: its org code; also 单元代码/节点代码),
姓名 (required), 身份证号 (required), 手机号, 性别, 户类别, 与户主关系, 是否党员 (or 政治面貌),
是否流动人口 (or 人口类型), 职业. 性别 and 出生年份 come from the ID number; a 性别 column must agree.

- Each row is checked and reported with its sheet and line number; if any row is bad, nothing is
  written (the file is loaded inside one transaction that is rolled back), and every bad row is listed.
- Re-importing is idempotent: a resident whose ID number is already known is updated, not added,
  and a household whose 户号 is known is updated. Columns missing from the file, and blank 手机号/职业
  cells, leave the stored value alone.
- A file is streamed in chunks (validated, then written with COPY on PostgreSQL, core/bulk.py);
  memory grows only with the ID numbers and 户号 seen (for duplicate checks), not with the rows.
- With `scope_paths` (a community cadre importing from the web) every row's unit, every known
  resident and every known household must lie under those org paths.

Validation helpers (ID-number check, phone check, masking, value readings, RowError) are the org
import's, so both imports say the same thing about the same mistake.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yizuyihui.core.bulk import fast_insert, fast_update, reserve_ids
from yizuyihui.org.imports import (
    _BOOL,
    _CATEGORY,
    _GENDER,
    ImportRejected,
    RowError,
    _mask,
    _phone_valid,
    id_number_valid,
)
from yizuyihui.org.models import Unit
from yizuyihui.people.crypto import lookup_hash, seal
from yizuyihui.people.models import Household, Person, Relation
from yizuyihui.people.services import _STORED_EXTRA

HEADERS = {  # canonical column → accepted headers (the first is the one a template writes)
    "household_no": ("户号", "户编号", "household_no"),
    "address": ("地址", "住址", "家庭住址", "address"),
    "unit_code": ("网格代码", "单元代码", "节点代码", "网格/自然村代码", "unit_code", "node_code"),
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "id_number"),
    "phone": ("手机号", "手机号码", "联系电话", "phone"),
    "gender": ("性别", "gender"),
    "category": ("户类别", "category"),
    "relation": ("与户主关系", "relation"),
    "party_member": ("是否党员", "政治面貌", "party_member"),
    "migrant": ("是否流动人口", "人口类型", "migrant"),
    "occupation": ("职业", "occupation"),
}
REQUIRED = ("household_no", "name", "id_number")
_HEADER = {h.lower(): key for key, names in HEADERS.items() for h in names}
TEMPLATE_HEADER = [names[0] for names in HEADERS.values()]

_PARTY = _BOOL | {"中共党员": True, "中共预备党员": True, "党员": True, "预备党员": True, "群众": False,
                  "共青团员": False, "团员": False, "民主党派": False, "无党派人士": False}
_MIGRANT = _BOOL | {"流动": True, "流动人口": True, "户籍": False, "户籍人口": False, "常住": False, "常住人口": False}
_RELATION = {code: code for code in Relation.values} | {"": ""} | {
    "户主": "head", "本人": "head", "配偶": "spouse", "妻": "spouse", "妻子": "spouse", "夫": "spouse", "丈夫": "spouse",
    "子": "child", "女": "child", "儿子": "child", "女儿": "child", "子女": "child", "长子": "child", "次子": "child",
    "长女": "child", "次女": "child", "养子": "child", "养女": "child", "父": "parent", "母": "parent", "父亲": "parent",
    "母亲": "parent", "父母": "parent", "孙子": "grandchild", "孙女": "grandchild", "外孙子": "grandchild",
    "外孙女": "grandchild", "孙子女": "grandchild", "祖父": "grandparent", "祖母": "grandparent",
    "外祖父": "grandparent", "外祖母": "grandparent", "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling",
    "兄弟姐妹": "sibling", "儿媳": "child_in_law", "女婿": "child_in_law", "其他": "other"}

# Labels of the household columns rows of one 户号 must agree on (translated only when shown).
_AGREE = (gettext_noop("unit"), gettext_noop("address"), gettext_noop("household category"))

CHUNK = 10_000
MAX_ERRORS = 1000  # a wrong file would otherwise list millions of lines
POOL_MIN = 1000  # new residents in a chunk worth handing to the sealing processes


@dataclass
class ImportReport:
    rows: int = 0
    households_created: int = 0
    households_updated: int = 0
    persons_created: int = 0
    persons_updated: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Household:
    line: int
    pk: int
    unit_code: str
    address: str
    category: str
    head_line: int = 0
    new: bool = False  # not in the database yet: written once the whole file is read, with its size
    size: int = 0  # rows of this file in the household


@dataclass
class _State:
    scope_paths: tuple[str, ...] | None
    units: dict[str, tuple[int, int, str]]  # code → (unit pk, node pk, node path)
    report: ImportReport = field(default_factory=ImportReport)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    seen_ids: dict[str, int] = field(default_factory=dict)  # ID number → line
    households: dict[str, _Household] = field(default_factory=dict)  # 户号 → household of this file
    next_household_pk: int = 0
    columns: set[str] = field(default_factory=set)
    moved_from: set[int] = field(default_factory=set)  # households known residents of this file leave
    units_left: set[int] = field(default_factory=set)  # units (pk) known residents of this file leave
    pool: Any = None  # processes sealing numbers beside this one (residents_import's `sealers`)
    sealers: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # phase → seconds (yzyh bench import prints them)

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started

    def error(self, sheet: str, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(sheet, line, message))


def _in_scope(state: _State, path: str) -> bool:
    return state.scope_paths is None or any(path.startswith(p) for p in state.scope_paths)


def read_sheets(*, name: str, stream) -> Iterator[tuple[str, list[str], Iterator[tuple[int, list[str]]]]]:
    """(sheet, header, rows as (line, values)) for each sheet, streamed."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(stream, read_only=True, data_only=True)
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            header = [str(h or "").strip() for h in next(rows, [])]
            yield ws.title, header, _numbered(rows)
        return
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    rows = csv.reader(text)
    header = [h.strip() for h in next(rows, [])]
    yield name, header, _numbered(rows)


def _numbered(rows) -> Iterator[tuple[int, list[str]]]:
    for line, raw in enumerate(rows, start=2):
        values = ["" if v is None else str(v).strip() for v in raw]
        if any(values):
            yield line, values


def residents_import(*, name: str, stream, scope_paths: tuple[str, ...] | None = None,
                     progress: Callable[[int], None] | None = None,
                     timings: dict[str, float] | None = None, sealers: int = 0) -> ImportReport:
    """Import a households-and-residents file (see the module docstring). Raises ImportRejected
    with every bad row (up to MAX_ERRORS) and writes nothing if any row is bad. `timings`, if
    given, receives the seconds spent per phase (read, look-ups, checks, sealing, writes, …).
    `sealers` > 0 forks that many processes to encrypt the new residents' numbers beside this one
    (Fernet is per-row Python and about half of this process's work in a city-size first import);
    the tokens are the same kind, under the same keys, as sealed here."""
    units = {code: (pk, node_id, path) for code, pk, node_id, path in
             Unit.objects.values_list("node__code", "pk", "node_id", "node__path")}
    state = _State(scope_paths=scope_paths, units=units, sealers=sealers)
    if sealers > 0:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # fork: the children have this process's settings (keys); they touch no database connection.
        state.pool = ProcessPoolExecutor(sealers, mp_context=multiprocessing.get_context("fork"))
    try:
        with transaction.atomic():
            state.next_household_pk = reserve_ids(Household, 1).start
            for sheet, header, rows in read_sheets(name=name, stream=stream):
                _import_sheet(state, sheet, header, rows, progress)
            if state.error_count:
                raise _Rollback
            _finish(state)
            committing = time.perf_counter()
        state.timings["commit"] = time.perf_counter() - committing
    except _Rollback:
        errors = state.errors
        if state.error_count > len(errors):
            errors = [*errors, RowError(name, 0, _("… and %d more bad rows") % (state.error_count - len(errors)))]
        raise ImportRejected(errors) from None
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError, EOFError) as exc:
        raise ImportRejected([RowError(name, 1, _("Cannot read the file: %s") % exc)]) from None
    finally:
        if state.pool is not None:
            state.pool.shutdown()
        if timings is not None:
            timings.update(state.timings)
    return state.report


class _Rollback(Exception):
    pass


def _import_sheet(state: _State, sheet: str, header: list[str], rows, progress) -> None:
    keys = [_HEADER.get(h.lower(), "") for h in header]
    missing = [HEADERS[k][0] for k in REQUIRED if k not in keys]
    if missing:
        state.error(sheet, 1, _("Missing columns: %(missing)s; expected headers such as %(expected)s") % {
            "missing": ", ".join(missing), "expected": ", ".join(TEMPLATE_HEADER)})
        return
    state.columns = set(keys) - {""}
    index = {k: i for i, k in enumerate(keys) if k}
    chunk: list[tuple[int, dict[str, str]]] = []
    reading = time.perf_counter()
    for line, values in rows:
        chunk.append((line, {k: values[i] if i < len(values) else "" for k, i in index.items()}))
        if len(chunk) >= CHUNK:
            state.timings["read"] = state.timings.get("read", 0.0) + time.perf_counter() - reading
            _import_chunk(state, sheet, chunk)
            if progress:
                progress(len(chunk))
            chunk = []
            reading = time.perf_counter()
    state.timings["read"] = state.timings.get("read", 0.0) + time.perf_counter() - reading
    if chunk:
        _import_chunk(state, sheet, chunk)
        if progress:
            progress(len(chunk))


def _lookup(queryset, field_name: str, values: list[str], columns: tuple[str, ...]) -> dict[str, tuple]:
    """Rows of `queryset` whose `field_name` is one of `values`: value → row (columns)."""
    out: dict[str, tuple] = {}
    if not values:
        return out
    if connection.vendor == "postgresql":
        # One array parameter: a 10,000-placeholder IN list took longer to build and parse than to run.
        qn, model = connection.ops.quote_name, queryset.model
        column = f"{qn(model._meta.db_table)}.{qn(model._meta.get_field(field_name).column)}"
        parts = [queryset.filter(RawSQL(f"{column} = ANY(%s)", (values,), output_field=BooleanField()))]
    else:
        parts = [queryset.filter(**{f"{field_name}__in": values[i : i + 900]}) for i in range(0, len(values), 900)]
    for part in parts:
        for row in part.order_by("pk").values_list(field_name, *columns):
            out.setdefault(row[0], row[1:])
    return out


# A known resident's row as the checks need it. The phone is read as its stored token (not decrypted):
# a blank or unchanged 手机号 keeps the token, so a re-import seals no number it already has.
_PERSON_LOOKUP = ("pk", "node__path", "phone_token", "phone_hash", "is_party_member", "is_migrant", "occupation",
                  "relation", "household_id", "node__unit", "name", "gender", "birth_year", "node_id")
_HOUSEHOLD_LOOKUP = ("pk", "node__path", "unit__node__code", "address", "category", "node_id")


PERSON_UPDATE = ("name", "gender", "birth_year", "is_party_member", "is_migrant", "node_id", "household_id",
                 "occupation", "relation", "phone")
PERSON_INSERT = ("name", "gender", "birth_year", "id_number", "phone", "is_party_member", "is_migrant", "node_id",
                 "household_id", "occupation", "relation", "outside_kind", "outside_place")
HOUSEHOLD_INSERT = ("id", "number", "node_id", "unit_id", "address", "category", "size")
HOUSEHOLD_UPDATE = ("node_id", "unit_id", "address", "category")


def _import_chunk(state: _State, sheet: str, chunk: list[tuple[int, dict[str, str]]]) -> None:
    with state.phase("look up residents"):
        numbers = sorted({r.get("id_number", "").upper() for _l, r in chunk} - {""})
        # ID numbers are encrypted at rest: find residents by the numbers' keyed hashes (people/crypto.py).
        hash_of = {n: lookup_hash(n) for n in numbers}
        by_hash = {h: n for n, h in hash_of.items()}
        persons = Person.objects.annotate(phone_token=Cast("phone", TextField()))
        people = {by_hash[h]: row for h, row in _lookup(persons, "id_number_hash", sorted(by_hash), _PERSON_LOOKUP).items()}
    with state.phase("look up households"):
        households = state.households
        hh_numbers = sorted({n for _l, r in chunk if (n := r.get("household_no", "")) and n not in households})
        known_households = _lookup(Household.objects, "number", hh_numbers, _HOUSEHOLD_LOOKUP)
    with state.phase("check rows"):
        planned = _check_chunk(state, sheet, chunk, people, known_households)
    if planned is None:
        return
    updated_households, new_people, updated_people = planned
    with state.phase("write households"):
        fast_update(Household, HOUSEHOLD_UPDATE, updated_households)
    # Numbers are stored sealed, with their lookup hashes (as Person.save() would); the ID numbers'
    # hashes are the look-up's.
    with state.phase("seal numbers"):
        i_id, i_phone = PERSON_INSERT.index("id_number"), PERSON_INSERT.index("phone")
        sealed = _seal_numbers(state, [(r[i_id], r[i_phone]) for r in new_people])
        sealed_new = [(*r[:i_id], id_token, phone_token, *r[i_phone + 1:], hash_of[r[i_id]], phone_hash)
                      for r, (id_token, phone_token, phone_hash) in zip(new_people, sealed, strict=True)]
        sealed_updated = [(*r[:-2], *_phone_token(r[-2], r[-1])) for r in updated_people]
    with state.phase("write residents"):
        fast_insert(Person, PERSON_INSERT + _STORED_EXTRA, sealed_new)
        fast_update(Person, (*PERSON_UPDATE, "phone_hash"), sealed_updated)
    state.report.persons_created += len(new_people)


def _seal_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(ID number, phone) → (sealed ID number, sealed phone, phone's lookup hash)."""
    return [(seal("id_number", id_number), seal("phone", phone), lookup_hash(phone)) for id_number, phone in pairs]


def _seal_numbers(state: _State, pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """_seal_pairs, shared with the pool's processes (this one takes the first part) when there is one."""
    if state.pool is None or len(pairs) < POOL_MIN:
        return _seal_pairs(pairs)
    parts = state.sealers + 1
    size = -(-len(pairs) // parts)
    futures = [state.pool.submit(_seal_pairs, pairs[i : i + size]) for i in range(size, len(pairs), size)]
    sealed = _seal_pairs(pairs[:size])
    for future in futures:
        sealed.extend(future.result())
    return sealed


def _phone_token(phone: str, old: tuple[str, str]) -> tuple[str, str]:
    """(stored token, lookup hash) of a known resident's phone: the stored ones when the file gives
    no new number (blank or the same), else the new number sealed."""
    if not phone:
        return old
    return seal("phone", phone), lookup_hash(phone)


def _check_chunk(state: _State, sheet: str, chunk, people, known_households) -> tuple[list, list, list] | None:
    """Check the chunk's rows (errors go to `state`); the rows to write, or None once any row was bad.
    New households are not among them: they are written at the end (_finish), with their sizes."""
    updated_households, new_people, updated_people = [], [], []
    cols = state.columns
    for line, row in chunk:
        problems: list[str] = []
        number = row.get("id_number", "").upper()
        name = row.get("name", "")
        if not name:
            problems.append(_("name is empty"))
        elif len(name) > 50:
            problems.append(_("name is longer than 50 characters"))
        if not id_number_valid(number):
            problems.append(_("ID card number is not valid"))
            gender = birth_year = None
        else:
            gender, birth_year = ("M" if int(number[16]) % 2 else "F"), int(number[6:10])
            if number in state.seen_ids:
                problems.append(_("ID number %(id)s is already on line %(line)d: one row per resident") % {
                    "id": _mask(number), "line": state.seen_ids[number]})
        given_gender = row.get("gender", "")
        if given_gender and gender and _GENDER.get(given_gender.lower()) != gender:
            problems.append(_("性别 %(given)s does not agree with the ID number") % {"given": given_gender})
        phone = row.get("phone", "")
        if phone and not _phone_valid(phone):
            problems.append(_("phone must be an 11-digit mobile number"))
        party = _PARTY.get(row.get("party_member", "").lower())
        if party is None:
            problems.append(_("是否党员 must be 是/否 (or 政治面貌 such as 中共党员/群众)"))
        migrant = _MIGRANT.get(row.get("migrant", "").lower())
        if migrant is None:
            problems.append(_("是否流动人口 must be 是/否 (or 户籍/流动)"))
        relation = _RELATION.get(row.get("relation", "").lower())
        if relation is None:
            problems.append(_("unknown 与户主关系 %r") % row.get("relation", ""))
        category = _CATEGORY.get(row.get("category", "").lower())
        if category is None:
            problems.append(_("unknown household category %r") % row.get("category", ""))
        existing = people.get(number)
        if existing is not None and not _in_scope(state, existing[1]):
            problems.append(_("ID number %s belongs to a resident outside your scope") % _mask(number))

        # The household: of an earlier row of this file, of the database, or new.
        household_no, unit_code, address = row.get("household_no", ""), row.get("unit_code", ""), row.get("address", "")
        household = state.households.get(household_no)
        unit = state.units.get(unit_code) if unit_code else None
        if unit_code and unit is None:
            problems.append(_("unit %s does not exist") % unit_code)
        elif unit is not None and not _in_scope(state, unit[2]):
            problems.append(_("unit %s is outside your scope") % unit_code)
        if len(household_no) > 30:
            problems.append(_("户号 is longer than 30 characters"))
        elif not household_no:
            problems.append(_("户号 is empty"))
        elif household is not None:
            for label, given, planned in zip(_AGREE, (unit_code, address, row.get("category", "") and category),
                                             (household.unit_code, household.address, household.category), strict=True):
                if given and given != planned:
                    problems.append(_("户号 %(no)s has a different %(what)s on line %(line)d") % {
                        "no": household_no, "what": _(label), "line": household.line})
            if relation == "head" and household.head_line:
                problems.append(_("户号 %(no)s already has a head of household on line %(line)d") % {
                    "no": household_no, "line": household.head_line})
        elif household_no in known_households:
            path = known_households[household_no][1]
            if not _in_scope(state, path):
                problems.append(_("户号 %s belongs to a household outside your scope") % household_no)
        elif not unit_code or not address:
            problems.append(_("a new 户号 needs its 网格代码 and 地址"))
        if problems:
            state.error(sheet, line, "; ".join(problems))
            continue
        state.report.rows += 1
        state.seen_ids[number] = line
        if state.error_count:
            continue  # everything will be rolled back: only checking from here on
        if household is None:
            if household_no in known_households:
                pk, _path, known_unit, known_address, known_category, known_node = known_households[household_no]
                household = _Household(line, pk, unit_code or known_unit, address or known_address,
                                       category if row.get("category") else known_category)
                u = state.units[household.unit_code]
                state.report.households_updated += 1
                if (u[1], household.unit_code, household.address[:200], household.category) != (
                        known_node, known_unit, known_address, known_category):  # else nothing to write
                    updated_households.append((pk, u[1], u[0], household.address[:200], household.category))
            else:
                household = _Household(line, state.next_household_pk, unit_code, address, category, new=True)
                state.next_household_pk += 1
                state.report.households_created += 1
            state.households[household_no] = household
        household.size += 1
        if relation == "head":
            household.head_line = line
        node_id = state.units[household.unit_code][1]
        occupation = row.get("occupation", "")[:50]
        if existing is None:
            new_people.append((name, gender, birth_year, number, phone, bool(party), bool(migrant), node_id, household.pk,
                               occupation, relation, "", ""))
        else:
            (pk, _path, old_token, old_hash, old_party, old_migrant, old_occupation, old_relation, old_household,
             old_unit, old_name, old_gender, old_birth_year, old_node) = existing
            if old_household is not None and old_household != household.pk:
                state.moved_from.add(old_household)
            if old_unit is not None and old_unit != state.units[household.unit_code][0]:
                state.units_left.add(old_unit)
            state.report.persons_updated += 1
            values = (name, gender, birth_year, party if "party_member" in cols else old_party,
                      migrant if "migrant" in cols else old_migrant, node_id, household.pk, occupation or old_occupation,
                      relation if "relation" in cols else old_relation)
            new_phone = phone and lookup_hash(phone) != old_hash
            if new_phone or values != (old_name, old_gender, old_birth_year, old_party, old_migrant, old_node,
                                       old_household, old_occupation, old_relation):  # else nothing to write
                # The phone's columns (token, hash) are settled when sealing: the last two items.
                updated_people.append((pk, *values, phone if new_phone else "", (old_token, old_hash)))
    if state.error_count:
        return None
    return updated_households, new_people, updated_people


def _finish(state: _State) -> None:
    """Once every row is in: the new households with their sizes (FKs are checked at commit, so the
    residents could point at them before), the sizes of the known households the file touched or
    its residents left, then the units' rollups."""
    from yizuyihui.org.services import unit_refresh_measures

    units = state.units
    with state.phase("write households"):
        fast_insert(Household, HOUSEHOLD_INSERT, (
            (h.pk, number, units[h.unit_code][1], units[h.unit_code][0], h.address[:200], h.category, min(h.size, 32767))
            for number, h in state.households.items() if h.new))
    with state.phase("household sizes"):
        _update_sizes(sorted({h.pk for h in state.households.values() if not h.new} | state.moved_from))
    unit_pks = {units[h.unit_code][0] for h in state.households.values()} | state.units_left
    with state.phase("unit measures"):
        unit_refresh_measures(units=[Unit(pk=pk) for pk in sorted(unit_pks)])


def _update_sizes(pks: list[int]) -> None:
    """人数 = the household's residents now (at least 1), written only where it changed."""
    if not pks:
        return
    table, person = Household._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One grouped count joined once (a correlated COUNT per household took minutes for a city).
            cursor.execute(f"UPDATE {table} h SET size = c.n FROM ("
                           f"SELECT t.id, GREATEST(1, LEAST(32767, COUNT(p.id))) AS n FROM unnest(%s::bigint[]) AS t(id) "
                           f"LEFT JOIN {person} p ON p.household_id = t.id GROUP BY t.id) c "
                           f"WHERE h.id = c.id AND h.size <> c.n", [pks])
        else:
            count = f"MAX(1, MIN(32767, (SELECT COUNT(*) FROM {person} p WHERE p.household_id = {table}.id)))"
            for i in range(0, len(pks), 900):
                part = pks[i : i + 900]
                cursor.execute(f"UPDATE {table} SET size = {count} WHERE size <> {count} "
                               f"AND id IN ({', '.join(['%s'] * len(part))})", part)
