"""Logs: one format and one zone for every process; an expected 403 is one line, no traceback;
huey's lines are printed once."""

import io
import logging
from contextlib import contextmanager

import pytest

from yizuyihui.core.logs import ClientErrorsWithoutTraceback, SiteTimeFormatter


def _console_handler() -> logging.Handler:
    """The site's console handler (settings.LOGGING), as configured by django.setup()."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h.formatter, SiteTimeFormatter)]
    assert len(handlers) == 1, logging.getLogger().handlers
    return handlers[0]


@contextmanager
def _console_output():
    handler = _console_handler()
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def test_a_403_is_logged_as_one_line_without_traceback(cast, login):
    client = login("street_official")
    with _console_output() as out:
        response = client.get(f"/org/units/?under={cast.other_street.pk}")
    assert response.status_code == 403
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, out.getvalue()
    assert "WARNING" in lines[0] and "django.request" in lines[0]
    assert "Forbidden (Permission denied): /org/units/" in lines[0]
    assert "Traceback" not in out.getvalue()


def test_a_server_error_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
                               ("/x",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    record.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(record)
    assert "Traceback" in SiteTimeFormatter().format(record)


def test_log_times_are_in_the_site_zone_with_the_offset_whatever_the_process_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        record = logging.LogRecord("huey", logging.INFO, __file__, 1, "Executing %s", ("task",), None)
        record.created = 1735749000.0  # 2025-01-01 16:30:00 UTC, evening in UTC, next day in Shanghai
        line = SiteTimeFormatter().format(record)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert line.startswith("2025-01-02 00:30:00 +0800 INFO    huey[")
    assert line.endswith("] Executing task")


def _handlers_reached(logger: logging.Logger) -> int:
    """Handlers a record on `logger` is written by (pytest's capture handlers left out: pytest
    attaches them to the root and to every non-propagating logger)."""
    count, current = 0, logger
    while current:
        count += sum(not type(h).__module__.startswith("_pytest") for h in current.handlers)
        if not current.propagate:
            break
        current = current.parent
    return count


def test_huey_lines_are_printed_once():
    from huey.consumer_options import ConsumerConfig

    huey_logger = logging.getLogger("huey")
    # what `run_huey` does at start: add its own handler unless the logger already has one
    if not huey_logger.handlers:  # pragma: no cover - the settings give it the console handler
        ConsumerConfig(workers=1).setup_logger(huey_logger)
    assert _handlers_reached(logging.getLogger("huey.consumer")) == 1
    assert _handlers_reached(logging.getLogger("huey")) == 1


def test_gunicorn_lines_use_the_site_format():
    from gunicorn.config import Config

    from yizuyihui.core.logs import GunicornLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = GunicornLogger(cfg)
    for log in (logger.error_log, logger.access_log):
        assert log.handlers and all(isinstance(h.formatter, SiteTimeFormatter) for h in log.handlers)
    assert logger.now().endswith("+0800]")


@pytest.mark.parametrize(("exc", "code"), [(None, 0), (SystemExit(0), 0), (SystemExit(None), 0), (SystemExit(3), 3),
                                           (SystemExit("bad"), 1), (RuntimeError(), 1)])
def test_exit_code_of(exc, code):
    from yizuyihui.core.procs import exit_code_of

    assert exit_code_of(exc) == code


def test_huey_keeps_the_site_time_so_the_nightly_roll_runs_at_night(time_machine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from huey.contrib.djhuey import HUEY

    from yizuyihui.visits.tasks import schedule_roll_task

    # 2025-01-01 18:40 UTC; time-machine also sets the process zone to the destination's
    time_machine.move_to(datetime(2025, 1, 2, 2, 40, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    now = HUEY._get_timestamp()  # what the consumer's scheduler and log lines use
    assert (now.day, now.hour, now.minute) == (2, 2, 40)
    assert schedule_roll_task.task_class().validate_datetime(now)
