"""Scope-matrix entries for the resources app (merged by tests/accounts/test_scope_matrix.py).

"+" members: the resident drawn into a matter of unit D (another street) opens that matter and
its "+" page; the property company and dispatched volunteers are covered in tests/resources."""

from __future__ import annotations

from django.urls import reverse
from scope import ALL, MANAGERS_OVER_A, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

# Managers of a unit-A matter (cases.rules.can_manage_case): they draw people in and dispatch teams.
RUN_A = frozenset({"city_admin", "district_official", "street_official", "community_cadre", "unit_leader"})
OVER_COMMUNITY = frozenset({"city_admin", "district_official", "department_handler", "street_official",
                            "community_cadre"})
BRANCH_OVER_COMMUNITY = frozenset({"city_admin", "district_official", "street_official", "community_cadre"})
OVER_VILLAGE = frozenset({"city_admin", "district_official", "department_handler", "street_official"})
KEEP_VILLAGE = frozenset({"city_admin", "district_official", "street_official"})


def _case(c, unit="unit_a", title="楼上漏水邻里纠纷"):
    from yizuyihui.cases import services as case_services

    return case_services.case_file(unit=getattr(c, unit), actor=c.users["city_admin"], title=title, description="",
                                   channel="visit", suggest=False, place="3号楼502")


def _case_with_plus_resident(c):
    """A unit-D matter with the resident of unit A drawn in as a "+" member (by unit D's street)."""
    from yizuyihui.resources import services

    case = _case(c, "unit_d", "和平一网格噪音纠纷")
    services.plus_member_draw(case=case, actor=c.users["outsider"], role="witness", source="resident",
                              person=c.residents["resident"])
    return case


def _property_case_of_building_head(c):
    """A property matter in unit D whose estate's company has the building head of unit A on its
    staff: the company (information sharing) sees and answers it, though unit D is not in their scope."""
    from yizuyihui.resources import services

    services.professional_register(actor=c.users["city_admin"], kind="property", name="和平物业", node=c.unit_d.node.get_parent(),
                                   estates=[c.unit_d], staff=[c.residents["building_head"]])
    return _case(c, "unit_d", "小区物业电梯停运")


def _team(c, with_resident=False):
    from yizuyihui.resources import services

    team = services.team_create(actor=c.users["community_cadre"], node=c.community, name="幸福助老队",
                                service_type="elder_care")
    services.volunteer_join(team=team, actor=c.users["community_cadre"], person=c.residents["council_member"],
                            leader=True)
    if with_resident:
        services.volunteer_join(team=team, actor=c.users["community_cadre"], person=c.residents["resident"])
    return team


def _need(c):
    from yizuyihui.resources import services

    return services.need_create(unit=c.unit_a, actor=c.users["unit_leader"], service_type="elder_care",
                                title="独居老人送餐", address="幸福一网格12号")


def _registration(c):
    from yizuyihui.resources import services

    return services.registration_register(person=c.residents["outsider"], actor=c.users["outsider"], kind="in_service",
                                          node=c.community, employer="市财政局", services=["legal"], availability=7)


def _pro(c):
    from yizuyihui.resources import services

    return services.professional_register(actor=c.users["community_cadre"], kind="property", name="幸福物业",
                                          node=c.community, estates=[c.unit_a])


def _outside(c):
    from yizuyihui.resources import services

    return services.outside_member_register(village=c.village, actor=c.users["city_admin"], name="李乡贤", where="深圳",
                                            what="电商", contact="13811112222", consent=True)


def _link(c):
    """An outside member's personal link (issued by a cadre of 桃园村)."""
    from yizuyihui.people.services import person_create, post_grant, user_create
    from yizuyihui.resources import services

    member = _outside(c)
    cadre = user_create(username="taoyuan_cadre", password="x-pass-2026",
                        person=person_create(name="桃园村干部", gender="F", node=c.village))
    post_grant(user=cadre, role="community_cadre", node=c.village)
    return reverse("resources:outside_link", args=[services.outside_member_link_issue(member=member, actor=cadre)])


ROUTES = {
    "resources:index": lambda c: [Probe(reverse("resources:index"), ALL)],
    "resources:my_matters": lambda c: [Probe(reverse("resources:my_matters"), ALL)],
    "resources:matter": lambda c: [
        Probe(reverse("resources:matter", args=[_case(c).pk]), OVER_UNIT_A),
        Probe(reverse("resources:matter", args=[_case_with_plus_resident(c).pk]), OVER_UNIT_D | {"resident"}),
        Probe(reverse("resources:matter", args=[_property_case_of_building_head(c).pk]),
              OVER_UNIT_D | {"building_head"}),
    ],
    "resources:matter_act": lambda c: [
        Probe(reverse("resources:matter_act", args=[_case(c).pk, "note"]), RUN_A, method="post",
              data={"text": "已联系双方"}),
        Probe(reverse("resources:matter_act", args=[_case(c).pk, "draw"]), RUN_A, method="post",
              data={"name": "邻居", "source": "resident", "role": "witness"}),
        # The "+" resident may add notes to the one matter they were drawn into.
        Probe(reverse("resources:matter_act", args=[_case_with_plus_resident(c).pk, "note"]),
              frozenset({"city_admin", "district_official", "outsider", "resident"}), method="post",
              data={"text": "我看到了"}),
        # Only the property company of the estate answers as the company.
        Probe(reverse("resources:matter_act", args=[_property_case_of_building_head(c).pk, "answer"]),
              frozenset({"building_head"}), method="post", data={"text": "明早修复"}),
    ],
    "resources:teams": lambda c: [Probe(reverse("resources:teams"), ALL)],
    "resources:team": lambda c: [Probe(reverse("resources:team", args=[_team(c, with_resident=True).pk]),
                                       OVER_COMMUNITY | {"resident", "council_member"})],
    # The community's managers and the leader (council_member) keep the team.
    "resources:team_act": lambda c: [
        Probe(reverse("resources:team_act", args=[_team(c).pk, "join"]),
              BRANCH_OVER_COMMUNITY | {"council_member"}, method="post", data={"person": c.residents["building_head"].pk}),
    ],
    "resources:team_create": lambda c: [
        Probe(reverse("resources:team_create"), BRANCH_OVER_COMMUNITY, method="post",
              data={"node": c.community.pk, "name": "幸福环境队", "service_type": "environment"}),
    ],
    "resources:needs": lambda c: [Probe(reverse("resources:needs"), STAFF)],
    "resources:need_create": lambda c: [
        Probe(reverse("resources:need_create"), MANAGERS_OVER_A, method="post",
              data={"unit": c.unit_a.pk, "service_type": "elder_care", "title": "独居老人送餐"}),
    ],
    # Dispatching a unit's need: the managers over the unit (the team of its district, by the matching).
    "resources:need_act": lambda c: [
        Probe(reverse("resources:need_act", args=[_need(c).pk, "dispatch"]), MANAGERS_OVER_A, method="post",
              data={"team": _team(c).pk}),
    ],
    "resources:professional_create": lambda c: [
        Probe(reverse("resources:professional_create"), BRANCH_OVER_COMMUNITY, method="post",
              data={"kind": "police", "name": "王警官", "node": c.community.pk, "person_name": "王警官"}),
    ],
    "resources:professional": lambda c: [Probe(reverse("resources:professional", args=[_pro(c).pk]), OVER_COMMUNITY)],
    "resources:professional_act": lambda c: [
        Probe(reverse("resources:professional_act", args=[_pro(c).pk, "deactivate"]), BRANCH_OVER_COMMUNITY,
              method="post"),
    ],
    # The outside member's personal link: whoever holds it (no login), and nobody with a wrong one.
    "resources:outside_link": lambda c: [
        Probe(_link(c), ALL, anonymous_ok=True, secrets=("13811112222",)),
        Probe(reverse("resources:outside_link", args=["x" * 32]), frozenset()),
    ],
    "api:resources_teams": lambda c: [Probe("/api/resources/teams", ALL)],
    "api:resources_team": lambda c: [Probe(f"/api/resources/teams/{_team(c, with_resident=True).pk}",
                                           OVER_COMMUNITY | {"resident", "council_member"}
                                           )],
    "api:resources_needs": lambda c: [Probe("/api/resources/needs", STAFF)],
    "api:resources_need_create": lambda c: [
        Probe("/api/resources/needs", MANAGERS_OVER_A, method="post", json=True,
              data={"unit_id": c.unit_a.pk, "service_type": "elder_care", "title": "助老送餐"}),
    ],
    "api:resources_need_suggestions": lambda c: [
        Probe(f"/api/resources/needs/{_need(c).pk}/suggestions", OVER_UNIT_A)],
    "api:resources_need_dispatch": lambda c: [
        Probe(f"/api/resources/needs/{_need(c).pk}/dispatch", MANAGERS_OVER_A, method="post", json=True,
              data={"team_id": _team(c).pk}, state_errors_ok=True),
    ],
    "api:resources_offers": lambda c: [Probe(f"/api/resources/board/{c.village.pk}/offers", OVER_VILLAGE)],
    "api:resources_offer_create": lambda c: [
        Probe(f"/api/resources/board/{c.village.pk}/offers", KEEP_VILLAGE, method="post", json=True,
              data={"member_id": _outside(c).pk, "kind": "sales", "title": "网店代销"}),
    ],
    "resources:need": lambda c: [Probe(reverse("resources:need", args=[_need(c).pk]), OVER_UNIT_A)],
    "resources:professionals": lambda c: [Probe(reverse("resources:professionals"), STAFF)],
    "resources:register": lambda c: [Probe(reverse("resources:register"), ALL)],
    "resources:registrations": lambda c: [Probe(reverse("resources:registrations"), STAFF)],
    "resources:registration_act": lambda c: [
        Probe(reverse("resources:registration_act", args=[_registration(c).pk, "confirm"]), BRANCH_OVER_COMMUNITY,
              method="post"),
    ],
    "resources:registration_reports": lambda c: [Probe(reverse("resources:registration_reports"), STAFF)],
    "resources:board": lambda c: [
        Probe(reverse("resources:board", args=[c.village.pk]), OVER_VILLAGE),
        Probe(reverse("resources:board", args=[c.unit_e.node.get_parent().pk]), frozenset({"city_admin"})),
    ],
    "resources:board_act": lambda c: [
        Probe(reverse("resources:board_act", args=[c.village.pk, "need"]), KEEP_VILLAGE, method="post",
              data={"kind": "sales", "title": "桃子滞销"}),
    ],
    "resources:measures": lambda c: [Probe(reverse("resources:measures"), STAFF)],
}
