"""People, households, memberships of the unit's bodies, posts and 三报到 registrations (DOMAIN §3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.crypto import EncryptedNumberField, lookup_hash


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class HouseholdCategory(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    KEY_ASSISTANCE = "key", _("Key assistance")
    SPECIAL = "special", _("Special")


class Household(models.Model):
    # 户号 as the city's register knows it: the key a re-import updates by (blank for households
    # made by hand). db_default so the bulk loaders that name their columns need not list it.
    number = models.CharField(_("household number"), max_length=30, blank=True, default="", db_default="", db_index=True)
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="households", verbose_name=_("node"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="household_set", verbose_name=_("unit"))
    address = models.CharField(_("address"), max_length=200)
    category = models.CharField(
        _("category"), max_length=10, choices=HouseholdCategory.choices, default=HouseholdCategory.ORDINARY
    )
    size = models.PositiveSmallIntegerField(_("members"), default=1)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        indexes = [models.Index(fields=["unit", "category"])]
        constraints = [models.UniqueConstraint(fields=["number"], condition=~models.Q(number=""),
                                               name="household_number_unique")]

    def __str__(self) -> str:
        return self.address


class OutsideKind(models.TextChoices):
    WORK = "work", _("Works elsewhere")
    TRADE = "trade", _("Trades elsewhere")
    STUDY = "study", _("Studies elsewhere")


class PersonQuerySet(models.QuerySet):
    def with_phone(self, phone: str):
        value = lookup_hash(phone)
        return self.filter(phone_hash=value) if value else self.none()

    def with_id_number(self, id_number: str):
        value = lookup_hash(id_number)
        return self.filter(id_number_hash=value) if value else self.none()


class Relation(models.TextChoices):
    """与户主关系 as the household register writes it."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER = "other", _("Other")


class Person(models.Model):
    name = models.CharField(_("name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    # Personal data: shown masked except to roles that need it (people.masking), never logged,
    # encrypted at rest; looked up by keyed hash (people/crypto.py).
    id_number = EncryptedNumberField(_("ID card number"), max_length=18, blank=True)
    phone = EncryptedNumberField(_("phone"), max_length=20, blank=True)
    # Indexed in Meta, not with db_index: on PostgreSQL db_index also builds a LIKE (pattern_ops) index,
    # useless for a hash and as costly to keep up as the index itself (a city import inserts millions).
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    is_migrant = models.BooleanField(_("migrant"), default=False)
    node = models.ForeignKey(
        OrgNode, on_delete=models.PROTECT, related_name="persons", verbose_name=_("home node"),
        help_text=_("The grid or natural village the person belongs to"),
    )
    household = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="members", verbose_name=_("household")
    )
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices, blank=True,
                                default="", db_default="")
    occupation = models.CharField(_("occupation"), max_length=50, blank=True)
    # Outside members (外出务工经商求学人员) stay linked to their home unit (DOMAIN §7).
    outside_kind = models.CharField(_("outside"), max_length=10, choices=OutsideKind.choices, blank=True)
    outside_place = models.CharField(_("where outside"), max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["id_number_hash"], name="person_id_number_hash"),
                   models.Index(fields=["phone_hash"], name="person_phone_hash")]

    def save(self, *args, **kwargs):
        # The lookup hashes are part of the row's data: they follow the numbers on every save.
        self.id_number_hash, self.phone_hash = lookup_hash(self.id_number), lookup_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"id_number": "id_number_hash", "phone": "phone_hash"}
            kwargs["update_fields"] = set(update_fields) | {extra[f] for f in update_fields if f in extra}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name


class Body(models.TextChoices):
    PARTY_GROUP = "party_group", _("Party group")
    COUNCIL = "council", _("Council")
    PLUS = "plus", _("Temporary “+” member")


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Leader")  # 组长 of the Party group
    HEAD = "head", _("Head")  # 会长 of the council
    MEMBER = "member", _("Member")


class Identity(models.TextChoices):
    """Identity tags of council and Party-group members (DOMAIN §3)."""

    CADRE = "cadre", _("Cadre")
    PARTY_REP = "party_rep", _("Party-member representative")
    MASS_REP = "mass_rep", _("Mass representative")
    WOMEN_REP = "women_rep", _("Women's representative")
    RICH_EXPERT = "rich_expert", _("Expert in getting rich")
    COOP_REP = "coop_rep", _("Cooperative representative")
    VILLAGE_COMMITTEE = "village_committee", _("Village committee member")
    GRAIN_GROWER = "grain_grower", _("Large grain grower")
    ELDER = "elder", _("Retired cadre or teacher")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    IN_SERVICE = "in_service", _("In-service Party member")
    BUILDING_HEAD = "building_head", _("Building head")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee head")
    PROPERTY_REP = "property_rep", _("Property company representative")
    AREA_UNIT_REP = "area_unit_rep", _("Representative of a unit in the area")
    GRID_WORKER = "grid_worker", _("Grid worker")
    POLICE = "police", _("Community police")
    VETERAN = "veteran", _("Veteran")
    ENTREPRENEUR = "entrepreneur", _("Returned entrepreneur")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    LAWYER = "lawyer", _("Legal adviser")
    VOLUNTEER = "volunteer", _("Volunteer")
    OFFICIAL = "official", _("Official sent down")
    RESIDENT = "resident", _("Resident concerned")


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("unit"))
    body = models.CharField(_("body"), max_length=12, choices=Body.choices)
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    identity = models.CharField(_("identity"), max_length=20, choices=Identity.choices, blank=True)
    # A "+" member is drawn in for one purpose (a matter, a meeting, an emergency).
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    started = models.DateField(_("since"), null=True, blank=True)
    ended = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["unit", "body"])]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "body"],
                condition=models.Q(ended__isnull=True) & ~models.Q(body="plus"),
                name="one_active_seat_per_body",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_body_display()}"


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    BUILDING_HEAD = "building_head", _("Building head")
    GRID_WORKER = "grid_worker", _("Grid worker")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    COUNCIL_MEMBER = "council_member", _("Council member")
    COMMUNITY_CADRE = "community_cadre", _("Community cadre")
    STREET_OFFICIAL = "street_official", _("Street/township official")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    DISTRICT_OFFICIAL = "district_official", _("District/county official")
    CITY_ADMIN = "city_admin", _("City administrator")


class Post(models.Model):
    """A role held at an org node: the holder acts within that node's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="posts", verbose_name=_("node"))
    department = models.CharField(_("department"), max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [models.UniqueConstraint(fields=["user", "role", "node"], name="one_post_per_role_node")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.node}"


class RegistrationKind(models.TextChoices):
    """三报到: who registers where."""

    CITY_SECRETARY = "city_secretary", _("City Party secretary")
    COUNTY_SECRETARY = "county_secretary", _("County Party secretary")
    TOWNSHIP_SECRETARY = "township_secretary", _("Township Party secretary")
    IN_SERVICE = "in_service", _("In-service Party member of a government organ")


class Registration(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="registrations")
    kind = models.CharField(_("kind"), max_length=20, choices=RegistrationKind.choices)
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("registered at"))
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    registered_on = models.DateField(_("registered on"))

    class Meta:
        verbose_name = _("三报到 registration")
        verbose_name_plural = _("三报到 registrations")
