import threading

import pytest
from django.db import connection
from django.db.models import F

from yizuyihui.core.errors import ServiceConflict, ServiceError, ServiceForbidden
from yizuyihui.incentives import services
from yizuyihui.incentives.models import PointAccount, PointEntry, Redemption, Reward

from .conftest import at, file_and_accept


@pytest.fixture
def rich_resident(cast, point_rules):
    for day in (2, 3):
        file_and_accept(cast, f"事{day}", at(2026, 3, day))
    services.points_derive()
    return cast.residents["resident"]  # 10 points


def reward(cast, cost=4, stock=5):
    return services.reward_create(actor=cast.users["community_cadre"], node=cast.community, name="洗衣液",
                                  cost=cost, stock=stock)


def test_a_resident_redeems_a_reward_of_their_community(cast, rich_resident):
    r = reward(cast)
    services.reward_redeem(reward=r, actor=cast.users["resident"])
    r.refresh_from_db()
    assert r.stock == 4
    assert PointAccount.objects.get(person=rich_resident).balance == 6
    assert PointEntry.objects.filter(person=rich_resident, kind="redemption").get().points == -4


def test_a_reward_cannot_be_redeemed_twice(cast, rich_resident):
    r = reward(cast)
    services.reward_redeem(reward=r, actor=cast.users["resident"])
    with pytest.raises(ServiceConflict):
        services.reward_redeem(reward=r, actor=cast.users["resident"])
    assert Redemption.objects.count() == 1
    assert PointAccount.objects.get(person=rich_resident).balance == 6


def test_a_reward_out_of_stock_or_too_dear_is_refused(cast, rich_resident):
    with pytest.raises(ServiceConflict):
        services.reward_redeem(reward=reward(cast, stock=0), actor=cast.users["resident"])
    with pytest.raises(ServiceError):
        services.reward_redeem(reward=reward(cast, cost=11), actor=cast.users["resident"])
    assert not Redemption.objects.exists()
    assert PointAccount.objects.get(person=rich_resident).balance == 10


def test_a_resident_of_another_community_cannot_redeem(cast, rich_resident):
    r = reward(cast)
    with pytest.raises(ServiceForbidden):
        services.reward_redeem(reward=r, actor=cast.users["outsider"])


def test_only_the_community_offers_rewards(cast):
    with pytest.raises(ServiceForbidden):
        services.reward_create(actor=cast.users["grid_worker"], node=cast.community, name="x", cost=1, stock=1)
    with pytest.raises(ServiceForbidden):
        services.reward_create(actor=cast.users["outsider"], node=cast.community, name="x", cost=1, stock=1)
    assert not Reward.objects.exists()


def test_recomputation_counts_redemptions(cast, rich_resident):
    from yizuyihui.incentives import points

    services.reward_redeem(reward=reward(cast), actor=cast.users["resident"])
    assert points.balances_recomputed() == {rich_resident.pk: 6}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_pass_the_stock_or_the_balance(cast, point_rules):
    """12 residents with enough points race for a reward with 5 in stock, and one resident taps
    'redeem' on 6 phones at once: exactly 5 + 1 redemptions, stock 0, no balance below zero."""
    from yizuyihui.people.services import person_create, user_create

    scarce = reward(cast, cost=4, stock=5)
    plenty = services.reward_create(actor=cast.users["community_cadre"], node=cast.community, name="毛巾",
                                    cost=10, stock=100)
    users = []
    for i in range(12):
        p = person_create(name=f"居民{i}", gender="F", node=cast.unit_a.node, phone=f"1370000{i:04d}")
        users.append(user_create(username=f"r{i}", password="x-pass-2026", person=p))
        PointAccount.objects.create(person=p, earned=10)
    file_and_accept(cast, "事", at(2026, 3, 2))
    file_and_accept(cast, "事2", at(2026, 3, 3))
    services.points_derive()  # the cast's resident: 10 points

    barrier = threading.Barrier(18)
    outcomes = []

    def go(user, rw):
        try:
            barrier.wait()
            services.reward_redeem(reward=rw, actor=user)
            outcomes.append("ok")
        except (ServiceConflict, ServiceError):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(u, scarce)) for u in users]
    threads += [threading.Thread(target=go, args=(cast.users["resident"], plenty)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    scarce.refresh_from_db()
    plenty.refresh_from_db()
    assert outcomes.count("ok") == 6
    assert scarce.stock == 0 and scarce.redemptions.count() == 5
    assert plenty.stock == 99 and plenty.redemptions.count() == 1
    assert not PointAccount.objects.filter(spent__gt=F("earned")).exists()
