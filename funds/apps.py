from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = "专项资金"

    def ready(self):
        # Nav, panels, metrics, dossier and change-log sources, the objection receiver.
        from . import hooks
        from .services import gates

        hooks.register()
        gates.connect()  # the 拨付受阻 flag re-checked when what a gate reads is written
