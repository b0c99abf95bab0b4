"""The urban–rural board: consent, contact data for the village's cadres only, needs, offers, matches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yizuyihui.resources import selectors, services
from yizuyihui.resources.services import ResourceError, ResourceForbidden


def _member(cast, world, **kw):
    return services.outside_member_register(village=cast.village, actor=world.village_cadre, name="李乡贤",
                                            where="深圳", what="电商", contact="13811112222", can_offer="农产品网店",
                                            consent=True, **kw)


def test_nobody_is_listed_without_consent(cast, world):
    with pytest.raises(ResourceError):
        services.outside_member_register(village=cast.village, actor=world.village_cadre, name="x", where="y",
                                         what="z", contact="1", consent=False)


def test_contact_data_is_shown_only_to_the_villages_cadres(cast, world):
    _member(cast, world)
    [seen] = selectors.outside_members(user=world.village_cadre, village=cast.village)
    assert seen.contact == "13811112222"
    for persona in ("street_official", "district_official", "city_admin", "community_cadre"):
        [masked] = selectors.outside_members(user=cast.users[persona], village=cast.village)
        assert masked.contact == "138****2222", persona


def test_a_sales_need_is_matched_with_an_offer_and_fulfilled(cast, world):
    member = _member(cast, world)
    need = services.board_publish(village=cast.village, actor=world.village_cadre, kind="sales", title="桃子滞销")
    offer = services.board_publish(village=cast.village, actor=world.village_cadre, kind="sales", title="网店代销",
                                   member=member)
    match = services.board_match(need=need, offer=offer, actor=world.village_cadre)
    services.board_fulfil(match=match, actor=world.village_cadre, outcome="售出桃子5000斤", value="20000")
    need.refresh_from_db()
    assert need.status == "fulfilled"
    m = selectors.measures(path=cast.street.path, start=timezone.now() - dt.timedelta(days=1),
                           end=timezone.now() + dt.timedelta(days=1))
    assert (m.board_matches, m.board_fulfilled, m.board_value) == (1, 1, Decimal("20000"))


def test_only_those_who_keep_the_village_publish_its_needs(cast, world):
    for persona in ("resident", "outsider", "grid_worker", "community_cadre"):
        with pytest.raises(ResourceForbidden):
            services.board_publish(village=cast.village, actor=cast.users[persona], kind="training", title="x")


def test_a_withdrawn_member_leaves_the_board_with_their_offers(cast, world):
    member = _member(cast, world)
    services.board_publish(village=cast.village, actor=world.village_cadre, kind="investment", title="投资民宿",
                           member=member)
    services.outside_member_withdraw(member=member, actor=world.village_cadre)
    assert selectors.outside_members(user=world.village_cadre, village=cast.village) == []
    assert selectors.board_posts(village=cast.village)["offers"] == []
