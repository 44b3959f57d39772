from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ketacare.audit"
    label = "audit"

    def ready(self) -> None:
        from ketacare.audit import checks  # noqa: F401 - registers the deploy check
