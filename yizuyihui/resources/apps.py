from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "yizuyihui.resources"
    label = "resources"

    def ready(self) -> None:
        from yizuyihui.core.plugins import register_provider
        from yizuyihui.resources import rules  # noqa: F401  (registers the permissions)
        from yizuyihui.resources.timeline import extra_links, timeline_extra

        # cases.rules.can_view_case asks this: a "+" member drawn into a matter (or a member of a
        # team dispatched on it, or the property company of its estate) may see that matter.
        register_provider("case_extra_viewer", rules.can_view_case_as_resource)
        # The matter's history on its page shows the "+" members' notes, draws and dispatches.
        register_provider("case_timeline_extra", timeline_extra)
        register_provider("case_extra_links", extra_links)
