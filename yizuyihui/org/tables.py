"""The table format of a city's import and export (see `imports`): the headers, Chinese and
English, the values the export writes and the spellings the import takes, reading CSV and XLSX
files into tables, and the errors that reject an import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from operator import mul

from django.utils.translation import gettext as _

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
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit():
        return False
    total = sum(map(mul, map(int, value[:17]), _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == value[17].upper()


def _phone_valid(phone: str) -> bool:
    return len(phone) == 11 and phone.isdigit() and phone.startswith("1")


def _mask(id_number: str) -> str:
    return f"{id_number[:3]}***********{id_number[-4:]}"


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
