"""Outside members (乡贤, 外出人员) publish offers themselves by a personal link their village's
cadre sends them: no account, only the token's hash stored, expiring, replaced by a new link,
dead once they withdraw consent; the village records the match and the outcome."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yizuyihui.resources import services
from yizuyihui.resources.models import BoardPost, OutsideMember
from yizuyihui.resources.services import ResourceForbidden


def _member(cast, world):
    return services.outside_member_register(village=cast.village, actor=world.village_cadre, name="李乡贤",
                                            where="深圳", what="电商", contact="13811112222", consent=True)


def test_an_outside_member_posts_an_offer_by_their_link_and_it_is_matched_and_fulfilled(cast, world, client):
    member = _member(cast, world)
    token = services.outside_member_link_issue(member=member, actor=world.village_cadre)
    need = services.board_publish(village=cast.village, actor=world.village_cadre, kind="sales", title="桃子滞销求销路")
    url = reverse("resources:outside_link", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "桃子滞销求销路" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    assert "13811112222" not in page.content.decode()
    client.post(url, {"kind": "sales", "title": "网店代销桃子", "detail": "每周可销2000斤"})
    offer = BoardPost.objects.get(is_offer=True)
    assert (offer.member, offer.village, offer.title) == (member, cast.village, "网店代销桃子")
    match = services.board_match(need=need, offer=offer, actor=world.village_cadre)
    services.board_fulfil(match=match, actor=world.village_cadre, outcome="售出桃子5000斤", value="20000")
    assert "售出桃子5000斤" in client.get(url).content.decode()  # they follow the outcome


def test_only_the_hash_is_kept_and_a_new_link_kills_the_old(cast, world, client):
    member = _member(cast, world)
    first = services.outside_member_link_issue(member=member, actor=world.village_cadre)
    member.refresh_from_db()
    assert first not in member.link_hash and len(member.link_hash) == 64
    second = services.outside_member_link_issue(member=member, actor=world.village_cadre)
    assert client.get(reverse("resources:outside_link", args=[first])).status_code == 404
    assert client.get(reverse("resources:outside_link", args=[second])).status_code == 200
    with pytest.raises(ResourceForbidden):
        services.board_offer_by_link(token=first, kind="sales", title="x")


def test_only_the_villages_own_cadres_issue_links(cast, world):
    member = _member(cast, world)
    for persona in ("street_official", "city_admin", "community_cadre", "resident"):
        with pytest.raises(ResourceForbidden):
            services.outside_member_link_issue(member=member, actor=cast.users[persona])


def test_a_link_expires(cast, world, client):
    member = _member(cast, world)
    token = services.outside_member_link_issue(member=member, actor=world.village_cadre, days=30)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31), tick=False):
        assert client.get(reverse("resources:outside_link", args=[token])).status_code == 404


def test_withdrawing_by_the_link_takes_them_off_the_board(cast, world, client):
    member = _member(cast, world)
    token = services.outside_member_link_issue(member=member, actor=world.village_cadre)
    url = reverse("resources:outside_link", args=[token])
    client.post(url, {"kind": "investment", "title": "投资民宿"})
    client.post(url, {"action": "withdraw"})
    member.refresh_from_db()
    assert member.withdrawn_at is not None and member.link_hash == ""
    assert BoardPost.objects.get().status == "closed"
    assert client.get(url).status_code == 404


def test_the_cadre_gets_the_link_on_the_board_page(cast, world, client):
    member = _member(cast, world)
    client.force_login(world.village_cadre)
    r = client.post(reverse("resources:board_act", args=[cast.village.pk, "link"]), {"member": member.pk}, follow=True)
    text = " ".join(str(m) for m in r.context["messages"])
    assert "/resources/o/" in text
    token = text.split("/resources/o/")[1].split("/")[0]
    assert services.outside_member_by_link(token) == OutsideMember.objects.get(pk=member.pk)
