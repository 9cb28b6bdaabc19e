"""The portal's URLs: the pages every app shares, then each app's."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as accounts_views
from core import metrics as core_metrics
from core import views as core_views

admin.site.site_header = _("Second Shot back office")
admin.site.site_title = _("Second Shot back office")
admin.site.index_title = _("Back office")


urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_metrics.metrics, name="metrics"),
    path("accounts/data/", include("privacy.urls")),
    path("accounts/", include("accounts.urls")),
    # Django's set_language (what django.conf.urls.i18n holds), wrapped to keep a
    # signed-in person's choice on their account.
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("", include("vouchers.urls")),
    path("help/", include("support.urls")),
    # The back office's password doors, limited as the portal's are; before the admin's
    # own paths, which they stand in for.
    path("admin/login/", accounts_views.admin_sign_in),
    path("admin/password_change/", accounts_views.admin_password_change),
    path("admin/", admin.site.urls),
]

# The 500 page names the request, so a person's report leads to its log lines.
handler500 = "core.views.server_error"
