from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "ketacare.treatment"
    label = "treatment"

    def ready(self) -> None:
        from ketacare.treatment import signals  # noqa: F401  (connects the receivers)
