"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yizuyihui.emergency.services import daily_reports_sweep, retime_sweep

# 日报 roll up at a set local hour, and again each hour after it so late entries count. huey's
# crontab runs on UTC, so the job runs hourly and checks the site's local hour itself.
REPORT_HOUR = int(getattr(settings, "EMERGENCY_REPORT_HOUR", 20))


@db_periodic_task(crontab(minute="0"))
def emergency_daily_reports():
    if timezone.localtime().hour < REPORT_HOUR:
        return 0
    return daily_reports_sweep()


@db_periodic_task(crontab(minute="*"))
def emergency_retime_sweep():
    return retime_sweep()
