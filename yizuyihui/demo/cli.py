"""`yzyh demo` and `yzyh bench demo`."""

from __future__ import annotations

import sys
import time

import click

from yizuyihui.core.cli import setup_django
from yizuyihui.core.scratchdb import recreate_pg


def _progress_bar():
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def progress(stage: str, n: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = tqdm(desc=f"  {stage}", unit=" rows", file=sys.stderr, leave=False)
        bars[stage].update(n)

    return progress


def _print_logins() -> None:
    from yizuyihui.demo.generator import DEMO_LOGINS, DEMO_PASSWORD

    click.echo("\nDemo logins (password for all: %s)" % DEMO_PASSWORD)
    for username, _role, _where, label in DEMO_LOGINS:
        click.echo(f"  {username:<10} {label}")


@click.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--residents", default=50_000, show_default=True, type=click.IntRange(0, 10_000_000),
              help="Ordinary residents on top of the ~45,000 unit members (3200000 = the full city).")
@click.option("--seed", default=2022, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Build the demo database and stop.")
def demo(port: int, residents: int, seed: int, no_serve: bool) -> None:
    """Build the synthetic B市 (if the database has none yet) and serve it with the job worker.

    The database is the one DATABASE_URL names when it is set (e.g. postgres://user@host/name),
    else SQLite in YZYH_DATA_DIR (default ./var). The first build (4,915 units, ~91,000 people,
    a year of activity) takes a few minutes; later starts reuse it. Ctrl-C stops everything.
    """
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from yizuyihui.core.cli import collectstatic, gunicorn_command, run_foreground, worker_command
    from yizuyihui.core.procs import exit_now
    from yizuyihui.demo import generator

    click.echo(f"Data folder: {settings.DATA_DIR}")
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        click.echo(f"Database: SQLite {db['NAME']}")
    else:
        click.echo(f"Database: PostgreSQL {db['NAME']} on {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432} "
                   "(DATABASE_URL)")
    call_command("migrate", interactive=False, verbosity=0)
    if generator.city_exists():
        click.echo("The demo city already exists; reusing it.")
    else:
        click.echo(f"Building B市 with {residents:,} residents (seed {seed})…")
        started = time.monotonic()
        result = generator.generate(residents=residents, seed=seed, progress=_progress_bar())
        click.echo(f"Built {result.units:,} units, {result.persons:,} people, {result.households:,} households "
                   f"in {time.monotonic() - started:.0f} s.")
    collectstatic()
    _print_logins()
    if no_serve:
        return
    click.echo(f"\nServing on http://127.0.0.1:{port}/  (Ctrl-C to stop)")
    code = run_foreground([gunicorn_command(port=port, control_socket=False, graceful_timeout=3, preload=True),
                           worker_command(periodic=True)], ready_url=f"http://127.0.0.1:{port}/healthz")
    exit_now(code)  # the city's objects need no seconds of garbage collection at exit (core/procs.py)



@click.command("build", hidden=True)
@click.option("--residents", type=click.IntRange(0, 10_000_000), required=True)
@click.option("--seed", default=2022, type=int)
def build(residents: int, seed: int) -> None:
    """Migrate and build the demo city without activity or server (used by the benchmark)."""
    setup_django()
    from django.core.management import call_command

    from yizuyihui.demo import generator

    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    result = generator.generate(residents=residents, seed=seed, with_activity=False, logins=False)
    click.echo(f"RESULT seconds={time.monotonic() - started:.2f} persons={result.persons} units={result.units}")


@click.command("demo")
@click.option("--residents", "sizes", multiple=True, type=int, default=[32_000, 320_000], show_default=True)
@click.option("--database", "databases", multiple=True, type=click.Choice(["sqlite", "postgresql"]),
              default=["sqlite", "postgresql"], show_default=True)
@click.option("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres", show_default=True,
              help="A PostgreSQL server where a scratch database yzyh_bench is created and dropped.")
def bench_demo(sizes: tuple[int, ...], databases: tuple[str, ...], pg_url: str) -> None:
    """Time, peak memory and residents/s to build the demo city (each run in a fresh process and database)."""
    import os
    import subprocess
    import tempfile

    click.echo(f"{'database':<11}{'residents':>10}{'persons':>10}{'seconds':>9}{'peak MB':>9}{'residents/s':>13}")
    for db in databases:
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix="yzyh-bench-") as data_dir:
                env = {**os.environ, "YZYH_DATA_DIR": data_dir}
                env.pop("DATABASE_URL", None)
                if db == "postgresql":
                    env["DATABASE_URL"] = recreate_pg(pg_url, "yzyh_bench")
                proc = subprocess.Popen([sys.executable, "-m", "yizuyihui.cli", "build", "--residents", str(size)],
                                        env=env, stdout=subprocess.PIPE, text=True)
                out = proc.stdout.read()
                _pid, status, usage = os.wait4(proc.pid, 0)
                if status != 0 or "RESULT" not in out:
                    raise click.ClickException(f"build failed on {db} with {size} residents:\n{out}")
                fields = dict(kv.split("=") for kv in out.split("RESULT", 1)[1].split())
                seconds, persons = float(fields["seconds"]), int(fields["persons"])
                peak_mb = usage.ru_maxrss / 1024
                click.echo(f"{db:<11}{size:>10,}{persons:>10,}{seconds:>9.1f}{peak_mb:>9.0f}{size / seconds:>13,.0f}")
    if "postgresql" in databases:
        import psycopg

        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "yzyh_bench" WITH (FORCE)')


commands = [demo, build]
bench_commands = [bench_demo]
