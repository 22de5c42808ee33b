from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "日常监管"

    def ready(self):
        # Navigation, e-town panels, reminder sweeps, checks … all registered in one place.
        from .hooks import register
        from .selectors.inspection_due import connect

        register()
        connect()  # the stored due states follow every write (issue 16)
