from django.urls import path

from luotsi.oma import auth_views, views

app_name = "oma"

urlpatterns = [
    path("", views.home, name="home"),
    path("demo/", views.demo_identification, name="demo"),
    path("language/", views.language, name="language"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
    path("plan/", views.plan, name="plan"),
    path("plan/<id:plan_id>/memo.pdf", views.memo_pdf, name="memo_pdf"),
    path("ratings/", views.ratings, name="ratings"),
    path("feedback/", views.feedback, name="feedback"),
    path("consents/", views.consents, name="consents"),
    path("consents/<id:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<id:consent_id>/accept/", views.consent_accept, name="consent_accept"),
    path("log/", views.access_log, name="access_log"),
    path("log/report.pdf", views.access_log_pdf, name="access_log_pdf"),
    path("auth/start/", auth_views.start, name="auth_start"),
    path("auth/callback/", auth_views.callback, name="auth_callback"),
    path("auth/jwks.json", auth_views.jwks, name="auth_jwks"),
]
