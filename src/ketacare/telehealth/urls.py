from django.urls import path

from ketacare.telehealth import views

urlpatterns = [
    path("appointments/<uuid:appointment_id>/video/", views.video_visit, name="video-visit"),
    path("encounters/<uuid:encounter_id>/", views.encounter, name="telehealth-encounter"),
    path("encounters/<uuid:encounter_id>/<slug:what>/", views.encounter_action,
         name="telehealth-encounter-action"),
    path("clinic/dea/", views.dea_registrations, name="dea-registrations"),
    path("clinic/dea/<int:registration_id>/retire/", views.retire_registration,
         name="dea-registration-retire"),
]  # fmt: skip
