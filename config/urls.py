from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from config.api import api
from luotsi.organisation.forms import AdminLoginForm

admin.site.site_header = "Luotsi"
admin.site.site_title = "Luotsi"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("luotsi.home.urls")),
    path("", include("luotsi.organisation.urls")),
    path("", include("luotsi.people.urls")),
    path("", include("luotsi.access.urls")),
    path("", include("luotsi.api.urls")),
    path("intake/", include("luotsi.intake.urls")),
    path("reports/", include("luotsi.reports.urls")),
    path("foresight/", include("luotsi.foresight.urls")),
    path("plans/", include("luotsi.reports.effectiveness_urls")),
    path("plans/", include("luotsi.plans.urls")),
    path("service-usage/", include("luotsi.reports.indicator_urls")),
    path("shared-clients/", include("luotsi.sharedcare.urls")),
    path("service-usage/", include("luotsi.signals.urls")),
    path("oma/", include("luotsi.oma.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

handler400 = "luotsi.home.views.bad_request"
handler403 = "luotsi.home.views.permission_denied"
handler404 = "luotsi.home.views.page_not_found"
handler500 = "luotsi.home.views.server_error"
