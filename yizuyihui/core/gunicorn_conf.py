"""gunicorn settings for `yzyh serve` and `yzyh demo` (`-c python:yizuyihui.core.gunicorn_conf`).

Command-line flags given by yizuyihui/core/cli.py (bind, workers, timeouts) override these.
"""

from __future__ import annotations

import os
import sys

from yizuyihui.core.logs import ACCESS_LOG_FORMAT
from yizuyihui.core.procs import exit_code_of, exit_now

logger_class = "yizuyihui.core.logs.GunicornLogger"  # the site's log format and zone
access_log_format = ACCESS_LOG_FORMAT


def when_ready(server) -> None:
    """With --preload the master has loaded the application: import the URLconf (every view
    module) too, once, so forked workers answer their first request without doing it. Then
    freeze what is loaded: the garbage collector leaves those objects alone, in the workers (no
    copy-on-write of shared pages) and at the master's exit (no seconds of collection)."""
    if server.cfg.preload_app:
        import gc

        from django.db import connections
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - the import is the point
        # The routing model (~100 MB of arrays) is the job worker's: filings queue their suggestion
        # (cases.tasks), so web workers never load it on intake (issue 17). Only the triage review
        # queue's top-3 still routes on a request; a site whose staff use it all day may share one
        # copy between the workers by loading it here, before the fork (YZYH_PRELOAD_ROUTING=1).
        if os.environ.get("YZYH_PRELOAD_ROUTING", "0") == "1":
            try:
                from yizuyihui.core.plugins import provider_call

                provider_call("preload")  # triage loads its routing model (triage/apps.py)
            except Exception:  # no trained model: the review queue shows no suggestions
                server.log.info("routing model not preloaded", exc_info=True)
        connections.close_all()  # a connection must not be shared by forked workers
        gc.collect()
        gc.freeze()


def worker_int(worker) -> None:
    """SIGINT/SIGQUIT, gunicorn's "quick shutdown" (what Ctrl-C means): leave now. gunicorn would
    raise SystemExit, unwind, wait for the thread pool's running requests and finalize the
    interpreter; on a busy machine that outlasted the graceful timeout and the master SIGKILLed
    the worker ("Perhaps out of memory?")."""
    worker.log.info("Worker exiting (pid: %s)", worker.pid)
    exit_now(0)


def worker_exit(server, worker) -> None:
    """The worker's last step on any other exit (SIGTERM's graceful stop has finished its requests
    by then; max-requests; boot errors): leave without the interpreter's finalization, seconds of
    garbage collection on a worker that has served pages. The exit status stays gunicorn's."""
    exit_now(exit_code_of(sys.exc_info()[1]))
