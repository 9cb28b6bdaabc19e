from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = "Second Shot back office"
admin.site.site_title = "Second Shot back office"
admin.site.index_title = "Back office"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("", include("vouchers.urls")),
    path("admin/", admin.site.urls),
]
