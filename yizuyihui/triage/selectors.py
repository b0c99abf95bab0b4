"""Reads for likely duplicates (while filing) and widespread problems (民众普遍性问题, tier 3).

Both start from the viewer's scope: duplicates from the one unit the caller may file for;
widespread problems from a street/township, district or community where the viewer holds a
leading post. The text work is `triage.similarity` (pure Python, no Django).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from yizuyihui.accounts.roles import resident_unit
from yizuyihui.accounts.scope import role_paths
from yizuyihui.cases.models import OPEN_STATUSES, Case
from yizuyihui.org.models import Level, OrgNode
from yizuyihui.triage.models import WidespreadCluster, WidespreadScan
from yizuyihui.triage.rules import WIDESPREAD_ROLES, may_view_widespread

log = logging.getLogger(__name__)

# Open matters of one unit offered to `find_similar` (the newest first).
DUPLICATE_CANDIDATES = 300
# Open matters under one node offered to `cluster_hotspots` (the newest first): 2,000 take a few
# seconds on the shared machine; the result is cached and warmed by a periodic task.
HOTSPOT_MAX_MATTERS = 2000
HOTSPOT_TOP = 20
# A scope with up to this many open matters is clustered on the page's request when its matters
# changed (a second at most); bigger ones only by the periodic job (warm_hotspots).
COMPUTE_ON_REQUEST = 300
WARMED_LEVELS = [Level.CITY, Level.DISTRICT, Level.COUNTY, Level.STREET, Level.TOWNSHIP]
# Scopes with fewer open matters than this are clustered together with a fixed background sample of
# real messages, so that word weights (idf of the batch) mean something; see `_background`.
BACKGROUND_BELOW = 1000
BACKGROUND_SIZE = 400
# Characters of a matter's description offered to the duplicate search (after the title).
DUPLICATE_BODY_CHARS = 300


# --- likely duplicates -------------------------------------------------------------------------------
def filing_unit(user, unit_id: str | int | None = None):
    """The unit a duplicate search may look into: the one asked for, if the caller may file for it
    (staff over it, or a resident of it), else the caller's own unit. None if neither."""
    from yizuyihui.org.models import Unit

    if unit_id not in (None, ""):
        try:
            unit = Unit.objects.select_related("node").get(pk=int(unit_id))
        except (Unit.DoesNotExist, TypeError, ValueError):
            return None
        return unit if user.has_perm("cases.file_for_unit", unit) else None
    unit = resident_unit(user)
    return unit if unit is not None and user.has_perm("cases.file_for_unit", unit) else None


@dataclass
class Duplicate:
    """What the filing page shows of a likely duplicate: no personal data."""

    pk: int
    title: str
    status: str
    status_label: str
    filed_at: dt.datetime
    supporters: int
    similarity: float
    supported: bool = False  # the caller already supports it


def likely_duplicates(*, user, unit, title: str, description: str = "", limit: int = 5) -> list[Duplicate]:
    """Open matters of `unit` that say what the caller is typing, best first.

    The caller must be allowed to file for `unit` (see `filing_unit`); only the title, status,
    filing date and number of supporters of each matter leave this function."""
    from yizuyihui.triage.similarity import find_similar

    text = f"{title or ''}\n{description or ''}".strip()
    if unit is None or len(text) < 4:
        return []
    rows = list(Case.objects.filter(unit=unit, status__in=OPEN_STATUSES)
                .order_by("-filed_at", "-pk").values_list("pk", "title", "description")[:DUPLICATE_CANDIDATES])
    if not rows:
        return []
    hits = find_similar(text, [(pk, f"{t}\n{(d or '')[:DUPLICATE_BODY_CHARS]}") for pk, t, d in rows], limit=limit)
    if not hits:
        return []
    score = dict(hits)
    cases = {c.pk: c for c in Case.objects.filter(pk__in=score).annotate(n_support=Count("supports"))
             .only("pk", "title", "status", "filed_at")}
    person = getattr(user, "person", None)
    mine = set(_supported_by(user, person, list(score)))
    out = []
    for pk, sim in hits:
        c = cases.get(pk)
        if c is None:
            continue
        out.append(Duplicate(pk=c.pk, title=c.title, status=c.status, status_label=c.get_status_display(),
                             filed_at=c.filed_at, supporters=c.n_support, similarity=sim, supported=pk in mine))
    return out


def _supported_by(user, person, case_ids: list[int]) -> list[int]:
    from yizuyihui.triage.models import CaseSupport

    q = Q(user=user, person__isnull=True)
    if person is not None:
        q |= Q(person=person)
    return list(CaseSupport.objects.filter(q, case_id__in=case_ids).values_list("case_id", flat=True))


# --- widespread problems (民众普遍性问题) ------------------------------------------------------------
def widespread_nodes(user) -> list[OrgNode]:
    """The nodes where the user may look for widespread problems (their leading posts)."""
    paths = role_paths(user, WIDESPREAD_ROLES)
    if "" in paths:
        return list(OrgNode.get_root_nodes())
    return list(OrgNode.objects.filter(path__in=paths).order_by("path"))


def widespread_choices(user, limit: int = 60) -> list[OrgNode]:
    """Roots of the viewer's widespread scope and the streets/townships (or communities) below them."""
    roots = widespread_nodes(user)
    out, seen = [], set()
    for root in roots:
        for node in [root, *root.get_descendants().filter(level__in=[Level.DISTRICT, Level.COUNTY, Level.STREET,
                                                                        Level.TOWNSHIP]).order_by("path")]:
            if node.pk not in seen:
                seen.add(node.pk)
                out.append(node)
            if len(out) >= limit:
                return out
    return out


@dataclass
class Problem:
    """A candidate widespread problem with its (still open) member matters."""

    rank: int
    label: str
    size: int
    spread: int
    score: float
    support: int
    first_time: dt.datetime | None
    last_time: dt.datetime | None
    member_ids: list[int]
    members: list[Case] = field(default_factory=list)

    @property
    def keywords(self) -> list[str]:
        return self.label.split()

    @property
    def below_tier3(self) -> int:
        return sum(1 for c in self.members if c.tier < 3)


def _open_under(node: OrgNode):
    return Case.objects.filter(unit__node__path__startswith=node.path, status__in=OPEN_STATUSES)


def _fingerprint(node: OrgNode) -> tuple[int, str]:
    """(open matters, fingerprint) under `node`: a new, closed or edited set of matters differs."""
    agg = _open_under(node).aggregate(n=Count("pk"), last=Max("pk"), filed=Max("filed_at"))
    filed = agg["filed"].timestamp() if agg["filed"] else 0
    return agg["n"], f"{agg['n']}:{agg['last'] or 0}:{filed:.0f}"


@functools.cache
def _background() -> tuple:
    """A fixed sample of real citizen messages (the shipped corpus), as HotspotItems with negative
    ids, no time and no unit. `cluster_hotspots` weighs words by their frequency in the batch: in
    a community with twenty open matters every word of a repeated complaint looks common, and the
    planted repeats were not found. Padding small batches with this background gives the words
    their ordinary weight; background messages never appear in a result."""
    import random

    from yizuyihui.triage.csvio import CsvError, read_rows
    from yizuyihui.triage.routing import DEFAULT_UNLABELLED_CSV
    from yizuyihui.triage.similarity import HotspotItem

    try:
        rows = read_rows(DEFAULT_UNLABELLED_CSV, ["留言主题", "留言详情"])
    except CsvError:
        log.warning("no background corpus for widespread problems", exc_info=True)
        return ()
    rows = random.Random(0).sample(rows, min(BACKGROUND_SIZE, len(rows)))
    return tuple(HotspotItem(id=-(i + 1), title=r["留言主题"], text=r["留言详情"][:300]) for i, r in enumerate(rows))


def compute_hotspots(node: OrgNode, *, top: int = HOTSPOT_TOP) -> list[dict]:
    """Cluster the open matters under `node` (no cache). Returns plain dicts (cacheable)."""
    from yizuyihui.triage.similarity import HotspotItem, cluster_hotspots

    rows = list(_open_under(node).annotate(n_support=Count("supports"))
                .order_by("-filed_at", "-pk").values_list("pk", "title", "description", "filed_at", "unit_id",
                                                           "n_support")[:HOTSPOT_MAX_MATTERS])
    if len(rows) < 2:
        return []
    items = [HotspotItem(id=pk, title=title, text=desc or "", time=filed, unit_id=unit_id, support=n)
             for pk, title, desc, filed, unit_id, n in rows]
    padded = len(items) < BACKGROUND_BELOW
    if padded:
        items += list(_background())
    out = []
    # background-only clusters are dropped below, so ask for more than `top`
    for h in cluster_hotspots(items, top=top * 3 if padded else top):
        members = [pk for pk in h.member_ids if pk > 0]
        if len(members) < 2:
            continue
        out.append({"rank": len(out) + 1, "label": h.label, "member_ids": members, "size": len(members),
                    "spread": h.spread, "score": h.score, "support": h.support, "first_time": h.first_time,
                    "last_time": h.last_time})
        if len(out) == top:
            break
    return out


def hotspots_store(node: OrgNode, *, top: int = HOTSPOT_TOP, force: bool = False) -> WidespreadScan:
    """Cluster the open matters under `node` and store the result (WidespreadScan and its
    WidespreadClusters); unless `force`, a scan whose matters have not changed is kept as it is."""
    n, fingerprint = _fingerprint(node)
    scan = WidespreadScan.objects.filter(node=node).first()
    if scan is not None and scan.fingerprint == fingerprint and not force:
        return scan
    found = compute_hotspots(node, top=top) if n >= 2 else []
    with transaction.atomic():
        scan, _created = WidespreadScan.objects.update_or_create(
            node=node, defaults={"computed_at": timezone.now(), "open_matters": n, "fingerprint": fingerprint})
        scan.clusters.all().delete()
        WidespreadCluster.objects.bulk_create([
            WidespreadCluster(scan=scan, rank=h["rank"], label=h["label"][:200], member_ids=h["member_ids"],
                              size=h["size"], spread=h["spread"], score=h["score"], support=h["support"],
                              first_time=h["first_time"], last_time=h["last_time"]) for h in found])
    return scan


def hotspots_scan(node: OrgNode, *, compute: bool = True) -> WidespreadScan | None:
    """The stored scan of `node`. With `compute`, a missing scan is made and a small scope's scan
    (up to COMPUTE_ON_REQUEST open matters when last counted) is checked against its matters and
    made again when they changed; a big scope's is only read (the job keeps it fresh)."""
    scan = WidespreadScan.objects.filter(node=node).first()
    if not compute:
        return scan
    if scan is None or scan.open_matters <= COMPUTE_ON_REQUEST:
        scan = hotspots_store(node)
    return scan


def ancestor_scan(node: OrgNode) -> WidespreadScan | None:
    """The stored scan of the nearest scope above `node` the job keeps (a community's street): its
    clusters, narrowed to the matters under `node`, are the community's problems."""
    paths = [node.path[:i] for i in range(node.steplen, len(node.path), node.steplen)]
    return (WidespreadScan.objects.filter(node__path__in=paths, node__level__in=WARMED_LEVELS)
            .order_by("-node__depth").first())


def cached_hotspots(node: OrgNode, *, top: int = HOTSPOT_TOP, compute: bool = True) -> list[dict] | None:
    """The stored clustering for `node` as plain dicts (see hotspots_scan); None if there is none
    and `compute` is off (home cards and the dashboard panel never cluster)."""
    scan = hotspots_scan(node, compute=compute)
    if scan is None:  # a scope the job does not keep: its street's clusters (narrowed by problems_from)
        scan = ancestor_scan(node)
    if scan is None:
        return None
    return [{"rank": c.rank, "label": c.label, "member_ids": c.member_ids, "size": c.size, "spread": c.spread,
             "score": c.score, "support": c.support, "first_time": c.first_time, "last_time": c.last_time}
            for c in scan.clusters.all()[:top]]


def problems_from(user, node: OrgNode, clusters) -> list[Problem]:
    """Problems from stored clusters (dicts or WidespreadCluster rows): members reloaded in one query,
    only those still open under `node`; a cluster left with fewer than two members is dropped."""
    rows = [c if isinstance(c, dict) else {"rank": c.rank, "label": c.label, "member_ids": c.member_ids,
                                           "score": c.score, "support": c.support, "first_time": c.first_time,
                                           "last_time": c.last_time} for c in clusters]
    ids = [pk for h in rows for pk in h["member_ids"]]
    # node: the escalate button's permission check reads each member's level (one query, not one per member).
    cases = {c.pk: c for c in _open_under(node).filter(pk__in=ids).select_related("unit", "node", "category")}
    out = []
    for h in rows:
        members = [cases[pk] for pk in h["member_ids"] if pk in cases]
        if len(members) < 2:
            continue
        out.append(Problem(rank=h["rank"], label=h["label"], size=len(members),
                           spread=len({c.unit_id for c in members}), score=h["score"], support=h["support"],
                           first_time=h["first_time"], last_time=h["last_time"],
                           member_ids=[c.pk for c in members], members=members))
    return out


def widespread_problems(*, user, node: OrgNode, top: int = HOTSPOT_TOP, compute: bool = True) -> list[Problem] | None:
    """Candidate widespread problems among the open matters under `node`, ranked by size, spread
    across units, recency and support. Members are reloaded (status and tier as of now) and
    limited to matters still open and in the viewer's view; clusters left with fewer than two
    members are dropped. [] if the viewer may not look at `node`."""
    if not may_view_widespread(user, node):
        return []
    raw = cached_hotspots(node, top=top, compute=compute)
    if raw is None:
        return None
    problems = problems_from(user, node, raw)
    for rank, p in enumerate(problems, start=1):
        p.rank = rank
    return problems


def widespread_count(*, user, node: OrgNode) -> int | None:
    """len(widespread_problems(compute=False)) for the home card, from the members' ids alone: the
    problems' member matters with their unit, level and category (a city's clusters: ~85 ms on every
    visit of a city admin's home page) are what the problems page shows, not what the card counts.
    None when no scan is stored."""
    if not may_view_widespread(user, node):
        return 0
    raw = cached_hotspots(node, compute=False)
    if raw is None:
        return None
    open_ids = set(_open_under(node).filter(pk__in=[pk for h in raw for pk in h["member_ids"]])
                   .values_list("pk", flat=True))
    return sum(1 for h in raw if sum(1 for pk in h["member_ids"] if pk in open_ids) >= 2)


def warm_hotspots() -> int:
    """Cluster the open matters of every scope the page opens on (city, districts/counties,
    streets/townships) whose matters changed since the last scan (periodic task); communities and
    villages are small and made on their first visit."""
    warmed = 0
    for node in OrgNode.objects.filter(level__in=WARMED_LEVELS).order_by("path"):
        try:
            before = WidespreadScan.objects.filter(node=node).values_list("fingerprint", flat=True).first()
            warmed += hotspots_store(node).fingerprint != before
        except Exception:  # one scope's failure must not stop the others
            log.exception("widespread problems for %s failed", node.pk)
    return warmed
