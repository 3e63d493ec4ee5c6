from django.urls import path

from luotsi.organisation import oidc, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.second_factor_view, name="second_factor"),
    path("login/authenticator/", views.second_factor_enrol, name="second_factor_enrol"),
    path("account/two-step-verification/", views.second_factor_account,
         name="second_factor_account"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/oidc/login/", oidc.OIDCSignInView.as_view(), name="oidc_login"),
    path("auth/oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_callback"),
]
