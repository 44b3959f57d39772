from django.apps import AppConfig


class MedicationsConfig(AppConfig):
    name = "ketacare.medications"
    label = "medications"
