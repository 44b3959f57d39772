from django.apps import AppConfig


class CounsellingConfig(AppConfig):
    name = "ketacare.counselling"
    label = "counselling"
