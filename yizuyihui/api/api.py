"""The JSON API at /api/ (OpenAPI at /api/openapi.json).

Each app with an `api.py` that defines `router` is mounted at /api/<app>/. Authentication: the
session (for pages using htmx/fetch) or a personal token (Authorization: Bearer …).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import SessionAuth

from yizuyihui.core.plugins import app_modules

api = NinjaAPI(
    title="一组一会+ API",
    version="1",
    urls_namespace="api",
    auth=SessionAuth(),
    docs_url="/docs",
)

for _module in app_modules("api"):
    if _module.__name__ == __name__:
        continue
    _router = getattr(_module, "router", None)
    if _router is not None:
        api.add_router(f"/{_module.__name__.split('.')[-2]}/", _router)
