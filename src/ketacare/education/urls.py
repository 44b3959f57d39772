"""/learn/: one route per topic (no slug parameter to guess at), and the patient's dose."""

from django.urls import path

from ketacare.education import views
from ketacare.education.topics import TOPICS

urlpatterns = [
    path("", views.index, name="learn"),
    *(path(f"{t.slug}/", views.topic, {"slug": t.slug}, name=f"learn-{t.slug}") for t in TOPICS),
    path("dose/<uuid:public_id>/", views.planned_dose, name="learn-planned-dose"),
    path("dose/<uuid:public_id>/curve.svg", views.planned_dose_svg, name="learn-planned-dose-svg"),
]
