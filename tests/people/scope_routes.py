"""Scope-matrix entries for the people API (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from scope import OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe

# The register import: community cadres and officials above them, each over their own scope.
REGISTER = frozenset({"city_admin", "district_official", "street_official", "community_cadre", "outsider"})

ROUTES = {
    "people:import": lambda c: [Probe("/people/import/", REGISTER)],
    "people:import_template": lambda c: [Probe("/people/import/template.csv", REGISTER)],
    "api:list_persons": lambda c: [Probe("/api/people/persons", STAFF)],
    "api:get_person": lambda c: [
        Probe(f"/api/people/persons/{c.residents['resident'].pk}", OVER_UNIT_A),
        Probe(f"/api/people/persons/{c.residents['outsider'].pk}", OVER_UNIT_D),
    ],
}


# Rosters and posts: the branch (community cadre) and the levels above it, over their own units.
KEEPERS_OF_A = frozenset({"city_admin", "district_official", "street_official", "community_cadre"})
KEEPERS_OF_D = frozenset({"city_admin", "district_official", "outsider"})


def _newcomer(c):
    from yizuyihui.people.models import Person

    return Person.objects.create(name="新成员", gender="F", node=c.unit_a.node, is_party_member=True)


def _seat(c):
    from yizuyihui.people.models import Membership

    return Membership.objects.filter(unit=c.unit_a, body="council", person__name="议事会成员0").get()


def _grid_post(c):
    from yizuyihui.people.models import Post

    return Post.objects.get(user=c.users["grid_worker"])


ROUTES.update({
    "people:roster": lambda c: [Probe(f"/people/units/{c.unit_a.pk}/roster/", KEEPERS_OF_A),
                                Probe(f"/people/units/{c.unit_d.pk}/roster/", KEEPERS_OF_D)],
    "people:roster_search": lambda c: [Probe(f"/people/units/{c.unit_a.pk}/roster/search/?q=议事会", KEEPERS_OF_A)],
    "people:membership_add": lambda c: [Probe(f"/people/units/{c.unit_a.pk}/roster/add/", KEEPERS_OF_A, method="post",
                                              data={"body": "council", "person": _newcomer(c).pk, "confirmed": "1"})],
    "people:membership_end": lambda c: [Probe(f"/people/memberships/{_seat(c).pk}/end/", KEEPERS_OF_A, method="post",
                                              data={"confirmed": "1"})],
    "people:membership_move": lambda c: [Probe(f"/people/memberships/{_seat(c).pk}/move/", KEEPERS_OF_A)],
    "people:post_add": lambda c: [Probe(f"/people/units/{c.unit_a.pk}/posts/add/", KEEPERS_OF_A, method="post",
                                        data={"user_person": c.residents["resident"].pk, "role": "building_head"})],
    "people:post_end": lambda c: [Probe(f"/people/posts/{_grid_post(c).pk}/end/", KEEPERS_OF_A, method="post")],
    "people:post_move": lambda c: [Probe(f"/people/posts/{_grid_post(c).pk}/move/", KEEPERS_OF_A)],
})
