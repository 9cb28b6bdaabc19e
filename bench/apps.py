from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark: its data set (``seed_load``) and its floor page; installed only by
    ``bench/settings.py``."""

    name = "bench"
    verbose_name = "Benchmark"
