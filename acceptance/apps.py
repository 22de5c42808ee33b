from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "acceptance"
    verbose_name = "评价与验收"

    def ready(self):
        from . import hooks

        hooks.register()
