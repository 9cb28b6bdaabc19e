from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("export/", views.ExportView.as_view(), name="export"),
    path("erase/", views.erase, name="erase"),
    path("erased/", views.ErasedView.as_view(), name="erased"),
]
