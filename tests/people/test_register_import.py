"""Households and residents from a street's register: a bad row writes nothing and is named with
its line; a re-import updates by ID number; a cadre imports only into their own scope."""

import io

import pytest
from click.testing import CliRunner
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from yizuyihui.demo.names import make_id_number
from yizuyihui.org.imports import ImportRejected
from yizuyihui.people.imports import residents_import
from yizuyihui.people.models import Household, Person

HEAD = "户号,地址,网格代码,姓名,身份证号,手机号,性别,户类别,与户主关系,是否党员,是否流动人口,职业\n"
A, D = "T-D1-S1-C1-G1", "T-D1-S2-C1-G1"  # unit A (the community cadre's), unit D (another street)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


IDS = [make_id_number(5000 + i) for i in range(6)]


def sex(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


def rows(*lines: str) -> bytes:
    return (HEAD + "\n".join(lines) + "\n").encode()


def good() -> bytes:
    return rows(
        f"H001,幸福路1号,{A},王芳,{IDS[0]},13900000001,{sex(IDS[0])},一般户,户主,中共党员,否,教师",
        f"H001,,,王小明,{IDS[1]},,,,子,群众,否,",
        f"H002,幸福路2号,{A},赵强,{IDS[2]},,{sex(IDS[2])},重点帮扶,户主,否,流动,",
    )


def load(content: bytes, **kw):
    return residents_import(name="register.csv", stream=io.BytesIO(content), **kw)


def test_a_register_creates_households_and_residents_with_gender_and_birth_year_from_the_id(cast):
    report = load(good())
    assert (report.persons_created, report.households_created) == (3, 2)
    first = Household.objects.get(number="H001")
    assert (first.address, first.unit_id, first.size, first.category) == ("幸福路1号", cast.unit_a.pk, 2, "ordinary")
    assert Household.objects.get(number="H002").category == "key"
    wang = Person.objects.with_id_number(IDS[0]).get()
    assert (wang.household_id, wang.relation, wang.is_party_member, wang.occupation, wang.node_id) == (
        first.pk, "head", True, "教师", cast.unit_a.node_id)
    assert wang.gender == ("M" if sex(IDS[0]) == "男" else "F") and wang.birth_year == int(IDS[0][6:10])
    assert Person.objects.with_id_number(IDS[2]).get().is_migrant is True


def test_reimporting_the_same_file_changes_nothing_and_an_edited_file_updates_by_id_number(cast):
    load(good())
    before = (Person.objects.count(), Household.objects.count())
    again = load(good())
    assert (again.persons_created, again.persons_updated, again.households_created, again.households_updated) == (0, 3, 0, 2)
    assert (Person.objects.count(), Household.objects.count()) == before
    edited = good().replace(b"13900000001", b"13700000009").replace("王小明".encode(), "王晓明".encode())
    load(edited)
    assert Person.objects.with_id_number(IDS[0]).get().phone == "13700000009"
    assert Person.objects.with_id_number(IDS[1]).get().name == "王晓明"
    assert Person.objects.count() == before[0]


def test_a_blank_phone_on_reimport_keeps_the_stored_one(cast):
    load(good())
    load(good().replace(b"13900000001", b""))
    assert Person.objects.with_id_number(IDS[0]).get().phone == "13900000001"


def test_numbers_sealed_in_a_separate_process_read_back_and_are_found_by_hash(cast, monkeypatch):
    from yizuyihui.people import imports

    monkeypatch.setattr(imports, "POOL_MIN", 2)  # the three new residents go to the sealing process
    load(good(), sealers=1)
    wang = Person.objects.with_id_number(IDS[0]).get()
    assert (wang.id_number, wang.phone) == (IDS[0], "13900000001")
    assert Person.objects.with_phone("13900000001").get() == wang
    assert [Person.objects.with_id_number(n).get().id_number for n in IDS[1:3]] == IDS[1:3]


def test_a_reimport_writes_only_what_changed_and_keeps_a_stored_phone_as_it_is(cast):
    from django.db.models import TextField
    from django.db.models.functions import Cast

    def tokens():
        return dict(Person.objects.filter(household__number__startswith="H").values_list(
            "id_number_hash", Cast("phone", TextField())))

    load(good())
    before = tokens()
    load(good())  # the same file: no number is sealed again (a new seal would be a new token)
    assert tokens() == before
    load(good().replace("幸福路1号".encode(), "幸福路11号".encode()).replace(b"13900000001", b"13700000009"))
    after = tokens()
    assert Household.objects.get(number="H001").address == "幸福路11号"
    assert Person.objects.with_phone("13700000009").get().id_number == IDS[0]
    assert [h for h in after if after[h] != before[h]] == [Person.objects.with_id_number(IDS[0]).get().id_number_hash]


def test_a_reimport_that_moves_residents_recounts_the_households_and_units_they_left(cast):
    from yizuyihui.org.models import Unit

    load(good())  # H001: IDS 0 and 1; H002: IDS 2 (unit A)

    def sizes():
        return dict(Household.objects.filter(number__startswith="H").values_list("number", "size"))

    def residents(code):
        return Unit.objects.get(node__code=code).residents

    a, d = residents(A), residents(D)
    # H001 is not in the file, but its resident moves to H002: both sizes follow.
    load(rows(f"H002,,,王小明,{IDS[1]},,,,子,否,否,",
              f"H005,幸福路5号,{D},钱五,{IDS[3]},,,,户主,否,否,", f"H005,,,孙六,{IDS[4]},,,,配偶,否,否,"))
    assert sizes() == {"H001": 1, "H002": 2, "H005": 2}
    assert (residents(A), residents(D)) == (a, d + 2)
    # Into another unit: the unit left (no household of the file is there) is recounted too.
    load(rows(f"H005,,,王小明,{IDS[1]},,,,子,否,否,"))
    assert sizes() == {"H001": 1, "H002": 1, "H005": 3}
    assert (residents(A), residents(D)) == (a - 1, d + 3)
    assert Person.objects.with_id_number(IDS[1]).get().node.code == D


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed_with_its_line(cast):
    persons, households = Person.objects.count(), Household.objects.count()
    bad_id = IDS[3][:-1] + ("0" if IDS[3][-1] != "0" else "1")
    content = rows(
        f"H001,幸福路1号,{A},王芳,{IDS[0]},13900000001,,一般户,户主,是,否,",
        f"H001,幸福路1号,{A},李四,{bad_id},,,,配偶,否,否,",  # line 3: check digit wrong
        f"H003,幸福路3号,NOPE,钱五,{IDS[4]},12345,,,户主,否,否,",  # line 4: unknown unit, bad phone
        f"H004,幸福路4号,{A},孙六,{IDS[0]},,,,户主,否,否,",  # line 5: the same ID number twice
    )
    with pytest.raises(ImportRejected) as exc:
        load(content)
    lines = {e.line: e.message for e in exc.value.errors}
    assert set(lines) == {3, 4, 5}
    assert "ID card number" in lines[3] or "身份证" in lines[3]
    assert "NOPE" in lines[4] and "11-digit" in lines[4]
    assert "line 2" in lines[5] and IDS[0] not in lines[5]  # the number is masked in the message
    assert (Person.objects.count(), Household.objects.count()) == (persons, households)


def test_a_bad_row_after_many_good_chunks_still_writes_nothing(cast, monkeypatch):
    from yizuyihui.people import imports

    monkeypatch.setattr(imports, "CHUNK", 2)  # rows 2-3 and 4-5 are written before line 6 fails
    import random

    from yizuyihui.demo.names import IdNumbers

    ids = IdNumbers(random.Random(1))
    good_rows = [f"G{i},路{i}号,{A},人{i},{ids.make(1980)},,,,户主,否,否," for i in range(4)]
    persons = Person.objects.count()
    with pytest.raises(ImportRejected) as exc:
        load(rows(*good_rows, f"G9,路9号,{A},,{ids.make(1980)},,,,户主,否,否,"))
    assert [e.line for e in exc.value.errors] == [6]
    assert Person.objects.count() == persons and not Household.objects.filter(number__startswith="G").exists()


def test_household_rows_must_agree_and_have_one_head(cast):
    content = rows(
        f"H001,幸福路1号,{A},王芳,{IDS[0]},,,,户主,否,否,",
        f"H001,幸福路9号,{A},王小明,{IDS[1]},,,,户主,否,否,",
    )
    with pytest.raises(ImportRejected) as exc:
        load(content)
    [error] = exc.value.errors
    assert error.line == 3 and "address" in error.message and "head" in error.message


def test_a_gender_column_must_agree_with_the_id_number(cast):
    wrong = "女" if sex(IDS[0]) == "男" else "男"
    with pytest.raises(ImportRejected):
        load(rows(f"H001,幸福路1号,{A},王芳,{IDS[0]},,{wrong},,户主,否,否,"))


def test_scope_refuses_units_and_known_residents_outside_it(cast):
    paths = (cast.community.path,)
    with pytest.raises(ImportRejected) as exc:
        load(rows(f"H009,和平路1号,{D},外人,{IDS[5]},,,,户主,否,否,"), scope_paths=paths)
    assert "scope" in exc.value.errors[0].message
    # The outsider lives in unit D: a cadre of another community cannot move them by ID number.
    outsider = cast.residents["outsider"]
    with pytest.raises(ImportRejected):
        load(rows(f"H010,幸福路10号,{A},{outsider.name},{outsider.id_number},,,,户主,否,否,"), scope_paths=paths)
    assert Person.objects.get(pk=outsider.pk).node_id == cast.unit_d.node_id


def test_xlsx_with_the_register_headers(cast):
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD.strip().split(","))
    ws.append(["H100", "幸福路100号", A, "周七", IDS[3], "13900000100", None, "特殊人员", "户主", "否", "否", None])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = residents_import(name="register.xlsx", stream=io.BytesIO(buffer.getvalue()))
    assert report.persons_created == 1 and Household.objects.get(number="H100").category == "special"


def test_a_file_without_the_required_headers_is_refused(cast):
    with pytest.raises(ImportRejected) as exc:
        load("名字,电话\n张三,13900000001\n".encode())
    assert "户号" in exc.value.errors[0].message


def test_the_community_cadre_imports_from_the_web_and_the_grid_worker_may_not(cast, login):
    client = login("grid_worker")
    assert client.get(reverse("people:import")).status_code == 403
    client = login("community_cadre")
    upload = io.BytesIO(good())
    upload.name = "register.csv"
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 302
    assert sum(Person.objects.with_id_number(n).count() for n in IDS[:3]) == 3
    upload = io.BytesIO(rows(f"H009,和平路1号,{D},外人,{IDS[5]},,,,户主,否,否,"))
    upload.name = "register.csv"
    response = client.post(reverse("people:import"), {"file": upload})
    assert response.status_code == 400 and "和平路" not in Household.objects.values_list("address", flat=True)
    assert "T-D1-S2-C1-G1" in response.content.decode()


def test_cli_imports_with_a_progress_bar_and_rejects_with_a_nonzero_exit(cast, tmp_path):
    from yizuyihui.cli import main

    path = tmp_path / "register.csv"
    path.write_bytes(good())
    result = CliRunner().invoke(main, ["people", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 rows" in result.output
    path.write_bytes(rows(f"H001,幸福路1号,NOPE,王芳,{IDS[0]},,,,户主,否,否,"))
    result = CliRunner().invoke(main, ["people", "import", str(path)])
    assert result.exit_code != 0 and "line 2" in result.output
