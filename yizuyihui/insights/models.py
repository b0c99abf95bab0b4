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



# --- the other apps' dashboard panels (panel_rollups.py) ------------------------------------------
class _PanelCounts(models.Model):
    """Four counters and a sparse map {value: count} per (source, key) — what each n means is the
    source's (visits/rollups.py, meetings/rollups.py). Maps sum like the histograms above; a
    distinct count is the number of map keys with a positive sum."""

    source = models.CharField(max_length=20)
    day = models.DateField()
    key = models.CharField(max_length=40)
    n1 = models.BigIntegerField(default=0)
    n2 = models.BigIntegerField(default=0)
    n3 = models.BigIntegerField(default=0)
    n4 = models.BigIntegerField(default=0)
    hist = models.JSONField(default=dict)

    class Meta:
        abstract = True


class PanelDayUnit(_PanelCounts):
    """A node's own bucket (the node the source's rows hang on: a household's, a unit's)."""

    node_id = models.BigIntegerField()
    path = models.CharField(max_length=255)  # the node's path when computed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "node_id", "day", "key"], name="paneldayunit_key")]


class PanelDayTotal(_PanelCounts):
    """Subtree totals per path prefix ("" = everything), grain "d" per day and "m" per month."""

    path = models.CharField(max_length=255)
    grain = models.CharField(max_length=1, default="d")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "path", "grain", "day", "key"], name="paneldaytotal_key")]


class PanelDirty(models.Model):
    source = models.CharField(max_length=20)
    node_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "node_id", "day"], name="paneldirty_key")]


class RollupGeneration(models.Model):
    """How many times the rollups above have changed: bumped in the transaction of every drain that
    recomputed a bucket and by every rebuild (`insights.freshness`). The dashboard's cached pages are
    keyed by it, so no cached page outlives a change of the figures it was drawn from."""

    name = models.CharField(max_length=20, primary_key=True)
    n = models.BigIntegerField(default=0)
