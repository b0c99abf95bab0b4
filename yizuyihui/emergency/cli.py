"""`yzyh simulate` (see core/plugins.py for how commands plug in; `yzyh bench emergency` is in bench/)."""

from __future__ import annotations

import json

import click


@click.command("simulate")
@click.option("--days", default=60, show_default=True, type=click.IntRange(1, 365))
@click.option("--surge-day", default=20, show_default=True, type=click.IntRange(0, 365))
@click.option("--surge-factor", default=3.0, show_default=True, type=click.FloatRange(0.1, 20))
@click.option("--surge-days", default=14, show_default=True, help="how long the surge lasts")
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="write the per-day rows here")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False), help="PNG chart (default: next to --json)")
@click.option("--residents", default=3_200_000, show_default=True,
              help="scale the demo's matters per resident to this population (0: as in the database)")
@click.option("--emergency-load", default=0.5, show_default=True, type=click.FloatRange(0, 0.95),
              help="share of staff time taken by emergency tasks during the surge")
@click.option("--from-db/--synthetic", default=True, show_default=True,
              help="calibrate from the database (the demo city); --synthetic uses B市's published figures")
def simulate(days, surge_day, surge_factor, surge_days, seed, json_path, chart_path, residents, emergency_load,
             from_db) -> None:
    """Discrete-event simulation (SimPy) of matters in a surge: the model vs 12345-style central dispatch vs
    the model without "+" members, on the same demand and staff. Assumptions: docs/emergency.md."""
    import time

    from yizuyihui.emergency import simulate as sim

    started = time.monotonic()
    if from_db:
        from yizuyihui.core.cli import setup_django

        setup_django()
        city = sim.calibrate_from_db(residents=residents)
        from django.db import connections

        connections.close_all()  # the policies run in forked processes: no shared connection
    else:
        city = sim.synthetic_city()
    city.emergency_load = emergency_load
    rows, summary = sim.run_all(city=city, days=days, surge_day=surge_day, surge_factor=surge_factor,
                                surge_days=surge_days, seed=seed)
    if json_path:
        with open(json_path, "w", encoding="utf-8") as fh:
            json.dump({"parameters": {"days": days, "surge_day": surge_day, "surge_factor": surge_factor,
                                      "surge_days": surge_days, "seed": seed, "city": city.describe()},
                       "rows": rows, "summary": summary}, fh, ensure_ascii=False, indent=1)
        chart_path = chart_path or json_path.rsplit(".", 1)[0] + ".png"
    if chart_path:
        sim.chart(rows, chart_path, surge_day=surge_day, surge_days=surge_days, surge_factor=surge_factor)
    click.echo(city.describe_line())
    click.echo(sim.table(summary))
    click.echo(f"simulated {days} days in {time.monotonic() - started:.1f} s"
               + (f"; rows → {json_path}" if json_path else "") + (f"; chart → {chart_path}" if chart_path else ""))


commands = [simulate]
