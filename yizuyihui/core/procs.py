"""Process exit without the interpreter's finalization.

At exit CPython collects and frees every object of the heap (`finalize_modules` runs full garbage
collections). A web worker or `yzyh demo` that has loaded the city's data spends seconds there —
long enough for gunicorn's master to SIGKILL the worker ("Perhaps out of memory?"). Nothing in
that heap needs finalizing once the database connections are closed and the logs flushed.
"""

from __future__ import annotations

import logging
import os
import sys


def exit_now(code: int = 0) -> None:
    """Close database connections, flush logs and standard streams, and leave at once."""
    try:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
    except Exception:  # noqa: BLE001 - exiting anyway; a failed close loses nothing committed
        pass
    for handler in logging.getLogger().handlers:
        try:
            handler.flush()
        except Exception:  # noqa: BLE001
            pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def exit_code_of(exc: BaseException | None) -> int:
    """The status `sys.exit(...)` would give for an exception on its way out (None: 0)."""
    if exc is None:
        return 0
    if isinstance(exc, SystemExit):
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    return 1
