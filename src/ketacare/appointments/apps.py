from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "ketacare.appointments"
    label = "appointments"
