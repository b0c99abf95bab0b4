"""The organisation tree (组织体系) and its units (一组一会).

city 市 → district 区 / county 县 → street 街道 / township 乡镇 → community 社区 / administrative
village 行政村 → grid 网格 / natural village 自然村 (→ optional building 楼栋).

The tree is a treebeard materialised path: a scope is a path prefix, so "everything under this
node" is one indexed `path LIKE 'prefix%'` query (ARCHITECTURE.md, "Scope and permission").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Level(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    STREET = "street", _("Street")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Administrative village")
    GRID = "grid", _("Grid")
    NATURAL_VILLAGE = "natural_village", _("Natural village")
    BUILDING = "building", _("Building")


# Which levels may sit under which: the shape DOMAIN.md §2 prescribes.
CHILD_LEVELS: dict[str, set[str]] = {
    Level.CITY: {Level.DISTRICT, Level.COUNTY},
    Level.DISTRICT: {Level.STREET, Level.TOWNSHIP},
    Level.COUNTY: {Level.STREET, Level.TOWNSHIP},
    Level.STREET: {Level.COMMUNITY, Level.VILLAGE},
    Level.TOWNSHIP: {Level.COMMUNITY, Level.VILLAGE},
    Level.COMMUNITY: {Level.GRID},
    Level.VILLAGE: {Level.NATURAL_VILLAGE},
    Level.GRID: {Level.BUILDING},
    Level.NATURAL_VILLAGE: {Level.BUILDING},
    Level.BUILDING: set(),
}
UNIT_LEVELS = {Level.GRID, Level.NATURAL_VILLAGE}
# Tier of mediation (DOMAIN §4) ↔ the level that handles it.
TIER2_LEVELS = {Level.COMMUNITY, Level.VILLAGE}
TIER3_LEVELS = {Level.STREET, Level.TOWNSHIP}
LEVEL_DEPTH = {
    Level.CITY: 1,
    Level.DISTRICT: 2,
    Level.COUNTY: 2,
    Level.STREET: 3,
    Level.TOWNSHIP: 3,
    Level.COMMUNITY: 4,
    Level.VILLAGE: 4,
    Level.GRID: 5,
    Level.NATURAL_VILLAGE: 5,
    Level.BUILDING: 6,
}


class OrgNode(MP_Node):
    # 4 characters per level: up to 1.6 M children under one parent, paths of at most 24 characters.
    steplen = 4

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("Stable identifier used by imports"))
    is_urban = models.BooleanField(_("urban"), default=True)

    class Meta:
        verbose_name = _("organisation node")
        verbose_name_plural = _("organisation nodes")
        indexes = [models.Index(fields=["level", "path"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unit_level(self) -> bool:
        return self.level in UNIT_LEVELS

    def ancestor_at(self, levels: set[str]) -> OrgNode | None:
        """The nearest node at or above this one whose level is in `levels`."""
        if self.level in levels:
            return self
        for node in reversed(self.get_ancestors()):
            if node.level in levels:
                return node
        return None

    def ancestor_paths(self) -> list[str]:
        """Paths of this node and all its ancestors (cheap: computed from the path string)."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth + 1)]


class UnitKind(models.TextChoices):
    URBAN = "urban", _("Urban grid")
    RURAL = "rural", _("Rural natural village")


class Unit(models.Model):
    """一组一会: one Party group plus one council at a grid or natural village."""

    node = models.OneToOneField(OrgNode, on_delete=models.PROTECT, related_name="unit", verbose_name=_("node"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    # Rollups written by org.services.unit_refresh_measures so lists over thousands of units sort
    # in SQL instead of recomputing membership overlaps per row.
    party_group_size = models.PositiveSmallIntegerField(default=0)
    council_size = models.PositiveSmallIntegerField(default=0)
    embedding_degree = models.FloatField(_("embedding degree"), default=0.0)
    council_party_share = models.FloatField(_("Party share of the council"), default=0.0)
    one_shoulder = models.BooleanField(_("一肩挑"), default=False)
    households = models.PositiveIntegerField(default=0)
    residents = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("unit (一组一会)")
        verbose_name_plural = _("units (一组一会)")

    def __str__(self) -> str:
        return self.name

    @property
    def council_label(self) -> str:
        return _("Residents' council") if self.kind == UnitKind.URBAN else _("Villagers' council")
