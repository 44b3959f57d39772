from django.apps import AppConfig


class AtHomeConfig(AppConfig):
    name = "ketacare.athome"
    label = "athome"
