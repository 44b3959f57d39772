from django.urls import path

from ketacare.athome import views

urlpatterns = [
    path("athome/", views.start_page, name="athome-start"),
    path("athome/<uuid:athome_id>/", views.session_page, name="athome-session"),
    path("athome/<uuid:athome_id>/record/", views.session_record, name="athome-record"),
    path("athome/<uuid:athome_id>/review/", views.review, name="athome-review"),
    path("athome/<uuid:athome_id>/<slug:step>/", views.take_step, name="athome-step"),
    path("patients/<uuid:public_id>/athome/", views.patient_sessions, name="athome-patient"),
]
