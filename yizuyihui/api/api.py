"""The JSON API at /api/ (OpenAPI at /api/openapi.json).

Each app with an `api.py` that defines `router` is mounted at /api/<app>/. Authentication: the
session (for pages using htmx/fetch) or a personal token (Authorization: Bearer …).
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.errors import ValidationError

from yizuyihui.accounts.apikeys import api_auth
from yizuyihui.core.plugins import app_modules
from yizuyihui.core.validation import InputError

api = NinjaAPI(
    title="一组一会+ API",
    version="1",
    urls_namespace="api",
    auth=api_auth(),  # keys (Bearer or X-API-Key) and the session, on every router without its own
    docs_url="/docs",
)


def _describe(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "query", "path"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    # The declared error body everywhere is {"detail": "<message>"}: a list here violated the schema.
    return api.create_response(request, {"detail": "; ".join(_describe(e) for e in exc.errors)[:2000]}, status=422)


@api.exception_handler(InputError)
def input_error(request, exc: InputError):
    return api.create_response(request, {"detail": str(exc)}, status=422)

for _module in app_modules("api"):
    if _module.__name__ == __name__:
        continue
    _router = getattr(_module, "router", None)
    if _router is not None:
        api.add_router(f"/{_module.__name__.split('.')[-2]}/", _router)
