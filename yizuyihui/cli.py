"""`yzyh`: the operator's command line. Thin: each command calls services.

Apps contribute commands without editing this file: an app's `cli.py` may define
`commands` (a list of click commands/groups added at the top level) and `bench_commands`
(added under `yzyh bench`).
"""

from __future__ import annotations

import importlib
import importlib.util

import click

APPS_WITH_COMMANDS = ["core", "org", "people", "accounts", "cases", "visits", "meetings", "resources", "incentives", "emergency", "triage",
                      "places", "insights", "demo", "bench", "audit"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="yizuyihui")
def main() -> None:
    """一组一会+ — grassroots governance platform."""


@main.group()
def bench() -> None:
    """Benchmarks that print figures (time, memory, throughput)."""


def _app_cli(app: str):
    name = f"yizuyihui.{app}.cli"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


for _app in APPS_WITH_COMMANDS:
    _module = _app_cli(_app)
    if _module is None:
        continue
    for _command in getattr(_module, "commands", []):
        main.add_command(_command)
    for _command in getattr(_module, "bench_commands", []):
        bench.add_command(_command)


if __name__ == "__main__":
    main()
