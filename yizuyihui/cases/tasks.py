"""Jobs of the cases app. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="*"))
def sweep_overdue_task():
    """Pressure transmission every minute; the service is idempotent, so overlapping runs are harmless."""
    from yizuyihui.cases.services import sweep_overdue

    return sweep_overdue()


@db_task()
def suggest_pending_task():
    """The routing suggestions of every matter filed and waiting (queued after a filing commits,
    at most one queued at a time with a shared cache): the job worker loads the routing model, the
    web workers never do (issue 17). Returns nothing: huey stores no result."""
    from yizuyihui.cases.services import case_suggest_pending

    case_suggest_pending()


@db_periodic_task(crontab(minute="*/5"))
def suggest_pending_sweep_task():
    """What a lost job left waiting (a queue that was down, a worker killed mid-job)."""
    from yizuyihui.cases.services import case_suggest_pending

    case_suggest_pending()


@db_task()
def suggest_category_task(case_id: int, known: dict | None = None):
    """One matter's routing suggestion: what filings queued before `suggest_pending_task` (kept so
    such jobs still run after an upgrade). Returns nothing: huey stores no result."""
    from yizuyihui.cases.services import case_apply_suggestion

    case_apply_suggestion(case_id=case_id, known=known)
