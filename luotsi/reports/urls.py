from django.urls import path

from luotsi.reports import views

urlpatterns = [
    path("kpis/", views.kpis, name="reports_kpis"),
    path("kpis/<slug:table>.csv", views.kpi_csv, name="reports_kpi_csv"),
]
