from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "ketacare.consent"
    label = "consent"
