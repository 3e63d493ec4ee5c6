from django.urls import path

from luotsi.organisation import oidc, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/oidc/login/", oidc.OIDCSignInView.as_view(), name="oidc_login"),
    path("auth/oidc/callback/", oidc.OIDCCallbackView.as_view(), name="oidc_callback"),
]
