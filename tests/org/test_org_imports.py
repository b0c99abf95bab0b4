"""Import of a city's tree and rosters: a file with any bad row changes nothing and names every bad row."""

import io

import pytest
from click.testing import CliRunner
from django.utils import translation
from openpyxl import Workbook

from yizuyihui.demo.names import make_id_number
from yizuyihui.org.imports import ImportRejected, export_tables, import_file
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Membership, Person

TREE = """code,parent_code,level,name
Q,,city,Q市
Q-D1,Q,district,一区
Q-D1-S1,Q-D1,street,一街道
Q-D1-S1-C1,Q-D1-S1,community,一社区
Q-D1-S1-C1-G1,Q-D1-S1-C1,grid,一网格
Q-D1-S1-C1-G2,Q-D1-S1-C1,grid,二网格
"""


def roster(rows):
    head = "unit_code,name,gender,id_number,phone,party_member,body,role,identity\n"
    return head + "\n".join(rows) + "\n"


GOOD_ROSTER = [
    f"Q-D1-S1-C1-G1,张伟,男,{make_id_number(1)},13800000001,是,党小组,组长,cadre",
    f"Q-D1-S1-C1-G1,张伟,男,{make_id_number(1)},13800000001,是,理事会,会长,cadre",
    f"Q-D1-S1-C1-G1,李娜,女,{make_id_number(2)},13800000002,否,理事会,成员,mass_rep",
]


@pytest.mark.django_db
def test_a_good_tree_and_roster_import_whole():
    report = import_file(name="tree.csv", content=TREE.encode())
    assert report["nodes"] == 6
    assert Unit.objects.filter(node__code__startswith="Q-").count() == 2
    report = import_file(name="roster.csv", content=roster(GOOD_ROSTER).encode())
    assert report["members"] == 3
    unit = Unit.objects.get(node__code="Q-D1-S1-C1-G1")
    assert unit.one_shoulder and unit.party_group_size == 1 and unit.council_size == 2
    assert Person.objects.filter(name="张伟").count() == 1  # same ID number → one person, two seats


@pytest.mark.django_db
def test_a_tree_with_one_bad_row_is_rejected_whole_with_that_rows_error():
    bad = TREE.replace("Q-D1-S1-C1-G2,Q-D1-S1-C1,grid,二网格", "Q-D1-S1-C1-G2,Q-D1-S1,grid,二网格")
    with pytest.raises(ImportRejected) as exc, translation.override("en"):
        import_file(name="tree.csv", content=bad.encode())
    assert [(e.line, "cannot sit under" in e.message) for e in exc.value.errors] == [(7, True)]
    assert not OrgNode.objects.filter(code__startswith="Q").exists()


@pytest.mark.django_db
def test_a_roster_with_one_bad_row_changes_nothing_and_reports_the_line():
    import_file(name="tree.csv", content=TREE.encode())
    rows = [*GOOD_ROSTER, f"Q-D1-S1-C1-G2,王芳,女,{make_id_number(3)},12345,否,党小组,成员,"]
    with pytest.raises(ImportRejected) as exc, translation.override("en"):
        import_file(name="roster.csv", content=roster(rows).encode())
    (error,) = exc.value.errors
    assert error.line == 5
    assert "phone" in error.message and "Party" in error.message
    assert not Membership.objects.exists() and not Person.objects.filter(name__in=["张伟", "王芳"]).exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_only_the_first():
    rows = ["NOPE,甲,男,,,是,党小组,组长,", f"Q-D1-S1-C1-G1,,男,{make_id_number(9)[:-1]}0,,是,党小组,成员,"]
    import_file(name="tree.csv", content=TREE.encode())
    with pytest.raises(ImportRejected) as exc:
        import_file(name="roster.csv", content=roster(rows).encode())
    assert [e.line for e in exc.value.errors] == [2, 3]


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
    assert import_file(name="city.xlsx", content=buf.getvalue()) == {"nodes": 6, "members": 3}
    tree, members = export_tables(root=OrgNode.objects.get(code="Q"))
    assert [r[0] for r in tree[1:]] == ["Q", "Q-D1", "Q-D1-S1", "Q-D1-S1-C1", "Q-D1-S1-C1-G1", "Q-D1-S1-C1-G2"]
    assert tree[2][1] == "Q" and tree[3][1] == "Q-D1"  # parent codes survive the round trip
    assert sorted((r[1], r[6], r[7]) for r in members[1:]) == [
        ("张伟", "council", "head"), ("张伟", "party_group", "leader"), ("李娜", "council", "member")]


@pytest.mark.django_db
def test_cli_import_rejects_and_reports_lines(tmp_path):
    from yizuyihui.cli import main

    path = tmp_path / "tree.csv"
    path.write_text(TREE + "Q-X,Q,village,坏村\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["org", "import", str(path)])
    assert result.exit_code != 0
    assert "line 8" in result.output and "nothing was imported" in result.output
    assert not OrgNode.objects.filter(code="Q").exists()


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
