from django.urls import path

from luotsi.access import views

urlpatterns = [
    path("access-log/report/", views.access_log_report, name="access_log_report"),
    path("access-log/emergency/", views.emergency_reviews, name="emergency_reviews"),
    path("access-log/emergency/<id:relationship_id>/review/", views.emergency_review,
         name="emergency_review"),
    path("access-log/emergency/<id:relationship_id>/records/<id:seq>/",
         views.emergency_record, name="emergency_record"),
]
