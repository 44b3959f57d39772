from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ketacare.accounts"
    label = "accounts"

    def ready(self) -> None:
        from ketacare.accounts import after_response, signals  # noqa: F401 - connect handlers
