"""The portal's URLs and the benchmark's floor page (``bench/README.md``)."""

from django.urls import path

from secondshot.urls import urlpatterns as portal

from .views import FloorView

urlpatterns = [path("bench/floor/", FloorView.as_view(), name="bench_floor"), *portal]
