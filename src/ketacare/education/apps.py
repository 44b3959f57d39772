from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "ketacare.education"
    label = "education"
