from django.urls import path

from luotsi.signals import views

app_name = "signals"

urlpatterns = [
    path("intervention-points/", views.intervention_points, name="intervention_points"),
    path("early-rules/", views.early_rules, name="early_rules"),
    path("early-rules/<id:rule_id>/", views.early_rule, name="early_rule"),
    path("early-candidates/", views.early_candidates, name="early_candidates"),
]
