from django.urls import path

from ketacare.questionnaires import views

urlpatterns = [
    path("patients/<uuid:public_id>/questionnaires/", views.schedule_page,
         name="questionnaire-schedule"),
    path("questionnaires/<uuid:schedule_id>/stop/", views.stop, name="questionnaire-stop"),
    path("q/<str:token>/", views.answer_link, name="questionnaire-link"),
]  # fmt: skip
