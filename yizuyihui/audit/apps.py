from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yizuyihui.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from yizuyihui.audit import signals  # noqa: F401 (connects the receivers)
