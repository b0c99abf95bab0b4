"""`yzyh bench …`: the benchmark harnesses (they may use every app and the demo cast; no app
imports them)."""

from yizuyihui.bench.cases import bench_cases, bench_step
from yizuyihui.bench.emergency import bench_emergency
from yizuyihui.bench.incentives import bench_incentives
from yizuyihui.bench.intake import bench_intake
from yizuyihui.bench.people import bench_import
from yizuyihui.bench.places import bench_geo, bench_map
from yizuyihui.bench.triage import bench_widespread, bench_widespread_step
from yizuyihui.bench.visits import bench_visits
from yizuyihui.bench.worklists import bench_worklists

bench_commands = [bench_worklists, bench_cases, bench_step, bench_visits, bench_geo, bench_map, bench_import,
                  bench_emergency, bench_widespread, bench_widespread_step, bench_incentives, bench_intake]
