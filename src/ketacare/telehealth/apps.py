from django.apps import AppConfig


class TelehealthConfig(AppConfig):
    name = "ketacare.telehealth"
    label = "telehealth"
