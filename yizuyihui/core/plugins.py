"""How apps plug into shared pages without editing them.

An app may provide, in `<app>/home.py`:
- `home_cards(request) -> list[Card]`: cards on the role's home page;
- `nav_items(request) -> list[NavItem]`: links in the top navigation.
An app's `api.py` may define `router` (a ninja Router) mounted at /api/<app>/.
An app's `dashboard.py` may define `dashboard_panels(request, *, node, start, end) -> list[Panel]`
(insights collects them onto the measures dashboard).
An app's `demo.py` may define `generate(*, seed: int, progress) -> dict[str, int]`; the demo city
generator calls them, in INSTALLED_APPS order, after the city and its people exist.
An app's `cli.py` may define `commands` and `bench_commands` (see yizuyihui/cli.py).
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings


@dataclass
class NavItem:
    label: str
    url: str
    order: int = 50


@dataclass
class Card:
    title: str
    url: str = ""
    value: str | int | None = None
    note: str = ""
    order: int = 50
    tone: str = ""  # "", "warn", "alert"
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


def project_apps() -> list[str]:
    return [a for a in settings.INSTALLED_APPS if a.startswith("yizuyihui.")]


@cache
def app_modules(submodule: str) -> list:
    mods = []
    for app in project_apps():
        name = f"{app}.{submodule}"
        if importlib.util.find_spec(name) is not None:
            mods.append(importlib.import_module(name))
    return mods


def collect(submodule: str, function: str, request) -> list:
    out = []
    for mod in app_modules(submodule):
        fn = getattr(mod, function, None)
        if fn is not None:
            out.extend(fn(request))
    return sorted(out, key=lambda x: x.order)
