"""Periodic jobs: the 六必到 sweep every minute and the rolling 三必访 schedule every night.
Both are idempotent services, so a repeated or overlapping run changes nothing."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def duties_sweep_task():
    from yizuyihui.visits.services import duty_sweep

    return duty_sweep()


@db_periodic_task(crontab(minute="40", hour="2"))
def schedule_roll_task():
    from yizuyihui.visits.services import schedule_roll

    return schedule_roll()
