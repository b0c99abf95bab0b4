"""Jobs of the accounts app (huey; idempotent)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="23", hour="3"))
def sms_codes_purge_task():
    """Spent and expired SMS codes are of no use after a day (their counts are in the cache)."""
    from yizuyihui.accounts.smscodes import sms_codes_purge

    return sms_codes_purge()
