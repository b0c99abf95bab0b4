"""How apps plug into shared pages without editing them.

An app may provide, in `<app>/home.py`:
- `home_cards(request) -> list[Card]`: cards on the role's home page;
- `nav_items(request) -> list[NavItem]`: links in the top navigation;
- `worklist_sections(request) -> list[WorklistSection]`: sections of other apps' work on the staff
  worklist (e.g. the signup app's residents waiting to be confirmed), each rendered by its template;
- `config_items(request) -> list[NavItem]`: the city administrator's configuration pages, listed
  on 配置 (/accounts/config/); `NavItem.note` says what the page sets.
An app's `api.py` may define `router` (a ninja Router) mounted at /api/<app>/.
An app's `dashboard.py` may define `dashboard_panels(request, *, node, start, end) -> list[Panel]`
(insights collects them onto the measures dashboard).
An app's `demo.py` may define `generate(*, seed: int, progress) -> dict[str, int]`; the demo city
generator calls them, in INSTALLED_APPS order, after the city and its people exist.
An app's `cli.py` may define `commands` and `bench_commands` (see yizuyihui/cli.py).

Providers: one app answers a question another app asks, without either importing the other.
The answering app registers a function in its `AppConfig.ready()`:
`register_provider("node_mode", mode_for)`; the asking app calls
`provider_call("node_mode", node, default="normal")` and gets the default when no app answers
(or when the provider fails: another app's fault must not stop the caller). Hook names:

- `node_mode(node) -> "normal" | "urgent"`: is this org node in emergency mode (平急转换)?
  Asked by `cases` when a matter is filed (urgent mode tightens its deadlines). Provided by the
  emergency app.
- `case_extra_viewer(user, case) -> bool`: may this user see this matter although it lies outside
  their scope? Asked by `cases.rules.can_view_case` after its own checks. Provided by resources:
  the matter's "+" members, members of a team dispatched on it, the property company of its estate.
- `case_fed_back(case, *, feedback, now)`: a matter was fed back (反馈). Asked by
  `cases.case_feed_back` after telling the reporter. Provided by incentives: tells supporters
  (附议) and "+" members, posts a council-decided matter's result on the unit's public board.
- `case_timeline_extra(user, case) -> list[TimelineEntry]`: entries other apps add to a matter's
  history on its page, for this viewer. Asked by `cases.selectors.timeline_entries`. Provided by
  resources: the progress notes of "+" members and dispatched teams, property companies' answers.
- `case_extra_links(user, case) -> list[(label, url)]`: links other apps add to a matter's page
  for this viewer. Asked by the cases detail view. Provided by resources: the matter's "+" page
  (draw people in, dispatch teams, notes) for those who manage the matter or were drawn into it.
- `edge_error(path, status, message) -> HttpResponse | None`: the error answer for input refused
  by the edge middleware (core/validation.py) on a channel with its own format. Provided by cases
  (Open311 XML/JSON errors).
- `preload()`: heavy read-only data to load in the gunicorn master before it forks workers.
  Provided by triage (the routing model).
- `cases_changed(case_ids)`: matters changed by bulk updates that send no signals (the overdue
  sweep). Provided by insights (its rollups queue the matters' buckets).
- `panel_rollups() -> module`: insights' generic rollups (insights/panel_rollups.py) for other apps'
  dashboard panels: `mark`, `mark_sql` (queue buckets in the writer's transaction), `read`,
  `hist_sum`, `spans`, `scope_paths`. Apps register their sources as `rollup_source:<name>`
  (a callable returning an object with `stream` and `span`). Provided by insights.
- `phone_accounts(phone) -> list[User]`: accounts behind a mobile number that the register does
  not know yet. Asked by accounts' SMS login besides `Person.objects.with_phone`. Provided by
  signup: residents who signed up and wait for their grid worker.
- `route_text(text) -> Routing | (label, confidence) | {"category", "confidence"} | None`: the
  routing model's category suggestion for a new matter (advisory). Asked by `cases` when a matter
  is filed. Provided by triage.
- `route_texts(texts) -> list[<as route_text>]`: the same for a batch, one pass through the model.
  Asked by `cases`' routing job (`case_suggest_pending`) before `route_text`. Provided by triage.
- `categorise_texts(texts) -> list[Category | None]`: the first-level category each text has, for
  content made without a person choosing (the demo's matters). Asked by `cases.demo`. Provided by
  triage (`triage/categorise.py`).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings

log = logging.getLogger(__name__)
_providers: dict[str, Callable] = {}


def register_provider(name: str, fn: Callable) -> None:
    """Register (or replace) the function that answers hook `name` (see the module docstring)."""
    _providers[name] = fn


def unregister_provider(name: str) -> None:
    _providers.pop(name, None)


def provider(name: str) -> Callable | None:
    """The function registered for `name`, for a caller that handles its failures itself."""
    return _providers.get(name)


def providers(prefix: str) -> dict[str, Callable]:
    """Every provider whose hook name starts with `prefix` (e.g. "rollup_source:")."""
    return {name: fn for name, fn in _providers.items() if name.startswith(prefix)}


def provider_call(name: str, *args, default=None, **kwargs):
    """Ask hook `name`; `default` when nobody answers or the answering app fails."""
    fn = _providers.get(name)
    if fn is None:
        return default
    try:
        return fn(*args, **kwargs)
    except Exception:
        log.exception("provider %s failed", name)
        return default


@dataclass
class TimelineEntry:
    """A line another app adds to a matter's history (`case_timeline_extra`)."""

    at: object  # datetime
    label: str
    who: str = ""
    text: str = ""
    url: str = ""
    is_extra: bool = True


@dataclass
class NavItem:
    label: str
    url: str
    order: int = 50
    note: str = ""


@dataclass
class Card:
    title: str
    url: str = ""
    value: str | int | None = None
    note: str = ""
    order: int = 50
    tone: str = ""  # "", "warn", "alert"
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url)


@dataclass
class WorklistSection:
    """A block on the staff worklist: `template` is rendered with `context` (plus the request's);
    `anchor` is its id on the page, `count` shown beside the title (sections with 0 are hidden)."""

    title: str
    template: str
    count: int
    anchor: str = ""
    context: dict = field(default_factory=dict)
    order: int = 50


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
