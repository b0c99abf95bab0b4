"""`yzyh bench import`: a generated household register imported and re-imported (rows/s)."""

from __future__ import annotations

import csv
import os
import random
import time
from pathlib import Path

import click

from yizuyihui.core.cli import setup_django
from yizuyihui.people.cli import run_import


def write_register(path: Path, *, residents: int, unit_codes: list[str], seed: int = 16, prefix: str = "BENCH") -> None:
    """A synthetic register: households of 1–5 residents spread over `unit_codes`."""
    from yizuyihui.demo.names import IdNumbers
    from yizuyihui.people.imports import TEMPLATE_HEADER
    from yizuyihui.people.models import Person

    rng = random.Random(seed)
    ids = IdNumbers(rng, taken=frozenset(Person.objects.exclude(id_number="").values_list("id_number", flat=True)))
    relations = ["户主", "配偶", "子女", "子女", "父母"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(TEMPLATE_HEADER)
        written, h = 0, 0
        while written < residents:
            h += 1
            unit = unit_codes[h % len(unit_codes)]
            address, category = f"{unit}-{h}号", rng.choice(["一般户"] * 8 + ["重点帮扶", "特殊人员"])
            for k in range(min(rng.randint(1, 5), residents - written)):
                gender = rng.choice("MF")
                number = ids.make(rng.randint(1940, 2015), gender)
                out.writerow([f"{prefix}{h:08d}", address, unit, f"居民{h}-{k}", number, f"139{rng.randrange(10**8):08d}",
                              "男" if gender == "M" else "女", category, relations[k], "是" if rng.random() < 0.08 else "否",
                              "否", ""])
                written += 1


def _backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, if the server runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@click.command("import")
@click.option("--residents", default=200_000, show_default=True, type=click.IntRange(1, 10_000_000))
@click.option("--keep", is_flag=True, help="keep the imported rows (default: delete them afterwards)")
@click.option("--no-reimport", is_flag=True, help="only the first import (a full city's re-import takes as long again)")
@click.option("--sealers", type=click.IntRange(0, 64), default=None,
              help="processes encrypting numbers beside the import (default: as `yzyh people import`)")
def bench_import(residents: int, keep: bool, no_reimport: bool, sealers: int | None) -> None:
    """Import a generated register of N residents into the configured database's units, then
    re-import it (all updates); print rows/s and the time extrapolated to 3.2 M residents."""
    setup_django()
    import tempfile

    from django.db import connection

    from yizuyihui.org.models import Unit
    from yizuyihui.people.models import Household, Person

    codes = list(Unit.objects.order_by("pk").values_list("node__code", flat=True))
    if not codes:
        raise click.ClickException("no units: run `yzyh demo --no-serve` or `yzyh org import` first")
    prefix = f"BENCH{int(time.time())}-"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        started = time.perf_counter()
        write_register(path, residents=residents, unit_codes=codes, prefix=prefix)
        click.echo(f"generated {residents:,} residents over {len(codes):,} units in {time.perf_counter() - started:.1f} s "
                   f"({path.stat().st_size / 1e6:.0f} MB); database {connection.vendor}")
        figures = []
        for label in ("first import",) if no_reimport else ("first import", "re-import"):
            started, cpu, pg_cpu = time.perf_counter(), time.process_time(), _backend_cpu()
            timings: dict[str, float] = {}
            children = os.times()
            report = run_import(path, label=label, timings=timings, sealers=sealers)
            children = os.times().children_user + os.times().children_system - children.children_user - children.children_system
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            pg_cpu = None if pg_cpu is None else _backend_cpu() - pg_cpu
            rate = residents / seconds
            figures.append((label, seconds, rate))
            click.echo(f"{label}: {seconds:.1f} s, {rate:,.0f} rows/s, 3.2 M residents ≈ {3_200_000 / rate / 60:.1f} min "
                       f"({report})")
            phases = ", ".join(f"{name} {s:.1f}" for name, s in sorted(timings.items(), key=lambda kv: -kv[1]))
            click.echo(f"  phases (s): {phases}; other {seconds - sum(timings.values()):.1f}; "
                       f"CPU: this process {cpu:.1f} s, its sealing processes {children:.1f} s, its PostgreSQL backend "
                       f"{'?' if pg_cpu is None else f'{pg_cpu:.1f} s'}; load average {_load()}")
    if not keep:
        households = Household.objects.filter(number__startswith=prefix)
        Person.objects.filter(household__in=households)._raw_delete(connection.alias)
        households._raw_delete(connection.alias)
        click.echo("deleted the benchmark's rows")
