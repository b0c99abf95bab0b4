"""The sample city an operator imports on day one (docs/operations.md): Chinese headers and values,
a district and a county, streets and a township, communities and villages, grids and natural
villages, and the rosters of four units. It imports into an empty database as the docs say."""

from pathlib import Path

import pytest
from click.testing import CliRunner

import yizuyihui.org

DATA = Path(yizuyihui.org.__file__).parent / "data"
FILES = [DATA / "sample_city_tree.csv", DATA / "sample_city_roster.csv"]


@pytest.mark.django_db
def test_the_sample_city_imports_into_an_empty_database():
    from yizuyihui.org.cli import org
    from yizuyihui.org.models import Level, OrgNode, Unit
    from yizuyihui.people.models import Body, MemberRole, Membership, Person

    assert not OrgNode.objects.exists() and not Person.objects.exists()
    header = FILES[0].read_text(encoding="utf-8").splitlines()[0]
    assert header == "代码,上级代码,层级,名称"  # the Chinese headers the docs show

    result = CliRunner().invoke(org, ["import", *map(str, FILES)])
    assert result.exit_code == 0, result.output
    assert "已导入 20 个节点、33 个职位" in result.output

    levels = {level: OrgNode.objects.filter(level=level).count() for level in Level.values}
    assert levels == {"city": 1, "district": 1, "county": 1, "street": 2, "township": 1, "community": 3,
                      "village": 2, "grid": 4, "natural_village": 3, "building": 2}
    assert Unit.objects.count() == 7
    assert Person.objects.count() == 23  # one person per ID number: overlapping seats share it
    assert Membership.objects.count() == 33
    seated = Unit.objects.filter(memberships__isnull=False).distinct()
    assert {u.node.code for u in seated} == {"B010101G1", "B010101G2", "B020101N1", "B020101N2"}
    for unit in seated:
        seats = unit.memberships.all()
        assert seats.filter(body=Body.PARTY_GROUP, role=MemberRole.LEADER).count() == 1
        assert seats.filter(body=Body.COUNCIL, role=MemberRole.HEAD).count() == 1
        assert all(m.person.is_party_member for m in seats.filter(body=Body.PARTY_GROUP))
    # 一肩挑 in 东庄: one person leads both bodies
    dongzhuang = Unit.objects.get(node__code="B020101N1")
    leader = dongzhuang.memberships.get(body=Body.PARTY_GROUP, role=MemberRole.LEADER).person
    assert dongzhuang.memberships.get(body=Body.COUNCIL, role=MemberRole.HEAD).person == leader
    assert set(Membership.objects.exclude(identity="").values_list("identity", flat=True)) >= {
        "grid_worker", "building_head", "elder", "rich_expert", "women_rep"}


@pytest.mark.django_db
def test_importing_the_sample_twice_is_refused_and_changes_nothing():
    from yizuyihui.org.cli import org
    from yizuyihui.people.models import Membership

    assert CliRunner().invoke(org, ["import", *map(str, FILES)]).exit_code == 0
    again = CliRunner().invoke(org, ["import", *map(str, FILES)])
    assert again.exit_code != 0 and "未导入任何数据" in again.output
    assert Membership.objects.count() == 33
