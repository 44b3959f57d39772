from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "ketacare.referrals"
    label = "referrals"
