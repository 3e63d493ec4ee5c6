from django.urls import path

from luotsi.intake import views

app_name = "intake"

urlpatterns = [
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<id:contact_id>/", views.contact_detail, name="contact_detail"),
    path("advice/", views.advice_list, name="advice_list"),
    path("advice/new/", views.advice_create, name="advice_create"),
    path("advice/<id:advice_id>/", views.advice_detail, name="advice_detail"),
    path("queue/", views.queue, name="queue"),
    path("my-work/", views.my_work, name="my_work"),
    path("assessments/<id:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<id:assessment_id>/result/", views.assessment_result,
         name="assessment_result"),
    path("assessments/<id:assessment_id>/result.pdf", views.assessment_result,
         {"as_pdf": True}, name="assessment_result_pdf"),
    path("assessments/<id:assessment_id>/responsible-worker/", views.responsible_worker,
         name="responsible_worker"),
    path("caseload/", views.caseload, name="caseload"),
]
