"""Export → import round trip: the demo city, exported with `yzyh org export` and imported with
`yzyh org import` into an empty database, comes back with the same rows (not only the same counts)."""

import pytest
from click.testing import CliRunner
from wipe import wipe_city

from yizuyihui.demo import generator
from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Household, Membership, Person, Post


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (OrgNode, Unit, Person, Household, Membership, Post)}


def snapshot() -> dict[str, list]:
    """Everything the export carries, keyed by natural keys (primary keys differ after an import)."""
    code_of = dict(OrgNode.objects.values_list("path", "code"))
    nodes = sorted((code, code_of.get(path[:-OrgNode.steplen], ""), level, name, urban)
                   for path, code, level, name, urban in OrgNode.objects.values_list("path", "code", "level", "name", "is_urban"))
    units = sorted(Unit.objects.values_list(
        "node__code", "kind", "name", "party_group_size", "council_size", "embedding_degree", "council_party_share",
        "one_shoulder", "households", "residents"))
    persons = sorted(Person.objects.values_list(
        "id_number", "name", "gender", "birth_year", "phone", "is_party_member", "is_migrant", "node__code",
        "household__address", "occupation", "outside_kind", "outside_place"))
    households = sorted(Household.objects.values_list("unit__node__code", "address", "category", "size"))
    memberships = sorted(Membership.objects.filter(ended__isnull=True).values_list(
        "person__id_number", "unit__node__code", "body", "role", "identity"))
    return {"nodes": nodes, "units": units, "persons": persons, "households": households, "memberships": memberships}


def wipe() -> None:
    wipe_city()


@pytest.mark.django_db
def test_the_demo_city_round_trips_through_export_and_import(tmp_path):
    from yizuyihui.cli import main

    generator.generate(residents=600, seed=9, shape=generator.SMALL, with_activity=False, logins=False)
    before_counts, before = counts(), snapshot()
    assert before_counts["Person"] > 600 and before_counts["Household"] > 100 and before_counts["Membership"] > 150
    assert len({row[0] for row in before["persons"]}) == before_counts["Person"]  # one ID number per person

    folder = tmp_path / "city"
    result = CliRunner().invoke(main, ["org", "export", "--output", str(folder)])
    assert result.exit_code == 0, result.output
    header = (folder / "roster.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "单元代码,姓名,性别,身份证号码,手机号码,是否党员,组织,职务,身份"
    assert "党小组" in (folder / "roster.csv").read_text(encoding="utf-8")

    wipe()
    assert set(counts().values()) == {0}
    files = [str(folder / f"{name}.csv") for name in ("tree", "roster", "households", "residents")]
    result = CliRunner().invoke(main, ["org", "import", *files])
    assert result.exit_code == 0, result.output

    assert counts() == before_counts
    after = snapshot()
    for table, rows in before.items():
        assert after[table] == rows, table


@pytest.mark.django_db
def test_importing_the_same_export_twice_is_rejected_whole(tmp_path):
    from yizuyihui.org.imports import ImportRejected, export_tables, import_tables
    from yizuyihui.org.imports import _table_from_rows as table

    generator.generate(residents=50, seed=3, shape=generator.SMALL, with_activity=False, logins=False)
    before = counts()
    tables = [table(name, rows) for name, rows in export_tables().items()]
    with pytest.raises(ImportRejected) as exc:
        import_tables(tables)
    assert {e.sheet for e in exc.value.errors} == {"tree", "residents", "roster"}
    assert counts() == before
