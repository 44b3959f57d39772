from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "ketacare.questionnaires"
    label = "questionnaires"

    def ready(self) -> None:
        from ketacare.questionnaires import signals  # noqa: F401 - connects the receivers
