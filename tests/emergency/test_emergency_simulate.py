"""The simulator: keys the issue asks for, the same demand for every policy, a surge shows."""

from __future__ import annotations

import json

from click.testing import CliRunner

from yizuyihui.emergency import simulate as sim

KEYS = {"policy", "day", "response_rate", "median_response_h", "p90_resolution_h", "backlog", "overdue_share"}


def small_city(plus: float = 60.0) -> sim.City:
    units = [i % 4 for i in range(20)]
    return sim.City(source="test", units=units, unit_rate=[1.5] * 20, unit_hours=[10.0] * 20,
                    community_hours=[8.0] * 4, street_hours=16.0, plus_hours=[plus] * 4)


def test_every_policy_reports_every_day_with_the_issue_keys():
    rows, summary = sim.run_all(city=small_city(), days=12, surge_day=4, surge_factor=3, surge_days=4, seed=1,
                                workers=1)
    assert {r["policy"] for r in rows} == set(sim.POLICIES) and len(rows) == 3 * 12
    assert all(KEYS <= set(r) for r in rows)
    # the same demand for every policy (common random numbers)
    filed = {p: [r["filed"] for r in rows if r["policy"] == p] for p in sim.POLICIES}
    assert filed["model"] == filed["central"] == filed["model_no_plus"]
    assert set(summary) == set(sim.POLICIES)


def test_a_surge_raises_the_backlog_and_plus_members_bring_it_down():
    city = small_city()
    calm, _ = sim.run_all(city=city, days=12, surge_day=4, surge_factor=1, surge_days=4, seed=2, workers=1)
    surge, summary = sim.run_all(city=city, days=12, surge_day=4, surge_factor=3.5, surge_days=4, seed=2, workers=1)

    def peak(rows, policy):
        return max(r["backlog"] for r in rows if r["policy"] == policy)

    assert peak(surge, "model") > peak(calm, "model")
    assert summary["model"]["peak_backlog"] <= summary["model_no_plus"]["peak_backlog"]


def test_the_command_writes_json_and_a_chart(tmp_path):
    out = tmp_path / "out.json"
    result = CliRunner().invoke(sim_cli(), ["--synthetic", "--days", "3", "--surge-day", "1", "--surge-days", "1",
                                            "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert KEYS <= set(data["rows"][0]) and (tmp_path / "out.png").stat().st_size > 1000


def sim_cli():
    from yizuyihui.emergency.cli import simulate

    return simulate
