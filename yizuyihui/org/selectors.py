"""Reads over the org tree and units, limited to the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yizuyihui.accounts.scope import scope_q, user_scope
from yizuyihui.org.models import OrgNode, Unit

UNIT_SORTS = {
    "name": "name",
    "embedding": "embedding_degree",
    "-embedding": "-embedding_degree",
    "party_share": "council_party_share",
    "-party_share": "-council_party_share",
    "households": "households",
    "-households": "-households",
}


def nodes_visible_to(user) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(scope_q(user, field=""))


def node_children_visible_to(*, user, node: OrgNode) -> QuerySet[OrgNode]:
    return nodes_visible_to(user).filter(path__startswith=node.path, depth=node.depth + 1).order_by("path")


def units_visible_to(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, "node")).select_related("node")


def unit_list(*, user, under: OrgNode | None = None, sort: str = "name", q: str = "") -> QuerySet[Unit]:
    qs = units_visible_to(user)
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    if q:
        qs = qs.filter(name__contains=q[:50])
    return qs.order_by(UNIT_SORTS.get(sort, "name"), "pk")


def breadcrumbs(*, user, node: OrgNode) -> list[OrgNode]:
    """Ancestors the user may open (the ones above their scope are shown as plain text by the view)."""
    scope = user_scope(user)
    return [n for n in [*node.get_ancestors(), node] if scope.covers(n.path)]


@dataclass(frozen=True)
class EmbeddingAdvice:
    self_governance: float  # 0..1, higher = stronger self-governance
    workload: float  # households per Party-group member
    recommended: str  # "strong" | "moderate" | "weak"
    mismatch: bool
    message: str


# Thresholds of the recommendation (DOMAIN §3): strong embedding where self-governance is weak
# and the workload heavy; weak embedding where resources are rich and the workload light.
HEAVY_WORKLOAD = 60  # households per Party-group member
STRONG_EMBEDDING = 0.6
WEAK_EMBEDDING = 0.4


def embedding_advice(unit: Unit) -> EmbeddingAdvice:
    """Self-governance strength grows with an elected council of ordinary residents: a full
    council (10 seats) whose members are not all Party members scores high."""
    fullness = min(unit.council_size / 10, 1.0)
    non_party = 1 - unit.council_party_share
    strength = round(0.5 * fullness + 0.5 * non_party, 3)
    workload = round(unit.households / unit.party_group_size, 1) if unit.party_group_size else float(unit.households)
    heavy = workload > HEAVY_WORKLOAD
    if strength < 0.5 or heavy:
        recommended = "strong"
    elif strength >= 0.6 and not heavy:
        recommended = "weak"
    else:
        recommended = "moderate"
    mismatch = (recommended == "strong" and unit.embedding_degree < WEAK_EMBEDDING) or (
        recommended == "weak" and unit.embedding_degree > 0.8
    )
    messages = {
        "strong": _("Weak self-governance or heavy workload: embed deeply (more Party-group members on the council)."),
        "weak": _("Strong self-governance and light workload: a lighter embedding leaves room to the council."),
        "moderate": _("Balanced: keep the present embedding."),
    }
    return EmbeddingAdvice(strength, workload, recommended, mismatch, str(messages[recommended]))


def scope_root_nodes(user) -> list[OrgNode]:
    """The top nodes of the user's scope (the roots of the tree for a city-wide scope)."""
    scope = user_scope(user)
    if scope.everything:
        return list(OrgNode.get_root_nodes())
    return list(OrgNode.objects.filter(path__in=scope.paths).order_by("path"))


def embedding_by_child(children) -> dict[int, tuple[float | None, int]]:
    """嵌入度 for the /org/ page: for each child node, the mean embedding degree of the units under
    it and how many units there are, in one grouped query over the path prefix."""
    from django.db.models import Avg, Count
    from django.db.models.functions import Substr

    children = list(children)
    if not children:
        return {}
    length = len(children[0].path)
    by_path = {c.path: c.pk for c in children}
    rows = (Unit.objects.filter(node__path__startswith=children[0].path[:length - children[0].steplen])
            .annotate(prefix=Substr("node__path", 1, length)).filter(prefix__in=list(by_path))
            .values("prefix").order_by("prefix").annotate(avg=Avg("embedding_degree"), n=Count("pk")))
    return {by_path[r["prefix"]]: (r["avg"], r["n"]) for r in rows}
