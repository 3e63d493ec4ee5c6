from django.urls import path

from luotsi.plans import views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("person/<int:person_id>/", views.plan_open, name="plan_open"),
    path("<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("<int:plan_id>/texts/", views.plan_text, name="plan_text"),
    path("<int:plan_id>/sections/", views.section_add, name="plan_section_add"),
    path("<int:plan_id>/sections/<int:section_id>/merge/", views.section_merge,
         name="plan_section_merge"),
    path("<int:plan_id>/coordinator/", views.coordinator_set, name="plan_coordinator"),
    path("<int:plan_id>/goals/", views.goal_add, name="plan_goal_add"),
    path("<int:plan_id>/factors/", views.factor_add, name="plan_factor_add"),
    path("<int:plan_id>/services/", views.service_add, name="plan_service_add"),
    path("<int:plan_id>/methods/", views.method_add, name="plan_method_add"),
    path("<int:plan_id>/steps/", views.step_add, name="plan_step_add"),
    path("<int:plan_id>/steps/<int:step_id>/done/", views.step_done, name="plan_step_done"),
    path("<int:plan_id>/participants/", views.participant_add, name="plan_participant_add"),
    path("<int:plan_id>/consents/", views.consent_add, name="plan_consent_add"),
    path("<int:plan_id>/consents/<int:consent_id>/withdraw/", views.consent_withdraw,
         name="plan_consent_withdraw"),
    path("<int:plan_id>/accept/", views.plan_accept, name="plan_accept"),
    path("<int:plan_id>/reviews/", views.review_schedule, name="plan_review_schedule"),
    path("<int:plan_id>/reviews/record/", views.review_record, name="plan_review_record"),
    path("<int:plan_id>/ratings/", views.rating_add, name="plan_rating_add"),
    path("<int:plan_id>/memo/", views.plan_memo, name="plan_memo"),
    path("<int:plan_id>/memo.pdf", views.plan_memo_pdf, name="plan_memo_pdf"),
    path("<int:plan_id>/export.json", views.plan_export, name="plan_export"),
]
