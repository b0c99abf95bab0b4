"""Duplicates and widespread problems."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta

from yizuyihui.triage.csvio import read_rows
from yizuyihui.triage.routing import DEFAULT_UNLABELLED_CSV
from yizuyihui.triage.similarity import HotspotItem, cluster_hotspots, find_similar

ORIGINAL = "A市A2区景蓉华苑小区物业公司要退出，业委会未开业主大会就制定高昂停车收费方案，投票由物业组织，不公开公正。"
REWORDED = "景蓉华苑小区的业委会没有召开业主大会，就定了很高的停车收费方案，还让物业公司组织投票，很不公平，物业还说要退出。"
UNRELATED = [
    (1, "A7县北山镇荣合桥社区道路泥泞，村民出行困难，请求硬化道路。"),
    (2, "K7县教师招聘面试不设大众评委，对试教结果有质疑。"),
    (3, "A市城区节假日有人燃放孔明灯，存在火灾隐患，建议严禁。"),
    (4, "A4区某小区物业费上涨，物业服务质量差，电梯经常坏。"),
]


def test_reworded_duplicate_is_found_first():
    got = find_similar(REWORDED, UNRELATED + [(99, ORIGINAL)])
    assert got and got[0][0] == 99
    assert [cid for cid, _ in got] == [99]


def test_unrelated_text_is_not_flagged():
    assert find_similar("公交车司机态度恶劣，线路绕远，希望调整公交线路。", UNRELATED + [(99, ORIGINAL)]) == []
    assert find_similar("", [(1, ORIGINAL)]) == []
    assert find_similar(ORIGINAL, []) == []


def test_limit_and_order():
    cands = [(i, ORIGINAL + "补充" * i) for i in range(10)]
    got = find_similar(ORIGINAL, cands, limit=3)
    assert len(got) == 3
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


PLANTED = {
    "parking": [
        "伊景园滨河苑开发商捆绑销售车位，不买车位不给交房",
        "投诉伊景园滨河苑捆绑销售车位的问题",
        "伊景园滨河苑强制业主购买车位才能收房",
        "伊景园滨河苑开发商要求买房必须买车位",
        "反映伊景园滨河苑车位捆绑销售，侵害业主权益",
    ],
    "bbq": [
        "魅力之城小区临街门面烧烤夜宵摊油烟噪音扰民",
        "魅力之城小区楼下烧烤店油烟太大，半夜还很吵",
        "投诉魅力之城小区底商烧烤夜宵油烟扰民",
        "魅力之城小区一楼门面夜宵烧烤噪音油烟严重影响休息",
    ],
    "school": [
        "丽发新城小区附近搅拌站灰尘大噪音大，严重影响居民生活",
        "丽发新城旁边的搅拌站粉尘污染严重",
        "投诉丽发新城小区附近搅拌站噪音扰民粉尘污染",
        "丽发新城搅拌站日夜施工，灰尘噪音影响学生上课",
    ],
}


def test_hotspots_recover_planted_groups():
    rows = read_rows(DEFAULT_UNLABELLED_CSV, ["留言编号", "留言主题", "留言时间", "留言详情"])
    rng = random.Random(0)
    noise = rng.sample(rows, 400)
    items = [
        HotspotItem(id=int(r["留言编号"]), title=r["留言主题"], text=r["留言详情"][:120],
                    time=datetime(2019, 1, 1) + timedelta(days=i % 200))
        for i, r in enumerate(noise)
    ]
    planted: dict[str, set[int]] = {}
    next_id = 10_000_000
    for name, titles in PLANTED.items():
        planted[name] = set()
        for k, title in enumerate(titles):
            items.append(HotspotItem(id=next_id, title=title, text=title + "，请有关部门尽快处理。",
                                     time=datetime(2019, 12, 1) + timedelta(days=k), unit_id=k, support=3))
            planted[name].add(next_id)
            next_id += 1
    rng.shuffle(items)
    t0 = time.perf_counter()
    spots = cluster_hotspots(items, top=3)
    assert time.perf_counter() - t0 < 30
    assert len(spots) == 3
    found = [set(h.member_ids) for h in spots]
    for name, ids in planted.items():
        best = max(found, key=lambda s: len(s & ids))
        assert len(best & ids) >= len(ids) - 1, name  # at most one member missed
        assert len(best - ids) <= 1, name  # at most one stray message
    for h in spots:
        assert h.rank == spots.index(h) + 1
        assert h.size == len(h.member_ids)
        assert h.label and len(h.label.split()) <= 4
        assert h.spread >= 3
    assert [h.score for h in spots] == sorted((h.score for h in spots), reverse=True)


def test_hotspots_empty_and_deterministic():
    assert cluster_hotspots([], top=5) == []
    items = [HotspotItem(id=i, title=t, text=t, time=None) for i, t in enumerate(PLANTED["bbq"] + PLANTED["parking"])]
    a = cluster_hotspots(items, top=5)
    b = cluster_hotspots(list(items), top=5)
    assert a == b and len(a) == 2


def test_hotspots_accept_items_with_and_without_times_and_time_zones():
    import datetime as dt

    from yizuyihui.triage.similarity import HotspotItem, cluster_hotspots

    aware = dt.datetime(2026, 5, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    items = [HotspotItem(id=i, title="小区门口垃圾堆积无人清理", text="垃圾堆积发臭，请尽快清运", time=aware if i % 2 else None)
             for i in range(1, 7)]
    items += [HotspotItem(id=100 + i, title=t, text=t) for i, t in enumerate(["公交线路太少", "学校收费问题", "医保报销慢"])]
    hotspots = cluster_hotspots(items, top=3)
    assert hotspots and set(hotspots[0].member_ids) <= set(range(1, 7))
