from django.urls import path

from luotsi.foresight import views

app_name = "foresight"

urlpatterns = [
    path("", views.forecast, name="forecast"),
    path("workload.csv", views.forecast_csv, name="forecast_csv"),
    path("capacity/<slug:code>/", views.capacity, name="capacity"),
    path("capacity/<slug:code>/gaps/<id:gap_id>/remove/", views.gap_remove, name="gap_remove"),
]
