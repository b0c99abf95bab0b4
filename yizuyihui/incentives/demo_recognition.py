"""Demo content for honours and thank-you letters, made through the services: the default titles,
last quarter's letters from the communities where officials registered (三报到), and this year's
honours proposed in the communities whose residents hold points, the first of each unit confirmed."""

from __future__ import annotations

from django.utils import timezone

from yizuyihui.accounts.roles import COMMUNITY_STREET_ROLES
from yizuyihui.incentives import honours, letters, rules
from yizuyihui.incentives.models import PointAccount
from yizuyihui.incentives.periods import default_letter_quarter
from yizuyihui.incentives.recognition import Honour, HonourPeriod, HonourStatus, ThankYouLetter
from yizuyihui.org.models import Level, OrgNode
from yizuyihui.people.models import Post
from yizuyihui.resources import selectors as resource_selectors

COMMUNITIES = 20  # a sample: every community is done the same way


def _issuer(admin, node):
    """Who acts for the node: the administrator if a superuser, else its cadre or the street's official."""
    if rules.can_issue_for(admin, node):
        return admin
    ancestors = [node.path[:i] for i in range(4, len(node.path) + 1, 4)]
    post = (Post.objects.filter(role__in=COMMUNITY_STREET_ROLES, active=True, node__path__in=ancestors)
            .select_related("user").order_by("-node__depth").first())
    return post.user if post is not None else None


def generate(*, admin, progress) -> None:
    titles = honours.honour_titles_default()
    quarter = default_letter_quarter()
    registered = sorted({r.node.path for r in resource_selectors.confirmed_registrations(path="")})
    for node in OrgNode.objects.filter(path__in=registered, level__in=rules.ISSUER_LEVELS).order_by("path")[:COMMUNITIES]:
        actor = _issuer(admin, node)
        if actor is not None:
            letters.letters_issue(actor=actor, node=node, quarter=quarter.key)
    progress("incentives letters", ThankYouLetter.objects.count())
    paths = set()
    for path in PointAccount.objects.values_list("person__node__path", flat=True)[:5000]:
        paths.update(path[:i] for i in range(4, len(path) + 1, 4))
    communities = OrgNode.objects.filter(path__in=paths, level__in=(Level.COMMUNITY, Level.VILLAGE)).order_by("path")
    year = str(timezone.localdate().year)
    for node in communities[:COMMUNITIES]:
        actor = _issuer(admin, node)
        if actor is None:
            continue
        for title in titles:
            honours.honours_propose(actor=actor, node=node, title=title,
                                    period=year if title.period == HonourPeriod.YEAR else quarter.key)
        for h in Honour.objects.filter(unit__node__path__startswith=node.path, status=HonourStatus.PROPOSED, rank=1,
                                       decided_at__isnull=True).select_related("unit__node"):
            honours.honour_confirm(actor=actor, honour=h)
    progress("incentives honours", Honour.objects.count())


def totals() -> dict[str, int]:
    return {"honours proposed": Honour.objects.count(),
            "honours confirmed": Honour.objects.filter(status=HonourStatus.CONFIRMED).count(),
            "thank-you letters": ThankYouLetter.objects.count()}
