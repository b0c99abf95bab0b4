"""`python -m yizuyihui.core.worker [run_huey options]`: the job queue consumer as `yzyh worker` and
`yzyh demo` start it.

huey's `run_huey` with two differences: Ctrl-C while Django is still starting ends the process
quietly (no KeyboardInterrupt traceback), and the process leaves without the interpreter's
finalization once the consumer has stopped (its task threads are daemon threads, and collecting
the heap the tasks loaded took seconds on a busy machine).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    code = 0
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["yzyh worker", "run_worker", *argv])
    except KeyboardInterrupt:
        pass
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    from yizuyihui.core.procs import exit_now

    exit_now(code)


if __name__ == "__main__":
    main(sys.argv[1:])
