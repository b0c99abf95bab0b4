"""Periodic jobs. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from yizuyihui.emergency.services import daily_reports_sweep

# 日报 roll up at a set hour (local time), and again each hour after it so late entries count.
REPORT_HOUR = int(getattr(settings, "EMERGENCY_REPORT_HOUR", 20))


@db_periodic_task(crontab(minute="0", hour=f"{REPORT_HOUR}-23"))
def emergency_daily_reports():
    return daily_reports_sweep()
