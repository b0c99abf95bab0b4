"""Place names and issue terms of citizen messages (for widespread problems).

Messages about one problem name the same place — an estate (小区/花园/苑/新城 …), a road, a
school or hospital, a company, a village — and the same issue in different words. This module
finds both, with rules plus a dictionary learned from a corpus:

* `extract_places(text)` — rule-based candidates: a run of name characters before a place
  suffix, cut at the last administrative or grammatical boundary (…市, …区, 街道, 位于, 我们 …).
  The data's masked codes (A市, A2区, K9县) count as boundaries, except that an estate may
  end in one (the data masked "五矿万境K9县" that way).
* `PlaceDictionary.learn(texts)` — the candidates that occur in at least `min_docs`
  messages of a corpus, plus their "core" without a generic suffix (丽发新城小区 → 丽发新城),
  so that later mentions without a suffix are found too (longest match first).
* `issue_terms(text)` — canonical issue keys (噪音扰民, 油烟, 停车 …) from a synonym table, plus
  the title's content words that are not place names.

Pure Python (plus rjieba through `text`): no Django.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import text as tx

# Place kinds and their suffixes (longest first inside one alternation).
ESTATE_SUFFIXES = ("小区", "花园", "家园", "新村", "公寓", "大厦", "山庄", "华府", "名都", "嘉园", "佳园", "雅苑",
                   "华苑", "名苑", "新城", "星城", "一城", "国际", "公馆", "府邸", "广场", "社区", "苑", "湾", "园")
ROAD_SUFFIXES = ("大道", "大街", "路", "街", "巷")
INSTITUTION_SUFFIXES = ("幼儿园", "小学", "中学", "大学", "学院", "学校", "医院", "卫生院", "派出所", "车站",
                        "汽车站", "火车站", "客运站", "市场", "商场", "景区", "公园", "中心")
COMPANY_SUFFIXES = ("有限公司", "公司", "集团", "工厂", "厂", "搅拌站", "物业", "酒店", "超市", "4S店")
VILLAGE_SUFFIXES = ("村",)

KIND_ORDER = ("estate", "institution", "company", "road", "village")
_SUFFIXES = {
    "estate": ESTATE_SUFFIXES, "road": ROAD_SUFFIXES, "institution": INSTITUTION_SUFFIXES,
    "company": COMPANY_SUFFIXES, "village": VILLAGE_SUFFIXES,
}
# Kinds specific enough to hold a problem together by themselves (roads and villages need the issue too).
SPECIFIC_KINDS = frozenset({"estate", "institution", "company"})

_NAME = r"[\u4e00-\u9fffA-Za-z0-9·]"
_all_suffixes = sorted({s for v in _SUFFIXES.values() for s in v}, key=len, reverse=True)
# Where a place name cannot start: administrative levels, masked codes, pronouns, verbs of reporting.
_BOUNDARY = re.compile(
    r"(?:[A-Z]\d*[市区县镇乡]|省|市|区|县|镇|乡|街道|我们|我|你们|本|该|这个|那个|这|那|各|整个|所有|住在|位于|"
    r"关于|反映|投诉|举报|咨询|建议|请问|希望|要求|请求|对于|对|在|于|的|是|和|与|及|了|到|从|给|被|把|向|个|"
    r"附近|旁边|旁|边上|周边|门口|对面|里面|临街|沿街|楼下|内|外|前|后|号|栋|楼|期|影响|导致|造成|进入|进|出|入住|购买|买|住|去|来|让|使|"
    r"加强|解决|整治|治理|修建|建设|开通|取消|恢复|推进|加快|打通|规划|设立|增设|督促|呼吁|强烈|再次|尽快|拆除|取缔|"
    r"关闭|关停|查处|整顿|成立|接收|开办|启用|监督|指导|选聘|撤销|就读|读书|"
    r"一位|一名|一下|一方面|一段|一条|上述|不|且|监管|将|已|都|也|还|就|又|很|非常|严重|开发商|政府|们|么|有|其|但|因为|作为|现在|小孩|擅自|强行|级|经过|通往|修|建|条|座|家|所|个|多|几|新|老|旧|\d+)"
)
# Candidates that are not names (generic words before a suffix).
_GENERIC = frozenset("""
小区 花园 家园 公寓 大厦 广场 社区 新村 学校 医院 公司 集团 工厂 物业 市场 中心 公园 道路 马路 村 组 苑 庭 湾 府 园
老小区 新小区 安置小区 住宅小区 商品房小区 整个小区 我们小区 本小区 该小区 这个小区 周边小区 附近小区 很多小区
物业公司 开发商 置业有限 管理有限 有限责任 公交公司 燃气公司 公交线路 公交车站 商业广场 商业街 步行街 房地产公司 建筑公司 施工单位 有关部门 相关部门 政府部门 人民政府 人民医院 中心医院 卫生服务中心
政务服务中心 服务中心 培训中心 活动中心 中小学 幼儿园 小学 中学 大学 学院 公办学校 民办学校 私立学校 公立学校
国际 府 一城 水泥路 泥巴路 马路 十字路 交叉路 必经之路 过马路 公路 小路 新农村 贫困村 全村 村民小组 公馆 名都 新城 星城 街 路 巷 大道 大街 车站 县城 城区 市区 乡镇 农村 本村 该村 我村 全村 各村 村组 小组 工厂
酒店 超市 商场 景区 派出所 卫生院 搅拌站 有限公司 花园 家园 庭院 校园 田园 果园 菜园 墓园 陵园 园区 工业园 产业园
""".split())
_GENERIC_HEADS = ("一个", "一些", "多个", "其他", "其它", "各个", "相关", "有关", "城市", "农村", "公共", "部分")


# Modifiers that make "<modifier><suffix>" a kind of place rather than one place (公办幼儿园,
# 职业技术学院, 农贸市场 …): such names do not hold a problem together by themselves.
_TYPE_MODIFIERS = ("公办", "民办", "私立", "公立", "普惠", "普惠性", "配套", "职业技术", "职业", "实验", "中心",
                   "第一人民", "人民", "农贸", "森林", "湿地", "政务", "体育", "会展", "医保", "公积金", "居民",
                   "经济适用", "房地产", "物流", "混凝土", "水泥", "沥青", "商业", "小区", "高速", "乡镇", "社区", "村级", "县级", "市级")


def is_proper_name(name: str) -> bool:
    """A named place (丽发新城, 松雅湖中学) rather than a kind of place (公办幼儿园, 农贸市场)."""
    if name.startswith(("物业", "管理")) or name.endswith("管理"):  # 物业管理, 管理公司: learned noise
        return False
    for suf in _all_suffixes:
        if name.endswith(suf):
            stem = name[: -len(suf)]
            return len(stem) >= 2 and stem not in _TYPE_MODIFIERS and stem not in _GENERIC
    return len(name) >= 3


@dataclass(frozen=True)
class Place:
    name: str  # as written (masked codes kept)
    kind: str  # estate | institution | company | road | village
    start: int


_DOTS = re.compile(r"[\s·•・]+|(?<=[\u4e00-\u9fff])\.(?=[\u4e00-\u9fff])")


def _normal(text: str) -> str:
    """NFKC, without whitespace and the dots written inside names (伊景园·滨河苑, 伊景园.滨河苑 →
    伊景园滨河苑)."""
    return _DOTS.sub("", unicodedata.normalize("NFKC", text or ""))


def _kind_of(suffix: str) -> str:
    for kind in KIND_ORDER:
        if suffix in _SUFFIXES[kind]:
            return kind
    return "estate"


def _cut(name: str) -> str:
    """The name after the last boundary inside it (…A2区丽发新城 → 丽发新城)."""
    last = 0
    for m in _BOUNDARY.finditer(name):
        last = m.end()
    return name[last:]


def _is_name(stem: str, name: str) -> bool:
    if name in _GENERIC or len(stem) < 2 or stem.isdigit():
        return False
    if any(name.startswith(h) for h in _GENERIC_HEADS):
        return False
    return not all(ch.isascii() for ch in stem)


_SUFFIX_SCAN = re.compile("|".join(map(re.escape, _all_suffixes)))
_NAME_CHAR = re.compile(_NAME)
_NAME_RUN = re.compile(rf"{_NAME}{{1,14}}$")


def extract_places(text: str, *, normalised: bool = False) -> list[Place]:
    """Rule-based place names in a text, in order of appearance (no dictionary).

    Each place suffix found (longest first) looks back over up to 14 name characters; the name
    starts after the last boundary among them."""
    s = text if normalised else _normal(text)
    out: list[Place] = []
    last_end = 0
    for m in _SUFFIX_SCAN.finditer(s):
        lo = max(last_end, m.start() - 14)
        run = _NAME_RUN.search(s, lo, m.start())
        if run is None:
            continue
        stem = run.group(0)
        cut = _cut(stem)
        name = cut + m.group(0)
        if _is_name(cut, name):
            out.append(Place(name=name, kind=_kind_of(m.group(0)), start=m.start() - len(cut)))
            last_end = m.end()
    return _masked_estates(s, out)


_MASKED_ESTATE = re.compile(rf"({_NAME}{{2,8}}?)([A-Z]\d+[县区市])(?=[\u4e00-\u9fff]|$)")


def _masked_estates(s: str, found: list[Place]) -> list[Place]:
    """Estates whose name the data's masking turned into "…K9县" after a road or an area
    (汇金路五矿万境K9县): a masked code right after a name that follows a road or a district."""
    extra = []
    for m in re.finditer(rf"(?:路|街|道|区|号)({_NAME}{{2,6}}?[A-Z]\d+县)", s):
        name = m.group(1)
        core = re.sub(r"[A-Z]\d+县$", "", name)
        if len(core) >= 2 and not re.search(r"[市区县镇乡]", core) and not any(p.name == name for p in found):
            extra.append(Place(name=name, kind="estate", start=m.start(1)))
    return sorted(found + extra, key=lambda p: p.start)


def core_name(name: str) -> str:
    """A name without its generic suffix, if enough is left (丽发新城小区 → 丽发新城; 景蓉华苑 stays)."""
    for suf in ("小区", "社区", "有限公司", "公司", "集团"):
        if name.endswith(suf) and len(name) - len(suf) >= 3:
            return name[: -len(suf)]
    return name


def _trie_regex(words) -> str:
    """One regex matching any of `words`, longest first, factored as a trie (fast on many names)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie) or "(?!)"


class PlaceDictionary:
    """Place names learned from a corpus: found by the rules in at least `min_docs` messages.
    `find(text)` then finds every known name in a text (longest match first), also where the
    rules would miss it (no suffix written, another boundary)."""

    def __init__(self, names: dict[str, str] | None = None):
        self.names: dict[str, str] = dict(names or {})  # surface form → canonical name
        self.kinds: dict[str, str] = {}
        self._pattern: re.Pattern | None = None

    @classmethod
    def learn(cls, texts: Iterable[str], *, min_docs: int = 2, places: Iterable[list[Place]] | None = None
              ) -> PlaceDictionary:
        """Names the rules find in ≥ `min_docs` of `texts` (or of the precomputed `places` lists)."""
        df: Counter = Counter()
        kinds: dict[str, Counter] = {}
        for found in (places if places is not None else (extract_places(t) for t in texts)):
            seen = set()
            for p in found:
                c = core_name(p.name)
                if c in _GENERIC or "小区" in c:
                    continue
                seen.add(c)
                kinds.setdefault(c, Counter())[p.kind] += 1
            df.update(seen)
        d = cls()
        for name, n in df.items():
            if n >= min_docs and len(name) >= 3:
                d.add(name, kinds[name].most_common(1)[0][0])
        return d

    def add(self, name: str, kind: str = "estate") -> None:
        canon = core_name(name)
        self.names[canon] = canon
        self.names[name] = canon
        m = re.match(r"^(.{2,}?)[A-Z]\d+县$", canon)  # masked estate: also its unmasked stem
        if m and len(m.group(1)) >= 3:
            self.names[m.group(1)] = canon
        self.kinds[canon] = kind
        self._pattern = None

    def __len__(self) -> int:
        return len(set(self.names.values()))

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def find(self, text: str, *, rule_places: list[Place] | None = None, normalised: bool = False) -> list[Place]:
        """Known names in `text` (canonical form), then rule-found names the dictionary lacks
        (`rule_places`: `extract_places` of the same text, if already known)."""
        s = text if normalised else _normal(text)
        out: list[Place] = []
        if self.names:
            if self._pattern is None:
                self._pattern = re.compile(_trie_regex(self.names))
            for m in self._pattern.finditer(s):
                canon = self.names[m.group(0)]
                out.append(Place(name=canon, kind=self.kinds.get(canon, "estate"), start=m.start()))
        covered = {p.name for p in out}
        for p in extract_places(s, normalised=True) if rule_places is None else rule_places:
            c = core_name(p.name)
            if c not in covered and not any(c in k or k in c for k in covered):
                out.append(Place(name=c, kind=p.kind, start=p.start))
                covered.add(c)
        return sorted(out, key=lambda p: p.start)


# Issue keys: the same issue in different words.
ISSUES: dict[str, tuple[str, ...]] = {
    "噪音扰民": ("噪音", "噪声", "扰民", "吵闹", "喧哗", "喧闹", "吵得", "太吵", "吵到", "吵死", "轰鸣", "夜间施工", "半夜施工",
             "施工噪", "睡不着"),
    "粉尘污染": ("粉尘", "灰尘", "扬尘", "灰大", "漫天灰"),
    "油烟": ("油烟", "排烟", "烧烤", "大排档", "夜宵", "宵夜", "餐馆", "餐饮", "饭店", "饭馆", "小吃店", "餐厅"),
    "异味臭气": ("异味", "臭味", "臭气", "恶臭", "气味"),
    "污水排放": ("污水", "排污", "废水", "偷排"),
    "垃圾": ("垃圾",),
    "违章建筑": ("违建", "违章建筑", "违法建筑", "私搭乱建", "加建"),
    "停车": ("停车", "车位"),
    "车位捆绑销售": ("捆绑销售", "捆绑", "搭售", "强制购买车位", "强制买车位", "强卖车位", "强买车位", "买车位", "购买车位",
               "车位款", "房车", "捆在一起", "强迫购买车位", "逼买车位", "买房送车位", "强制消费车位", "车位强制"),
    "物业管理": ("物业",),
    "物业收费": ("物业费", "乱收费", "收费标准"),
    "电梯": ("电梯",),
    "供水": ("停水", "水压", "供水", "自来水", "水质"),
    "供电": ("停电", "供电", "电压"),
    "燃气": ("燃气", "天然气", "煤气"),
    "房屋质量": ("漏水", "渗水", "开裂", "裂缝", "质量问题", "墙体"),
    "延期交房": ("延期交房", "逾期交房", "延期", "逾期"),
    "办证": ("房产证", "不动产证", "产权证", "办证"),
    "拆迁征收": ("拆迁", "征收", "征地", "补偿", "安置"),
    "学位入学": ("入学", "学位", "招生", "划片", "就近入学"),
    "欠薪": ("拖欠", "欠薪", "工资"),
    "社保": ("社保", "养老保险", "医保", "五险"),
    "交通出行": ("公交", "红绿灯", "拥堵", "堵车", "路口"),
    "道路破损": ("坑洼", "破损", "路面", "修路"),
    "搅拌站": ("搅拌站", "搅拌厂", "混凝土站", "混凝土公司", "水泥搅拌", "罐车", "砂石场"),
    "施工": ("施工", "工地", "渣土"),
    "消防安全": ("消防", "安全隐患", "火灾"),
    "虚假宣传": ("虚假宣传", "欺诈", "诈骗", "骗"),
    "贷款": ("贷款", "车贷", "借贷", "理财"),
    "实习": ("实习",),
}
# A specific issue makes a general one it implies redundant (捆绑车位 names 车位 too).
_IMPLIES = {"车位捆绑销售": "停车", "搅拌站": "施工"}
_ISSUE_PATTERN = re.compile("|".join(sorted({w for ws in ISSUES.values() for w in ws}, key=len, reverse=True)))
_ISSUE_OF = {w: k for k, ws in ISSUES.items() for w in ws}


def issue_keys(text: str) -> list[str]:
    """Canonical issue keys named in a text (first mention first)."""
    out: list[str] = []
    for m in _ISSUE_PATTERN.finditer(_normal(text)):
        k = _ISSUE_OF[m.group(0)]
        if k not in out:
            out.append(k)
    for specific, general in _IMPLIES.items():
        if specific in out and general in out:
            out.remove(general)
    return out


def issue_terms(title: str, text: str = "", places: Iterable[str] = ()) -> list[str]:
    """Issue keys of title and text, then the title's content words that are not place names."""
    keys = issue_keys(f"{title}。{text}")
    place_text = "|".join(places)
    bare = _normal(title)
    for p in sorted(places, key=len, reverse=True):
        bare = bare.replace(p, "，")
    norm_title = tx.normalise(re.sub(r"[A-Z]\d*(?:市|区|县|镇|乡)", "，", bare))
    words = [w for w in tx.content_words(tx.words(norm_title))
             if w not in place_text and w not in _GENERIC and not any(w in p for p in places)]
    return keys + [w for w in dict.fromkeys(words) if w not in keys]


# --------------------------------------------------------------------------- per-message facts

_SHIPPED_DICTIONARY = None


def shipped_dictionary() -> PlaceDictionary:
    """Place names learned from the shipped corpus (data/places.txt: one "name<TAB>kind" a line;
    regenerate with `python -m yizuyihui.triage.places`)."""
    global _SHIPPED_DICTIONARY
    if _SHIPPED_DICTIONARY is None:
        from pathlib import Path

        d = PlaceDictionary()
        path = Path(__file__).resolve().parent / "data" / "places.txt"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                name, _, kind = line.partition("\t")
                if name:
                    d.add(name, kind or "estate")
        _SHIPPED_DICTIONARY = d
    return _SHIPPED_DICTIONARY


# --------------------------------------------------------------------------- aliases in a batch

_ALIAS_KINDS = frozenset({"estate", "company"})


@dataclass
class Aliases:
    """How the places of one batch are written: `canon` maps every name to its group's canonical
    name; `display` a canonical name to the form to show (伊景园滨河苑); `linked` a road or a
    company to the estate it stands for in this batch (车站北路 → 滨河苑)."""

    canon: dict[str, str]
    display: dict[str, str]
    linked: dict[str, str]

    def of(self, name: str) -> str:
        return self.canon.get(name, name)


def _administrative(name: str) -> bool:
    """A residents' community (泉星社区) or village holds several estates: never an alias of one."""
    return name.endswith(("社区", "村", "街道", "镇", "乡"))


def link_aliases(found: list[list[Place]], kinds: dict[str, str]) -> Aliases:
    """Group the names of a batch that denote one place (each message's `found` places, with
    their start offsets in the message's text):

    * written together: two estate names right after each other (伊景园滨河苑 = brand + name, also
      伊景园·滨河苑) in ≥ 2 messages;
    * contained: an estate or company name inside another (江山府 in 江山府搅拌站), the shorter one
      proper, ≥ 3 characters, named by ≥ 2 messages;
    * a typo: estates of the same length (≥ 4) differing in one character (not the first: 碧桂园
      and 松桂园 are two brands), one named by ≥ 5 messages and ≥ 3× as many as the other (魅力之成 → 魅力之城);
    * a road or a company named in ≥ 2 messages together with an estate, in at least half of the
      messages that name it, stands for that estate (a weaker link: `linked`).
    The canonical name of a group is its most named (then longest) name."""
    df: Counter = Counter()
    adjacent: Counter = Counter()
    for places in found:
        df.update({p.name for p in places})
        for a, b in zip(places, places[1:], strict=False):
            if (a.start + len(a.name) == b.start and a.name != b.name
                    and kinds.get(a.name) == "estate" and kinds.get(b.name) == "estate"):
                adjacent[(a.name, b.name)] += 1
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for (a, b), n in adjacent.items():
        if n >= 2 and not (_administrative(a) or _administrative(b)):
            union(a, b)
    names = [n for n in df if kinds.get(n) in _ALIAS_KINDS and not _administrative(n)]
    short = [n for n in names if len(n) >= 3 and df[n] >= 2 and is_proper_name(n)]
    if short:
        pattern = re.compile(_trie_regex(short))
        for n in names:
            for m in pattern.finditer(n):
                if m.group(0) != n:
                    union(m.group(0), n)
    by_key: dict[tuple, list[str]] = {}
    for n in names:
        if kinds.get(n) == "estate" and len(n) >= 4:
            for i in range(1, len(n)):
                by_key.setdefault((len(n), i, n[:i], n[i + 1:]), []).append(n)
    for group in by_key.values():
        if len(group) > 1:
            top = max(group, key=lambda n: (df[n], n))
            for n in group:
                if n != top and df[top] >= 5 and df[top] >= 3 * df[n]:
                    union(n, top)
    members: dict[str, list[str]] = {}
    for n in list(parent):
        members.setdefault(find(n), []).append(n)
    canon: dict[str, str] = {}
    display: dict[str, str] = {}
    for group in members.values():
        best = max(group, key=lambda n: (df[n], len(n), n))
        for n in group:
            canon[n] = best
        shown = best
        pairs = [(k, ab) for ab, k in adjacent.items() if ab[0] in group and ab[1] in group]
        if pairs:
            k, (a, b) = max(pairs)
            if k >= max(2, 0.25 * df[best]):
                shown = a + b
        display[best] = shown
    # roads and companies that stand for an estate
    together: Counter = Counter()
    for places in found:
        estates = {canon.get(p.name, p.name) for p in places if kinds.get(p.name) == "estate"}
        others = {p.name for p in places if kinds.get(p.name) in ("road", "company") and p.name not in canon}
        for o in others:
            for e in estates:
                together[(o, e)] += 1
    linked: dict[str, str] = {}
    for (o, e), n in sorted(together.items(), key=lambda kv: (-kv[1], kv[0])):
        if o not in linked and n >= 2 and n >= 0.5 * df[o] and is_proper_name(o) and is_proper_name(e):
            linked[o] = e
    return Aliases(canon=canon, display=display, linked=linked)


@dataclass
class Facts:
    """What a message names: places in the title, places anywhere (title + start of the
    detail), issue keys, issue words of the title."""

    title_places: list[str]
    places: list[str]
    kinds: dict[str, str]
    issues: list[str]
    words: list[str]
    city: str = ""  # letter of the first masked city/district code of the title (A市, A2区 → "A")
    linked: list[str] = field(default_factory=list)  # estates its roads/companies stand for in the batch


_CITY_CODE = re.compile(r"([A-Z])\d*(?:市|区|县)")


def message_facts(items_text: list[tuple[str, str]], *, body_chars: int = 300,
                  dictionary: PlaceDictionary | None = None) -> list[Facts]:
    """Facts of (title, detail) pairs; the dictionary is the shipped one plus the names the
    rules find in ≥ 2 messages of this batch; place names are the canonical names of their
    alias groups in this batch (`link_aliases`)."""
    return facts_and_aliases(items_text, body_chars=body_chars, dictionary=dictionary)[0]


def facts_and_aliases(items_text: list[tuple[str, str]], *, body_chars: int = 300,
                      dictionary: PlaceDictionary | None = None) -> tuple[list[Facts], Aliases]:
    """`message_facts` and the batch's `Aliases`."""
    base = dictionary if dictionary is not None else shipped_dictionary()
    titles = [_normal(t) for t, _ in items_text]
    texts = [f"{t}。{_normal((d or '')[:body_chars])}" for t, (_, d) in zip(titles, items_text, strict=True)]
    rules = [extract_places(t, normalised=True) for t in texts]
    learned = PlaceDictionary.learn((), min_docs=2, places=rules)
    d = PlaceDictionary(base.names)
    d.kinds.update(base.kinds)
    for name, canon in learned.names.items():
        if name not in d.names:
            d.names[name] = canon
            d.kinds.setdefault(canon, learned.kinds.get(canon, "estate"))
    found_all = [d.find(text, rule_places=rule, normalised=True) for text, rule in zip(texts, rules, strict=True)]
    batch_kinds: dict[str, Counter] = {}
    for found in found_all:
        for p in found:
            batch_kinds.setdefault(p.name, Counter())[p.kind] += 1
    kinds_all = {n: c.most_common(1)[0][0] for n, c in batch_kinds.items()}
    aliases = link_aliases(found_all, kinds_all)
    out = []
    for title, text, found in zip(titles, texts, found_all, strict=True):
        t_places = list(dict.fromkeys(aliases.of(p.name) for p in found if p.start < len(title)))
        names = list(dict.fromkeys(aliases.of(p.name) for p in found))
        kinds = {aliases.of(p.name): kinds_all.get(aliases.of(p.name), p.kind) for p in found}
        linked = [e for e in dict.fromkeys(aliases.linked.get(p.name, "") for p in found) if e and e not in names]
        code = _CITY_CODE.search(title)
        out.append(Facts(title_places=t_places, places=names, kinds=kinds,
                         issues=issue_keys(text), words=issue_terms(title, "", names + [p.name for p in found]),
                         city=code.group(1) if code else "", linked=linked))
    return out, aliases


def main() -> None:  # pragma: no cover - regenerates data/places.txt
    import sys
    from pathlib import Path

    from .csvio import read_rows

    texts = []
    for path in sys.argv[1:]:
        texts += [f"{r['留言主题']}。{r['留言详情'][:300]}" for r in read_rows(Path(path), ["留言主题", "留言详情"])]
    d = PlaceDictionary.learn(texts, min_docs=2)
    out = Path(__file__).resolve().parent / "data" / "places.txt"
    out.write_text("".join(f"{n}\t{d.kinds[n]}\n" for n in sorted(d.kinds)), encoding="utf-8")
    print(f"{len(d.kinds)} names → {out}")


if __name__ == "__main__":  # pragma: no cover
    main()
