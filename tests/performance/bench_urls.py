"""The portal's URLs with the benchmark's floor page routed, as ``BENCH=1`` routes it."""

from django.urls import path

from secondshot.urls import urlpatterns as portal
from vouchers.views.bench import FloorView

urlpatterns = [path("bench/floor/", FloorView.as_view(), name="bench_floor"), *portal]
