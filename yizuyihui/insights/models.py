"""Rollups of the closed-loop measures (issue 17): the dashboard reads these, never the matters.

A matter counts in the bucket of its unit and the local day it was filed (the measures are by
cohort of filing, DOMAIN §10). `CaseDayUnit` holds each unit's own bucket; `CaseDayTotal` the
materialised subtree totals per path prefix ("" = everything), so that any scope × period is a
sum over at most (scope roots × days) rows. `RollupDirty` is the queue of buckets to recompute:
each matter event adds one row (one small INSERT in the event's transaction); `rollups.refresh`
drains it (the job every minute, and the dashboard before reading)."""

from __future__ import annotations

from django.db import models


class _Counts(models.Model):
    day = models.DateField()
    filed = models.PositiveIntegerField(default=0)
    responded_in_time = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    settled_tier1 = models.PositiveIntegerField(default=0)
    settled_tier2 = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    was_overdue = models.PositiveIntegerField(default=0)
    # Sparse histograms {bucket: count} (see rollups.bucket) and the settled tiers {tier: count}.
    response_hist = models.JSONField(default=dict)
    resolution_hist = models.JSONField(default=dict)
    tiers = models.JSONField(default=dict)

    class Meta:
        abstract = True


class CaseDayUnit(_Counts):
    unit_id = models.BigIntegerField()
    path = models.CharField(max_length=255)  # the unit's node path when computed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "day"], name="casedayunit_unit_day")]


class CaseDayTotal(_Counts):
    """Subtree totals per path prefix: grain "d" per day, grain "m" per month (day = the 1st), so a
    year at any scope is 12 rows plus the days of partial months."""

    path = models.CharField(max_length=255)
    grain = models.CharField(max_length=1, default="d")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["path", "grain", "day"], name="casedaytotal_path_grain_day")]


class RollupDirty(models.Model):
    unit_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "day"], name="rollupdirty_unit_day")]

