from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "日常监管"

    def ready(self):
        # Each part registers its navigation, e-town panels, reminder sweeps and checks.
        from . import hooks_inspections, hooks_reports  # noqa: F401
