from django.urls import path

from luotsi.sharedcare import views

app_name = "sharedcare"

urlpatterns = [
    path("candidates/", views.candidates, name="candidates"),
    path("persons/<id:person_id>/", views.person, name="person"),
    path("persons/<id:person_id>/confirm/", views.confirm, name="confirm"),
    path("persons/<id:person_id>/decline/", views.decline, name="decline"),
    path("persons/<id:person_id>/end/", views.end, name="end"),
    path("persons/<id:person_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("persons/<id:person_id>/consultations/new/", views.consultation_create,
         name="consultation_create"),
    path("meetings/<id:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<id:meeting_id>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<id:meeting_id>/minutes.pdf", views.meeting_minutes, {"as_pdf": True},
         name="meeting_pdf"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<id:consultation_id>/", views.consultation_detail,
         name="consultation_detail"),
]
