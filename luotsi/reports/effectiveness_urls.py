"""The AVAIN effectiveness report's addresses, under ``plans/`` where they have always been."""

from django.urls import path

from luotsi.reports import effectiveness_views

urlpatterns = [
    path("effectiveness/", effectiveness_views.effectiveness_report, name="plan_effectiveness"),
    path("effectiveness.csv", effectiveness_views.effectiveness_csv,
         name="plan_effectiveness_csv"),
    path("effectiveness/research.csv", effectiveness_views.research_csv,
         name="plan_research_csv"),
]
