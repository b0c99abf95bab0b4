"""Jobs of the cases app. Exactly one huey consumer runs periodic tasks (GOTCHAS.md)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="*"))
def sweep_overdue_task():
    """Pressure transmission every minute; the service is idempotent, so overlapping runs are harmless."""
    from yizuyihui.cases.services import sweep_overdue

    return sweep_overdue()


@db_task()
def suggest_category_task(case_id: int, known: dict | None = None):
    """The routing suggestion of a matter just filed (queued after the filing's commit): the job
    worker loads the routing model, the web workers never do (issue 17). Returns nothing: huey
    stores no result."""
    from yizuyihui.cases.services import case_apply_suggestion

    case_apply_suggestion(case_id=case_id, known=known)
