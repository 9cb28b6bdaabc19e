from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("recover/<str:token>/", views.RecoverNumberView.as_view(), name="recover_number"),
]
