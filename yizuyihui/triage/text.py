"""Text normalisation and tokenisation shared by routing and similarity.

Pure Python (plus rjieba): no Django, no scikit-learn. The same functions are the
analyzers at training time and at prediction time, so the two cannot drift apart.
"""

from __future__ import annotations

import operator
import re
import threading
import unicodedata
from collections.abc import Iterable

# Words of the domain that jieba's dictionary would split (see GOTCHAS.md).
DOMAIN_WORDS: tuple[str, ...] = (
    "一组一会",
    "网格员",
    "网格长",
    "派单",
    "交办",
    "领单",
    "退单",
    "督办",
    "物业",
    "物业费",
    "业委会",
    "业主委员会",
    "理事会",
    "议事会",
    "党小组",
    "楼栋长",
    "自然村",
    "行政村",
    "公积金",
    "社保卡",
    "医保卡",
    "医保",
    "社保",
    "养老金",
    "低保",
    "廉租房",
    "公租房",
    "棚改",
    "网约车",
    "共享单车",
    "渣土车",
    "广场舞",
    "油烟",
    "噪音",
    "扰民",
    "拖欠工资",
    "农民工",
    "学位",
    "择校",
    "补课",
    "二胎",
    "计生",
    "不动产证",
    "房产证",
    "停车位",
    "垃圾站",
    "违建",
    "违章建筑",
)

# Function words and boilerplate of citizen messages: useless as hotspot key words.
STOPWORDS: frozenset[str] = frozenset(
    """
    的 了 是 在 我 我们 你 你们 他 他们 她 它 这 那 这个 那个 这些 那些 有 没有 和 与 及 或 也 都 就 还 又 很
    不 没 被 把 让 给 对 向 从 到 为 为了 因为 所以 但是 但 而 并 并且 如果 可以 能 能否 是否 什么 怎么
    怎么办 如何 为何 为什么 哪里 请问 请 希望 尽快 问题 情况 反映 关于 咨询 建议 要求 请求 投诉 举报
    领导 政府 部门 相关 有关 市民 居民 群众 百姓 老百姓 网友 您好 你好 谢谢 感谢 一下 一个 一些 现在
    已经 目前 今年 去年 每天 时候 事情 解决 处理 问 说 上 下 中 里 后 前 年 月 日 号 等 之 其 该 此
    万元 元 多 大 小 个 次 啊 吗 呢 吧 呀 哦 啦 请求解决 是不是 有没有 不能 不是 没有人 至今 一直 非常 严重
    以及 进行 造成 导致 相关部门 有关部门 给予 予以 希望政府 尊敬 你好领导 领导好 X市 X区 X县 X镇 X乡
    """.split()
)

_WS = re.compile(r"\s+")
# Masked places of the data (A市, A2区, K7县 …): the letter+digit says nothing about the topic.
_PLACE = re.compile(r"[A-Z]\d*(?=[市区县镇乡])")
_DIGITS = re.compile(r"\d+")
_PUNCT_ONLY = re.compile(r"^[\W_]+$")

_lock = threading.Lock()
_jieba = None


def normalise(text: str) -> str:
    """NFKC, no whitespace (nor NUL), masked place codes → X, digit runs → 0."""
    text = unicodedata.normalize("NFKC", text or "").replace("\x00", "")
    text = _WS.sub("", text)
    text = _PLACE.sub("X", text)
    return _DIGITS.sub("0", text)


def normalise_light(text: str) -> str:
    """NFKC and no whitespace; places and numbers kept (they tell duplicates apart)."""
    return _WS.sub("", unicodedata.normalize("NFKC", text or ""))


def message_text(title: str, detail: str, title_weight: int = 2) -> str:
    """One document from a message: the title (repeated; it is dense) then the detail."""
    title = (title or "").strip()
    detail = (detail or "").strip()
    if title and not title.endswith(("。", "！", "？", "!", "?")):
        title += "。"
    return title * title_weight + detail


def segmenter():
    """The process-wide rjieba instance with the domain words added."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import rjieba

                jb = rjieba.Jieba()
                for word in DOMAIN_WORDS:
                    jb.add_word(word, None, None)
                _jieba = jb
    return _jieba


def words(text: str) -> list[str]:
    """Words of a normalised text (punctuation dropped)."""
    return [w for w in segmenter().cut(text) if not _PUNCT_ONLY.match(w)]


def char_ngrams(text: str, lo: int = 1, hi: int = 3) -> list[str]:
    """Character n-grams lo..hi of a normalised text (the analyzer of the char block).

    Built with C-level `map(operator.add, …)`: this is the hot loop of routing."""
    out: list[str] = []
    grams: list[str] = list(text)
    for n in range(1, hi + 1):
        if n > 1:
            grams = list(map(operator.add, grams, text[n - 1 :]))
        if n >= lo:
            out.extend(grams)
    return out


def similarity_terms(doc: str) -> list[str]:
    """Features of a document for duplicates and hotspots: character bigrams and words
    (prefixed "w:", so they never clash). Also the terms whose document frequencies the
    routing artefact ships (see `routing.train`)."""
    grams = char_ngrams(doc, 2, 2)
    return grams + ["w:" + w for w in words(doc) if len(w) >= 2 or not w.isascii()]


def content_words(tokens: Iterable[str]) -> list[str]:
    """Tokens worth showing as key words: ≥ 2 characters, not stop words, not digits."""
    return [t for t in tokens if len(t) >= 2 and t not in STOPWORDS and not any(ch.isascii() for ch in t)]
