"""Import of a city's tree, rosters, households and residents: a file with any bad row changes
nothing and names every bad row with its line; the export writes Chinese headers and values."""

import io

import pytest
from click.testing import CliRunner
from django.utils import translation
from openpyxl import Workbook

from yizuyihui.demo.names import make_id_number
from yizuyihui.org.imports import ImportRejected, export_tables, import_file, import_files
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household, Membership, Person

TREE = """code,parent_code,level,name
Q,,city,Q市
Q-D1,Q,district,一区
Q-D1-S1,Q-D1,street,一街道
Q-D1-S1-C1,Q-D1-S1,community,一社区
Q-D1-S1-C1-G1,Q-D1-S1-C1,grid,一网格
Q-D1-S1-C1-G2,Q-D1-S1-C1,grid,二网格
"""
ROSTER_HEAD = "unit_code,name,gender,id_number,phone,party_member,body,role,identity\n"
HOUSEHOLDS_HEAD = "户号,单元代码,地址,户类别,人数\n"
RESIDENTS_HEAD = "节点代码,姓名,性别,出生年份,身份证号码,手机号码,是否党员,是否流动人口,户号,职业,外出类型,外出地点\n"
G1, G2 = "Q-D1-S1-C1-G1", "Q-D1-S1-C1-G2"
ID1, ID2, ID3 = make_id_number(1), make_id_number(2), make_id_number(3)


def roster(rows):
    return ROSTER_HEAD + "\n".join(rows) + "\n"


GOOD_ROSTER = [
    f"{G1},张伟,男,{ID1},13800000001,是,党小组,组长,cadre",
    f"{G1},张伟,男,{ID1},13800000001,是,理事会,会长,cadre",
    f"{G1},李娜,女,{ID2},13800000002,否,理事会,成员,mass_rep",
]


def counts():
    return {m.__name__: m.objects.count() for m in (OrgNode, Unit, Person, Household, Membership)}


@pytest.mark.django_db
def test_a_good_tree_and_roster_import_whole():
    report = import_file(name="tree.csv", content=TREE.encode())
    assert report["nodes"] == 6
    assert Unit.objects.filter(node__code__startswith="Q-").count() == 2
    report = import_file(name="roster.csv", content=roster(GOOD_ROSTER).encode())
    assert report["members"] == 3 and report["persons"] == 2
    unit = Unit.objects.get(node__code=G1)
    assert unit.one_shoulder and unit.party_group_size == 1 and unit.council_size == 2
    assert Person.objects.filter(name="张伟").count() == 1  # same ID number → one person, two seats


@pytest.mark.django_db
def test_chinese_headers_and_values_with_households_and_residents():
    tree = "代码,上级代码,层级,名称,城镇\n" + "\n".join(
        ["Q,,市,Q市,是", "Q-X1,Q,县,一县,否", "Q-X1-T1,Q-X1,乡镇,一乡,否", "Q-X1-T1-V1,Q-X1-T1,行政村,一村,否",
         "Q-X1-T1-V1-N1,Q-X1-T1-V1,自然村,上湾,否"]) + "\n"
    nv = "Q-X1-T1-V1-N1"
    rost = "单元代码,姓名,性别,身份证号码,手机号码,是否党员,组织,职务,身份\n" + "\n".join(
        [f"{nv},张伟,男,{ID1},13800000001,是,党小组,组长,村（社区）干部", f"{nv},张伟,男,{ID1},13800000001,是,理事会,会长,村（社区）干部",
         f"{nv},李娜,女,{ID2},,否,理事会,成员,种粮大户"]) + "\n"
    households = HOUSEHOLDS_HEAD + f"7,{nv},上湾1号,重点帮扶,2\n"
    residents = RESIDENTS_HEAD + "\n".join(
        [f"{nv},张伟,男,1970,{ID1},13800000001,是,否,7,,,", f"{nv},王芳,女,1975,{ID3},,否,否,7,,外出务工,上海"]) + "\n"
    report = import_files(files=[("tree.csv", tree.encode("utf-8-sig")), ("roster.csv", rost.encode()),
                                 ("households.csv", households.encode()), ("residents.csv", residents.encode())])
    assert report == {"nodes": 5, "members": 3, "households": 1, "persons": 3}
    zhang = Person.objects.with_id_number(ID1).get()
    assert zhang.birth_year == 1970 and zhang.household.category == "key" and zhang.memberships.count() == 2
    assert Person.objects.with_id_number(ID3).get().outside_kind == "work"
    assert Membership.objects.get(person__in=Person.objects.with_id_number(ID2)).identity == "grain_grower"
    assert not OrgNode.objects.get(code="Q-X1").is_urban
    unit = Unit.objects.get(node__code=nv)
    assert unit.households == 1 and unit.residents == 3 and unit.one_shoulder


def _bad(rows, head=ROSTER_HEAD):
    return head + "\n".join(rows) + "\n"


# One case per class of error: the files (after TREE is in the database), then each expected
# (sheet, line, fragment of the English message). Lines count the header as line 1.
BAD_CASES = {
    "tree: level under the wrong parent": ({"t.csv": "code,parent_code,level,name\nQ-X,Q,village,坏村\n"}, [("t.csv", 2, "cannot sit under")]),
    "tree: empty code": ({"t.csv": "code,parent_code,level,name\n,Q,district,无码区\n"}, [("t.csv", 2, "code is empty")]),
    "tree: code twice in the file": (
        {"t.csv": "code,parent_code,level,name\nQ-D2,Q,district,二区\nQ-D2,Q,district,三区\n"}, [("t.csv", 3, "used twice (line 2)")]),
    "tree: code already in the database": (
        {"t.csv": "code,parent_code,level,name\nQ-D1,Q,district,一区\n"}, [("t.csv", 2, "already exists in the database")]),
    "tree: unknown level": ({"t.csv": "code,parent_code,level,name\nQ-D2,Q,planet,火星\n"}, [("t.csv", 2, "unknown level")]),
    "tree: empty name": ({"t.csv": "code,parent_code,level,name\nQ-D2,Q,district,\n"}, [("t.csv", 2, "name is empty")]),
    "tree: no parent": ({"t.csv": "code,parent_code,level,name\nQ-D2,,district,孤区\n"}, [("t.csv", 2, "only a city may have no parent")]),
    "tree: unknown parent": ({"t.csv": "code,parent_code,level,name\nQ-S9,Q-NO,street,孤街\n"}, [("t.csv", 2, "parent Q-NO does not exist")]),
    "roster: unknown unit": ({"r.csv": _bad([f"NOPE,甲,男,{ID1},,是,党小组,组长,"])}, [("r.csv", 2, "unit NOPE does not exist")]),
    "roster: empty name": ({"r.csv": _bad([f"{G1},,男,{ID1},,是,党小组,组长,"])}, [("r.csv", 2, "name is empty")]),
    "roster: gender": ({"r.csv": _bad([f"{G1},甲,X,{ID1},,是,党小组,组长,"])}, [("r.csv", 2, "gender must be")]),
    "roster: ID checksum": ({"r.csv": _bad([f"{G1},甲,男,{ID1[:-1]}{'0' if ID1[-1] != '0' else '1'},,是,党小组,组长,"])},
                            [("r.csv", 2, "ID card number is not valid")]),
    "roster: phone": ({"r.csv": _bad([f"{G1},甲,男,{ID1},12345,是,党小组,组长,"])}, [("r.csv", 2, "11-digit")]),
    "roster: Party flag": ({"r.csv": _bad([f"{G1},甲,男,{ID1},,也许,党小组,组长,"])}, [("r.csv", 2, "party_member must be")]),
    "roster: body": ({"r.csv": _bad([f"{G1},甲,男,{ID1},,是,居委会,成员,"])}, [("r.csv", 2, "body must be")]),
    "roster: role": ({"r.csv": _bad([f"{G1},甲,男,{ID1},,是,党小组,书记,"])}, [("r.csv", 2, "role must be")]),
    "roster: non-member in the Party group": (
        {"r.csv": _bad([f"{G1},甲,男,{ID1},,否,党小组,成员,"])}, [("r.csv", 2, "only Party members can sit in the Party group")]),
    "roster: head of the Party group": ({"r.csv": _bad([f"{G1},甲,男,{ID1},,是,党小组,会长,"])}, [("r.csv", 2, "has a 组长")]),
    "roster: identity": ({"r.csv": _bad([f"{G1},甲,男,{ID1},,是,党小组,成员,astronaut"])}, [("r.csv", 2, "unknown identity")]),
    "roster: second leader": (
        {"r.csv": _bad([f"{G1},甲,男,{ID1},,是,党小组,组长,", f"{G1},乙,男,{ID2},,是,党小组,组长,"])},
        [("r.csv", 3, "second 组长 for the same unit (line 2)")]),
    "roster: same seat twice": (
        {"r.csv": _bad([f"{G1},甲,男,{ID1},,是,党小组,成员,", f"{G1},甲,男,{ID1},,是,党小组,成员,"])},
        [("r.csv", 3, "sits twice in the 党小组 of this unit (line 2)")]),
    # The demo-city crash: two different people under one ID number, with different Party flags.
    "roster: one ID number, two people": (
        {"r.csv": _bad([f"{G1},甲,男,{ID1},,否,理事会,成员,", f"{G2},乙,女,{ID1},,是,党小组,组长,"])},
        [("r.csv", 3, "is on r.csv line 2 with a different person's name / gender / Party membership")]),
    "residents+roster: roster disagrees with the resident row": (
        {"h.csv": HOUSEHOLDS_HEAD + f"1,{G1},一网格1号,一般户,1\n",
         "p.csv": RESIDENTS_HEAD + f"{G1},甲,男,1980,{ID1},,否,否,1,,,\n",
         "r.csv": _bad([f"{G1},甲,男,{ID1},,是,党小组,成员,"])},
        [("r.csv", 2, "is on p.csv line 2 with a different Party membership")]),
    "households: empty 户号": ({"h.csv": HOUSEHOLDS_HEAD + f",{G1},一网格1号,一般户,1\n"}, [("h.csv", 2, "户号 is empty")]),
    "households: 户号 twice": (
        {"h.csv": HOUSEHOLDS_HEAD + f"1,{G1},一网格1号,一般户,1\n1,{G1},一网格2号,一般户,1\n"}, [("h.csv", 3, "used twice (line 2)")]),
    "households: unknown unit": ({"h.csv": HOUSEHOLDS_HEAD + "1,NOPE,某地,一般户,1\n"}, [("h.csv", 2, "unit NOPE does not exist")]),
    "households: category": ({"h.csv": HOUSEHOLDS_HEAD + f"1,{G1},一网格1号,富裕户,1\n"}, [("h.csv", 2, "unknown household category")]),
    "households: size": ({"h.csv": HOUSEHOLDS_HEAD + f"1,{G1},一网格1号,一般户,0\n"}, [("h.csv", 2, "whole number from 1 to 99")]),
    "residents: unknown node": ({"p.csv": RESIDENTS_HEAD + f"NOPE,甲,男,1980,{ID1},,否,否,,,,\n"}, [("p.csv", 2, "node NOPE does not exist")]),
    "residents: birth year": ({"p.csv": RESIDENTS_HEAD + f"{G1},甲,男,80年,{ID1},,否,否,,,,\n"}, [("p.csv", 2, "must be a year")]),
    "residents: migrant flag": ({"p.csv": RESIDENTS_HEAD + f"{G1},甲,男,1980,{ID1},,否,也许,,,,\n"}, [("p.csv", 2, "是否流动人口 must be")]),
    "residents: unknown 户号": ({"p.csv": RESIDENTS_HEAD + f"{G1},甲,男,1980,{ID1},,否,否,42,,,\n"}, [("p.csv", 2, "户号 42 is not in")]),
    "residents: outside kind": ({"p.csv": RESIDENTS_HEAD + f"{G1},甲,男,1980,{ID1},,否,否,,,出国,\n"}, [("p.csv", 2, "外出类型 must be")]),
    "residents: ID number twice": (
        {"p.csv": RESIDENTS_HEAD + f"{G1},甲,男,1980,{ID1},,否,否,,,,\n{G2},乙,女,1990,{ID1},,否,否,,,,\n"},
        [("p.csv", 3, "already on p.csv line 2: one row per resident")]),
    "header: unknown": ({"x.csv": "foo,bar\n1,2\n"}, [("x.csv", 1, "Unknown header")]),
    "file: not UTF-8": ({"x.csv": "代码,上级代码".encode("gbk")}, [("x.csv", 1, "Cannot read the file")]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_CASES), ids=list(BAD_CASES))
def test_each_class_of_bad_row_is_reported_with_its_line_and_nothing_is_written(case):
    import_file(name="tree.csv", content=TREE.encode())
    files, expected = BAD_CASES[case]
    before = counts()
    with pytest.raises(ImportRejected) as exc, translation.override("en"):
        import_files(files=[(name, text if isinstance(text, bytes) else text.encode()) for name, text in files.items()])
    got = [(e.sheet, e.line, e.message) for e in exc.value.errors]
    assert len(got) == len(expected), got
    for (sheet, line, message), (want_sheet, want_line, fragment) in zip(got, expected, strict=True):
        assert (sheet, line) == (want_sheet, want_line), got
        assert fragment in message, message
    assert counts() == before


@pytest.mark.django_db
def test_rows_that_clash_with_people_already_in_the_database_are_rejected():
    import_file(name="tree.csv", content=TREE.encode())
    import_file(name="roster.csv", content=roster(GOOD_ROSTER).encode())
    before = counts()
    rows = [f"{G2},李娜,女,{ID2},,否,党小组,成员,",  # 李娜 is in the database, not a Party member
            f"{G2},王五,男,{ID1},,是,理事会,成员,",  # ID1 is 张伟's
            f"{G1},张伟,男,{ID1},,是,理事会,成员,"]  # 张伟 already sits on G1's council
    residents = RESIDENTS_HEAD + f"{G1},李娜,女,1980,{ID2},,否,否,,,,\n"
    with pytest.raises(ImportRejected) as exc, translation.override("en"):
        import_files(files=[("roster.csv", roster(rows).encode()), ("p.csv", residents.encode())])
    got = [(e.sheet, e.line, e.message) for e in exc.value.errors]
    assert [(s, n) for s, n, _ in got] == [("p.csv", 2), ("roster.csv", 2), ("roster.csv", 3), ("roster.csv", 4)]
    assert "already in the database" in got[0][2]
    assert "only Party members" in got[1][2]
    assert "belongs to a person in the database with a different person's name" in got[2][2]
    assert "already sits in the 理事会" in got[3][2]
    assert counts() == before


@pytest.mark.django_db
def test_messages_are_chinese_by_default_and_every_bad_row_is_listed():
    import_file(name="tree.csv", content=TREE.encode())
    rows = [*GOOD_ROSTER, f"{G2},王芳,女,{ID3},12345,否,党小组,成员,", "NOPE,甲,男,,,是,党小组,组长,"]
    with pytest.raises(ImportRejected) as exc:
        import_file(name="roster.csv", content=roster(rows).encode())
    first, second = exc.value.errors
    assert first.line == 5 and "只有党员可以加入党小组" in first.message and "手机号" in first.message
    assert second.line == 6 and "NOPE" in second.message
    assert str(first).startswith("roster.csv 第 5 行")
    assert not Membership.objects.exists() and not Person.objects.exists()


@pytest.mark.django_db
def test_a_failure_while_writing_is_undone_and_reported(monkeypatch):
    from yizuyihui.people import services
    from yizuyihui.people.services import PeopleError

    def boom(**kwargs):
        raise PeopleError("只有党员可以加入党小组")

    monkeypatch.setattr(services, "memberships_bulk_create", boom)
    with pytest.raises(ImportRejected) as exc:
        import_files(files=[("tree.csv", TREE.encode()), ("roster.csv", roster(GOOD_ROSTER).encode())])
    assert "只有党员可以加入党小组" in exc.value.errors[0].message
    assert counts() == {"OrgNode": 0, "Unit": 0, "Person": 0, "Household": 0, "Membership": 0}


@pytest.mark.django_db
def test_xlsx_with_both_sheets_round_trips_through_export():
    wb = Workbook()
    ws = wb.active
    ws.title = "tree"
    for line in TREE.strip().splitlines():
        ws.append(line.split(","))
    ws2 = wb.create_sheet("roster")
    for line in roster(GOOD_ROSTER).strip().splitlines():
        ws2.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    assert import_file(name="city.xlsx", content=buf.getvalue()) == {"nodes": 6, "members": 3, "households": 0, "persons": 2}
    tables = export_tables(root=OrgNode.objects.get(code="Q"))
    tree, members = tables["tree"], tables["roster"]
    assert tree[0] == ["代码", "上级代码", "层级", "名称", "城镇"]
    assert members[0] == ["单元代码", "姓名", "性别", "身份证号码", "手机号码", "是否党员", "组织", "职务", "身份"]
    assert [r[0] for r in tree[1:]] == ["Q", "Q-D1", "Q-D1-S1", "Q-D1-S1-C1", G1, G2]
    assert tree[2][1] == "Q" and tree[3][1] == "Q-D1" and tree[5][2] == "网格"  # parent codes survive the round trip
    assert sorted((r[1], r[6], r[7], r[8]) for r in members[1:]) == [
        ("张伟", "党小组", "组长", "村（社区）干部"), ("张伟", "理事会", "会长", "村（社区）干部"), ("李娜", "理事会", "成员", "群众代表")]


@pytest.mark.django_db
def test_a_subtree_export_names_its_parent_so_it_imports_under_it():
    import_file(name="tree.csv", content=TREE.encode())
    tables = export_tables(root=OrgNode.objects.get(code=G2))
    assert tables["tree"][1][:3] == [G2, "Q-D1-S1-C1", "网格"]


@pytest.mark.django_db
def test_cli_import_rejects_and_reports_lines_without_a_traceback(tmp_path):
    from yizuyihui.cli import main

    path = tmp_path / "tree.csv"
    path.write_text(TREE + "Q-X,Q,village,坏村\n", encoding="utf-8")
    unreadable = tmp_path / "roster.csv"
    unreadable.write_bytes("单元代码,姓名".encode("gbk"))
    result = CliRunner().invoke(main, ["org", "import", str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "tree.csv 第 8 行" in result.output and "未导入任何数据" in result.output
    assert "Traceback" not in result.output
    assert not OrgNode.objects.filter(code="Q").exists()
    result = CliRunner().invoke(main, ["org", "import", str(unreadable)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit) and "roster.csv 第 1 行" in result.output


@pytest.mark.django_db
def test_web_import_is_for_city_admins_and_shows_errors(cast, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("tree.csv", (TREE + "Q-X,Q,village,坏村\n").encode())
    assert login("street_official").post("/org/import/", {"file": bad}).status_code == 403
    bad.seek(0)
    response = login("city_admin").post("/org/import/", {"file": bad})
    assert response.status_code == 400 and "8" in response.content.decode()
    assert not OrgNode.objects.filter(code="Q").exists()


def test_unit_search_and_subtree_filter_stay_in_scope(cast, login):
    client = login("street_official")
    page = client.get("/org/units/?q=幸福").content.decode()
    assert cast.unit_a.name in page and cast.unit_d.name not in page
    assert client.get(f"/org/units/?under={cast.other_street.pk}").status_code == 403
    assert cast.unit_d.name not in client.get("/org/units/?q=和平").content.decode()
