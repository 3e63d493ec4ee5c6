from django.urls import path

from luotsi.reports import indicator_views as views

app_name = "usage"

urlpatterns = [
    path("indicators/", views.indicator_report, name="indicators"),
    path("indicators.csv", views.indicator_csv, name="indicators_csv"),
]
