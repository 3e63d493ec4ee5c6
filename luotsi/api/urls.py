from django.urls import path

from luotsi.api import views

urlpatterns = [
    path("account/api-tokens/", views.token_list, name="api_tokens"),
    path("account/api-tokens/<id:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
