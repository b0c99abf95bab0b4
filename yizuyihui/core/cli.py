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


# Threads per gunicorn worker. 2 on a 2-core server under 16 clients, against 4 (docs/scale.md,
# "Threads per worker"): a worker's threads share one interpreter lock, so more of them do not add
# CPU; they pin more keep-alive connections to one worker, and while one worker holds more clients
# than the other its pages wait longer (p95 324–467 ms against 358–434 ms with 4; 1 thread, a sync
# worker, loses the overlap with database waits: 73 pages/s against 78–83).
THREADS = 2


def gunicorn_command(*, port: int, host: str = "127.0.0.1", workers: int = 2, threads: int = THREADS,
                     control_socket: bool = True, graceful_timeout: int = 10, preload: bool = False,
                     access_log: bool = True) -> list[str]:
    """gunicorn (gthread) with the site's log format and zone, quick to stop on Ctrl-C
    (yizuyihui/core/gunicorn_conf.py). `preload`: the master loads the application (and the
    URLconf) once and forks ready workers, instead of each worker loading it on its own.
    `access_log`: a line per request on stdout (~5 % of a worker's CPU on API filings; a proxy in
    front, nginx, usually keeps that log already)."""
    from django.conf import settings

    cmd = [sys.executable, "-m", "gunicorn", "yizuyihui.wsgi:application", "-c", "python:yizuyihui.core.gunicorn_conf",
           "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
           "--graceful-timeout", str(graceful_timeout)]
    if access_log:
        cmd += ["--access-logfile", "-"]
    if preload:
        cmd.append("--preload")
    if control_socket:
        # gunicorn ≥ 25 opens a control socket in $HOME: give each instance its own (GOTCHAS.md).
        cmd += ["--control-socket", str(Path(settings.DATA_DIR) / f"gunicorn-{port}.ctl")]
    else:
        # nobody drives a demo with gunicornc, and stopping the socket's thread costs ~2 s at exit
        cmd.append("--no-control-socket")
    return cmd


def worker_command(*, periodic: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "yizuyihui.core.worker"]  # huey's run_huey, quiet and quick to stop
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
@click.option("--threads", default=THREADS, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker (they share one core: more help only with slow clients and no proxy).")
@click.option("--access-log/--no-access-log", default=True, show_default=True,
              help="A line per request on stdout (off when a proxy in front logs requests).")
def serve(port: int, host: str, workers: int, threads: int, access_log: bool) -> None:
    """Run the web server (gunicorn) on the configured database."""
    setup_django()
    collectstatic()
    os.execv(sys.executable, gunicorn_command(port=port, host=host, workers=workers, threads=threads, preload=True,
                                              access_log=access_log))


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


class _Stop(Exception):
    """SIGINT (Ctrl-C), SIGTERM or SIGHUP reached `yzyh demo`."""


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's own stop is all there is
        pass


def run_foreground(cmds: list[list[str]], *, ready_url: str | None = None, stop_within: float = 4.0) -> int:
    """Run processes side by side; on Ctrl-C (or SIGTERM/SIGHUP), or when one exits, stop them all.

    With `ready_url` the first command (the web server) starts alone and the others once that URL
    answers: on a small machine the site comes up first instead of sharing the CPU with the
    job worker's start-up.

    Each child runs in its own process group, so the terminal's Ctrl-C reaches only this process,
    which then stops the children in one known way (`_stop_groups`): SIGINT to each group (gunicorn:
    quick shutdown of master and workers; huey: finish the running task), SIGINT again to any still
    running half-way (huey: stop waiting), SIGKILL at `stop_within` seconds. No process outlives
    the call.
    """
    import signal
    import time

    def stop_signal(signum, _frame):
        raise _Stop(signum)

    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    previous = {sig: signal.signal(sig, stop_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    procs: list[subprocess.Popen] = []
    code = 0
    try:
        for i, cmd in enumerate(cmds):
            procs.append(subprocess.Popen(cmd, process_group=0, preexec_fn=_die_with_parent))
            if i == 0 and ready_url and len(cmds) > 1:
                _wait_until_answers(ready_url, procs[0])
        while all(p.poll() is None for p in procs):
            time.sleep(0.2)
        code = next(p.returncode for p in procs if p.poll() is not None)
    except _Stop:
        click.echo("\nStopping…", err=True)
    finally:
        # A second Ctrl-C while stopping must not leave children behind.
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        _stop_groups(procs, stop_within)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


def _wait_until_answers(url: str, proc: subprocess.Popen, *, timeout: float = 60.0) -> None:
    """Until `url` gives any HTTP answer, `proc` exits, or `timeout` passes."""
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:  # an answer all the same (e.g. a host outside ALLOWED_HOSTS)
            return
        except (OSError, ValueError):
            time.sleep(0.2)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a foreign process took the id
        return False
    return True


def _stop_groups(procs: list[subprocess.Popen], stop_within: float) -> None:
    """SIGINT to every group; SIGINT again half-way to any still running (huey's first SIGINT
    waits for the running task, a second one stops waiting); SIGKILL at `stop_within`."""
    import signal
    import time

    started = time.monotonic()
    escalations = [(0.0, signal.SIGINT), (stop_within / 2, signal.SIGINT)]
    while True:
        for p in procs:
            p.poll()  # reap the group leader, or killpg(…, 0) keeps finding the zombie
        alive = [p for p in procs if _group_alive(p.pid)]
        if not alive:
            return
        elapsed = time.monotonic() - started
        if elapsed >= stop_within:
            break
        while escalations and elapsed >= escalations[0][0]:
            sig = escalations.pop(0)[1]
            for p in alive:
                os.killpg(p.pid, sig)
        time.sleep(0.05)
    for p in procs:
        if _group_alive(p.pid):
            click.echo(f"{' '.join(p.args[1:4])} did not stop in {stop_within:.0f} s: killed", err=True)
            os.killpg(p.pid, signal.SIGKILL)
    for p in procs:
        p.wait()


commands = [serve, worker, manage, migrate]
