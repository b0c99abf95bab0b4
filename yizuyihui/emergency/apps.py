from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "yizuyihui.emergency"
    label = "emergency"
    verbose_name = "平急转换"

    def ready(self) -> None:
        from yizuyihui.core.plugins import register_provider
        from yizuyihui.emergency.selectors import node_mode

        # cases asks this when a matter is filed: urgent mode tightens the deadlines (平急转换).
        register_provider("node_mode", node_mode)
