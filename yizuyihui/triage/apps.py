from django.apps import AppConfig


def _route_text(text: str):
    """The `route_text` hook (core/plugins.py): the routing model's suggestion for a new matter."""
    from yizuyihui.triage.routing import route

    return route(text)


def _route_texts(texts):
    """The `route_texts` hook: the suggestions of a batch of matters, one pass through the model."""
    from yizuyihui.triage.routing import route_many

    return route_many(list(texts))


def _preload() -> None:
    """The `preload` hook: load the routing model in the gunicorn master before it forks."""
    from yizuyihui.triage.routing import load_model

    load_model()


def _categorise_texts(texts):
    from yizuyihui.triage.categorise import categories_for

    return categories_for(texts)


class TriageConfig(AppConfig):
    name = "yizuyihui.triage"
    label = "triage"

    def ready(self) -> None:
        from yizuyihui.core.plugins import register_provider

        register_provider("route_text", _route_text)
        register_provider("route_texts", _route_texts)
        register_provider("preload", _preload)
        register_provider("categorise_texts", _categorise_texts)
