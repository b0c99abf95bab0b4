"""The resources demo runs through the services on the cast and gives L社区 its eight teams."""

from __future__ import annotations

from yizuyihui.resources import demo
from yizuyihui.resources.models import VolunteerTeam


def test_the_demo_gives_the_first_community_eight_teams_and_is_repeatable(cast, world):
    first = demo.generate(seed=3, progress=lambda *a: None, l_volunteers=16)
    l_teams = VolunteerTeam.objects.filter(node=cast.community, name__startswith=cast.community.name)
    assert l_teams.count() == 8 and all(t.member_count >= 1 for t in l_teams)
    assert first["teams"] >= 8 and first["professionals"] >= 1
