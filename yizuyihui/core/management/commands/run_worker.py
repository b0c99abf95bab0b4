"""`run_worker`: huey's `run_huey` without Django's system checks (`migrate` and `yzyh demo` run
them; here they cost the worker a second of start-up importing every view module).
`python -m yizuyihui.core.worker` runs it for `yzyh worker` and `yzyh demo`.
"""

from __future__ import annotations

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run the job queue consumer (huey)."
    requires_system_checks = []
