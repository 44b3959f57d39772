from django.apps import AppConfig


class SessionsConfig(AppConfig):
    name = "ketacare.sessions"
    label = "dosing_sessions"  # "sessions" is Django's own app label
