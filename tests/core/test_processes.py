"""`yzyh demo` runs the web server and the job worker side by side (core/cli.py run_foreground):
Ctrl-C stops them all, quickly, and leaves no process behind — even one that ignores SIGINT, and
the processes it started itself (gunicorn's workers)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

RUNNER = textwrap.dedent("""
    import sys
    from yizuyihui.core.cli import run_foreground

    pids = sys.argv[1]
    polite = f'''
    import os, signal, sys, time
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    open({pids!r} + "/polite", "w").write(str(os.getpid()))
    time.sleep(60)
    '''
    stubborn = f'''
    import os, signal, subprocess, time
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    child = subprocess.Popen(["sleep", "60"])  # inherits the ignored SIGINT, like a stuck worker
    open({pids!r} + "/grandchild", "w").write(str(child.pid))
    open({pids!r} + "/stubborn", "w").write(str(os.getpid()))
    time.sleep(60)
    '''
    code = run_foreground([[sys.executable, "-c", polite], [sys.executable, "-c", stubborn]], stop_within=1.0)
    print("returned", code, flush=True)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0): it has ended, only not been reaped (by init, here)
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups and /proc: Linux")
def test_ctrl_c_stops_every_process_within_the_time_given(tmp_path):
    runner = subprocess.Popen([sys.executable, "-c", RUNNER, str(tmp_path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        names = ("polite", "stubborn", "grandchild")
        while not all((tmp_path / n).exists() and (tmp_path / n).read_text() for n in names):
            assert runner.poll() is None, runner.communicate()
            assert time.monotonic() < deadline, "the children did not start"
            time.sleep(0.05)
        pids = {n: int((tmp_path / n).read_text()) for n in names}

        started = time.monotonic()
        runner.send_signal(signal.SIGINT)  # what the terminal sends on Ctrl-C
        out, err = runner.communicate(timeout=10)
        took = time.monotonic() - started
    finally:
        if runner.poll() is None:  # pragma: no cover - only when the test fails
            runner.kill()
    assert runner.returncode == 0, err
    assert "returned 0" in out
    assert took < 1.0 + 2.0, took  # stop_within, plus the interpreter's own start and exit
    assert "did not stop in 1 s: killed" in err  # the stubborn one, named
    assert "Traceback" not in err
    deadline = time.monotonic() + 2
    while any(_alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {n: _alive(pid) for n, pid in pids.items()} == {n: False for n in names}
