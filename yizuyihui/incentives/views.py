"""Thin views: parse input, check permission, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yizuyihui.accounts.roles import BRANCH_ROLES, is_staff, resident_unit
from yizuyihui.accounts.scope import role_paths
from yizuyihui.core.errors import ServiceError, ServiceForbidden
from yizuyihui.incentives import rules, selectors, services
from yizuyihui.incentives.models import CapPeriod, PointEvent, Redemption, Reward
from yizuyihui.org.models import Level, OrgNode, Unit


def _done(request, fn, ok: str) -> bool:
    try:
        fn()
    except ServiceForbidden as e:
        raise PermissionDenied(str(e)) from e
    except ServiceError as e:
        messages.error(request, str(e))
        return False
    messages.success(request, ok)
    return True


@login_required
def my_points(request):
    """积分 on the resident's phone: balance, what earned it, the community's rewards."""
    return render(request, "incentives/points.html", selectors.my_points(user=request.user))


@login_required
@require_POST
def redeem(request, pk: int):
    reward = get_object_or_404(Reward.objects.select_related("node"), pk=pk)
    if not rules.can_redeem_at(request.user, reward.node):
        raise PermissionDenied
    _done(request, lambda: services.reward_redeem(reward=reward, actor=request.user),
          _("Redeemed: collect it at the community"))
    return redirect("incentives:points")


@login_required
def point_rules(request):
    if not rules.can_edit_point_rules(request.user):
        raise PermissionDenied
    if request.method == "POST":
        p = request.POST
        _done(request, lambda: services.point_rule_save(actor=request.user, event=p.get("event", ""),
                                                        points=p.get("points"), cap=p.get("cap"),
                                                        period=p.get("period", CapPeriod.MONTH),
                                                        active=p.get("active") == "on"), _("Saved"))
        return redirect("incentives:rules")
    current = {r.event: r for r in selectors.rules_all()}
    return render(request, "incentives/rules.html", {
        "rows": [(value, label, current.get(value)) for value, label in PointEvent.choices],
        "periods": CapPeriod.choices})


@login_required
def rewards(request):
    """The community's rewards and redemptions to hand over."""
    if not is_staff(request.user):
        raise PermissionDenied
    if request.method == "POST":
        p = request.POST
        if p.get("action") == "hand_over":
            red = get_object_or_404(Redemption.objects.select_related("reward__node"), pk=p.get("redemption") or 0)
            _done(request, lambda: services.redemption_hand_over(redemption=red, actor=request.user), _("Given out"))
        else:
            node = get_object_or_404(OrgNode, pk=p.get("node") or 0)
            _done(request, lambda: services.reward_create(actor=request.user, node=node, name=p.get("name", ""),
                                                          cost=p.get("cost"), stock=p.get("stock")), _("Saved"))
        return redirect("incentives:rewards")
    paths = role_paths(request.user, BRANCH_ROLES)
    places = []
    if paths:
        q = Q()
        for path in paths:
            q |= Q(path__startswith=path)
        places = list(OrgNode.objects.filter(q, level__in=(Level.COMMUNITY, Level.VILLAGE)).order_by("path")[:50])
    return render(request, "incentives/rewards.html", {
        "rewards": selectors.rewards_in_scope(user=request.user)[:200],
        "redemptions": selectors.redemptions_in_scope(user=request.user), "places": places})


@login_required
def board(request, unit_id: int):
    """事事有回应: the unit's monthly digest and public notices, for its public board (residents of
    the unit and staff over it, as cases' public board)."""
    unit = get_object_or_404(Unit.objects.select_related("node"), pk=unit_id)
    own = resident_unit(request.user)
    if not (request.user.has_perm("org.view_unit", unit) or (own is not None and own.pk == unit.pk)):
        raise PermissionDenied
    return render(request, "incentives/board.html", {
        "unit": unit, "digest": selectors.unit_digest(unit=unit, month=request.GET.get("month", ""))})
