from django.urls import path

from ketacare.messaging import views

urlpatterns = [
    path("", views.inbox, name="messages"),
    path("new/", views.new_thread, name="message-new"),
    path("to/<uuid:public_id>/", views.new_thread_to_patient, name="message-to-patient"),
    path("<uuid:thread_id>/", views.thread, name="message-thread"),
    path("<uuid:thread_id>/close/", views.close, name="message-close"),
    path("attachments/<uuid:attachment_id>/", views.attachment, name="message-attachment"),
]
