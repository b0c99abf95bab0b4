"""One log format, one time zone, for every process of the site (gunicorn master and workers,
the huey consumer, management commands), and no traceback for answers that are expected.

Every line reads `2025-05-01 09:30:00 +0800 INFO    gunicorn.error[1234] message`: the time is
always in the site's zone (TIME_ZONE, default Asia/Shanghai) with its offset, whatever the
process's own zone is (a gunicorn master never loads Django, so its local time is the machine's).
This module imports nothing from Django: gunicorn's master uses it before any settings exist.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from yizuyihui.conf import env_str

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s[%(process)d] %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"
# gunicorn's access lines: the formatter adds time and level, so no %(t)s here.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


def site_zone() -> ZoneInfo:
    return ZoneInfo(env_str("TIME_ZONE", "Asia/Shanghai") or "Asia/Shanghai")


class SiteTimeFormatter(logging.Formatter):
    """logging.Formatter whose times are in the site's zone, with the offset."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, style: str = "%", **kwargs):
        super().__init__(fmt or LOG_FORMAT, datefmt or DATE_FORMAT, style, **kwargs)
        self.zone = site_zone()

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, self.zone).strftime(datefmt or self.datefmt or DATE_FORMAT)


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer (403 PermissionDenied, 400 bad request) is expected, not a fault: Django logs
    it with the exception attached, which prints a traceback per refused request. Keep the one
    line (`Forbidden (Permission denied): /path`) and drop the traceback. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.exc_info and isinstance(status, int) and 400 <= status < 500:
            exc = record.exc_info[1]
            if exc is not None and str(exc):
                detail = f"{type(exc).__name__}: {exc}".replace("%", "%%")
                record.msg = f"{record.msg} ({detail})"
            record.exc_info = None
            record.exc_text = None
        return True


def _gunicorn_logger_class():
    from gunicorn import glogging

    class GunicornLogger(glogging.Logger):
        """gunicorn's logger with the site's format and zone (error and access lines alike)."""

        def setup(self, cfg) -> None:
            super().setup(cfg)
            formatter = SiteTimeFormatter()
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(formatter)

        def now(self) -> str:
            return datetime.fromtimestamp(time.time(), site_zone()).strftime("[%d/%b/%Y:%H:%M:%S %z]")

    return GunicornLogger


_GUNICORN_LOGGER = None


def __getattr__(name: str):
    # `--logger-class yizuyihui.core.logs.GunicornLogger`; built lazily so that importing this
    # module (Django's LOGGING does) does not import gunicorn.
    if name == "GunicornLogger":
        global _GUNICORN_LOGGER
        if _GUNICORN_LOGGER is None:
            _GUNICORN_LOGGER = _gunicorn_logger_class()
        return _GUNICORN_LOGGER
    raise AttributeError(name)
