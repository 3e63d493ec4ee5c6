from django.urls import path

from luotsi.people import views

urlpatterns = [
    path("persons/", views.person_search, name="person_search"),
    path("persons/new/", views.person_create_view, name="person_create"),
    path("persons/emergency/", views.emergency_access, name="emergency_access"),
    path("persons/<id:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<id:person_id>/emergency/", views.emergency_access,
         name="person_emergency_access"),
]
