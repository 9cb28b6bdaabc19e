from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.HelpView.as_view(), name="help"),
    path("contact/", views.ContactView.as_view(), name="contact"),
]
