"""Place and issue extraction; hotspot clusters merged by place + issue; the evaluation set."""

from __future__ import annotations

import datetime as dt

from yizuyihui.triage import hotspot_eval
from yizuyihui.triage.places import (
    PlaceDictionary,
    extract_places,
    is_proper_name,
    issue_keys,
    message_facts,
)
from yizuyihui.triage.similarity import HotspotItem, cluster_hotspots, merge_by_place_issue


def names(text):
    return [(p.name, p.kind) for p in extract_places(text)]


def test_estates_roads_institutions_companies():
    assert names("A2区丽发新城小区附近搅拌站噪音扰民") == [("丽发新城", "estate")]
    assert names("投诉A市伊景园滨河苑捆绑销售车位") == [("伊景园", "estate"), ("滨河苑", "estate")]
    assert ("景蓉华苑", "estate") in names("A市A2区桂花坪街道的景蓉华苑物业管理混乱")
    assert names("A市A5区汇金路五矿万境K9县存在一系列问题") == [("汇金路", "road"), ("五矿万境K9县", "estate")]
    assert ("松雅湖中学", "institution") in names("希望A7县加强松雅湖中学周边环境治理")
    assert ("龙盛矿业有限公司", "company") in names("投诉K9县龙盛矿业有限公司拖欠工资")
    assert ("东六路", "road") in names("请求打通A7县经开区东六路")


def test_generic_words_are_not_places():
    assert names("我们小区的物业不作为，整个小区都很有意见") == []
    assert names("该小区门口的道路坑洼不平") == []
    assert not is_proper_name("公办幼儿园") and not is_proper_name("农贸市场")
    assert is_proper_name("丽发新城") and is_proper_name("恒大绿洲幼儿园")


def test_dictionary_learned_from_corpus_finds_names_without_suffix():
    corpus = ["丽发新城小区附近搅拌站噪音大", "丽发新城小区居民投诉粉尘", "某某路口红绿灯坏了"]
    d = PlaceDictionary.learn(corpus)
    assert "丽发新城" in d
    # mentioned later without the estate suffix the rules would need, after a verb
    found = [p.name for p in d.find("晚上去丽发新城看到搅拌站还在施工")]
    assert found == ["丽发新城"]


def test_issue_keys_merge_wordings():
    assert issue_keys("搅拌站噪声太大，半夜还在吵")[:2] == ["搅拌站", "噪音扰民"]
    assert "噪音扰民" in issue_keys("夜宵摊扰民")
    assert issue_keys("开发商捆绑销售车位")[0] == "车位捆绑销售"


def test_facts_title_places_and_city():
    f = message_facts([("A2区丽发新城搅拌站扰民", "白天黑夜都在施工"), ("K市某某花园漏水", "")])
    assert f[0].title_places == ["丽发新城"] and f[0].city == "A" and "噪音扰民" in f[0].issues
    assert f[1].city == "K"


def _facts(rows):
    return message_facts([(t, "") for t in rows])


def test_merge_clusters_sharing_place_and_issue():
    rows = ["丽发新城搅拌站噪音扰民", "丽发新城小区搅拌站噪声大", "丽发新城附近搅拌站噪音影响休息",
            "丽发新城搅拌站夜间施工噪音", "魅力之城烧烤油烟扰民", "魅力之城烧烤店油烟大",
            "丽发新城搅拌站半夜噪音"]
    facts = _facts(rows)
    anchors = {"丽发新城": "estate", "魅力之城": "estate"}
    # two text clusters about the same place and issue become one; the other place stays apart;
    # a matter naming the place and the issue that no cluster took joins
    merged = merge_by_place_issue([[0, 1], [2, 3], [4, 5]], facts, anchors)
    assert sorted(map(sorted, merged)) == [[0, 1, 2, 3, 6], [4, 5]]


def test_clusters_with_the_same_issue_at_different_places_stay_apart():
    rows = ["丽发新城搅拌站噪音扰民", "丽发新城搅拌站噪声大", "魅力之城搅拌站噪音扰民", "魅力之城搅拌站噪声大"]
    facts = _facts(rows)
    merged = merge_by_place_issue([[0, 1], [2, 3]], facts, {"丽发新城": "estate", "魅力之城": "estate"})
    assert sorted(map(sorted, merged)) == [[0, 1], [2, 3]]


def _background(n=60):
    from yizuyihui.triage.csvio import read_rows
    from yizuyihui.triage.routing import DEFAULT_UNLABELLED_CSV

    rows = read_rows(DEFAULT_UNLABELLED_CSV, ["留言编号", "留言主题", "留言详情"])[:n]
    return [HotspotItem(id=f"bg{r['留言编号']}", title=r["留言主题"], text=r["留言详情"]) for r in rows]


def test_problem_found_whole_and_labelled_place_and_issue():
    t0 = dt.datetime(2019, 8, 1, 9)
    dust = ["A2区丽发新城小区附近搅拌站噪音扰民", "丽发新城旁搅拌站粉尘噪声严重", "投诉丽发新城搅拌站日夜施工",
            "丽发新城小区居民深受搅拌站困扰", "A2区丽发新城附近的搅拌站什么时候搬走", "丽发新城业主反映搅拌站灰尘大",
            "丽发新城搅拌站晚上还在作业，吵得睡不着"]
    items = _background() + [HotspotItem(id=f"d{k}", title=t, text="", time=t0 + dt.timedelta(days=k))
                             for k, t in enumerate(dust)]
    spots = cluster_hotspots(items, top=3)
    assert spots[0].label.startswith("丽发新城")
    assert sorted(spots[0].member_ids) == sorted(f"d{k}" for k in range(len(dust)))


def test_evaluation_set_scores():
    problems = hotspot_eval.read_problems()
    assert len(problems) >= 20 and all(len(m) >= 2 for _, _, m in problems)

    class H:
        def __init__(self, rank, ids):
            self.rank, self.member_ids, self.label = rank, ids, ""

    s = hotspot_eval.score_problems([("P", "x", {"1", "2", "3"})], [H(1, ["1", "2", "9"]), H(2, ["3"])])[0]
    assert (round(s.precision, 2), round(s.recall, 2), s.cluster_rank) == (0.67, 0.67, 1)
