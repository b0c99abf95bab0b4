"""Operator commands: serve, worker, manage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click


def setup_django() -> None:
    """Configure Django for a command (every app's cli.py calls this before touching models)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")
    import django

    django.setup()


def gunicorn_command(*, port: int, host: str = "127.0.0.1", workers: int = 2) -> list[str]:
    from django.conf import settings

    # gunicorn ≥ 23 opens a control socket in $HOME: give each instance its own (GOTCHAS.md).
    return [sys.executable, "-m", "gunicorn", "yizuyihui.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", str(workers), "--threads", "4", "--access-logfile", "-", "--graceful-timeout", "10",
            "--control-socket", str(Path(settings.DATA_DIR) / f"gunicorn-{port}.ctl")]


def worker_command(*, periodic: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "django", "run_huey", "--settings", os.environ.get("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")]
    if not periodic:
        cmd.append("--no-periodic")
    return cmd


def collectstatic() -> None:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@click.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
def serve(port: int, host: str, workers: int) -> None:
    """Run the web server (gunicorn) on the configured database."""
    setup_django()
    collectstatic()
    os.execv(sys.executable, gunicorn_command(port=port, host=host, workers=workers))


@click.command()
@click.option("--no-periodic", is_flag=True, help="For extra workers: exactly one consumer runs periodic tasks.")
def worker(no_periodic: bool) -> None:
    """Run the job queue consumer (huey): deadline sweeps, schedules, notifications."""
    setup_django()
    os.execv(sys.executable, worker_command(periodic=not no_periodic))


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, …)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yzyh manage", *args])


@click.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False)


def run_foreground(cmds: list[list[str]]) -> int:
    """Run processes side by side; on Ctrl-C or when one exits, stop all cleanly (SIGTERM, then wait)."""
    import signal
    import time

    procs = [subprocess.Popen(c) for c in cmds]
    code = 0
    try:
        while all(p.poll() is None for p in procs):
            time.sleep(0.5)
        code = next(p.returncode for p in procs if p.poll() is not None)
    except KeyboardInterrupt:
        click.echo("\nStopping…")
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
    return code


commands = [serve, worker, manage, migrate]
