"""Geography of the org tree: a boundary per node (grids, natural villages, and optionally the
levels above) and a point per household, all in WGS-84 degrees (CGCS2000 agrees to centimetres).

Boundaries are GeoJSON geometries in a JSON column plus a bounding box in four indexed float
columns: the same schema on SQLite and PostgreSQL, the bbox filters coarsely in SQL and shapely
(GEOS) answers containment exactly in memory (see docs/architecture.md, "Places and maps").
They live in their own tables rather than as columns of OrgNode/Household so that the geography
can be imported, replaced and dropped without touching the tree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode
from yizuyihui.people.models import Household


class Boundary(models.Model):
    node = models.OneToOneField(OrgNode, on_delete=models.CASCADE, related_name="boundary", verbose_name=_("node"))
    # A GeoJSON Polygon or MultiPolygon, longitude first, WGS-84; validated before it is stored.
    geometry = models.JSONField(_("geometry"))
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    # Centre for labels and for demo points; a representative point (always inside the polygon).
    label_lon = models.FloatField()
    label_lat = models.FloatField()
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")
        indexes = [models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="boundary_bbox")]

    def __str__(self) -> str:
        return str(self.node)


class HouseholdPoint(models.Model):
    household = models.OneToOneField(Household, on_delete=models.CASCADE, primary_key=True, related_name="point",
                                     verbose_name=_("household"))
    lat = models.FloatField(_("latitude"))
    long = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("household location")
        verbose_name_plural = _("household locations")
        indexes = [models.Index(fields=["lat", "long"], name="household_point_latlong")]
