"""Periodic jobs of incentives: points derived from the record every five minutes (a resident
sees the points of an accepted matter or of logged volunteer hours within minutes), and this
year's performance scores every night. Both are idempotent: a repeated run adds nothing."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

# Volunteer hours are logged after the day served, and a matter is accepted days after filing:
# the window looks back far enough to catch both, and the ledger's (person, source) key skips the rest.
LOOK_BACK = dt.timedelta(days=100)


@db_periodic_task(crontab(minute="*/5"))
def points_derive_task():
    from django.utils import timezone

    from yizuyihui.incentives.services import points_derive

    return points_derive(start=timezone.now() - LOOK_BACK)


@db_periodic_task(crontab(minute="10", hour="3"))
def performance_compute_task():
    from yizuyihui.incentives import performance

    return performance.scores_compute(period=performance.current_period())
