from django.apps import AppConfig


class BaselineConfig(AppConfig):
    name = "bench.baseline"
    label = "baseline"
    verbose_name = "Benchmark: naive baseline"
    default_auto_field = "django.db.models.BigAutoField"
