from django.apps import AppConfig


class EtownConfig(AppConfig):
    name = "etown"
    verbose_name = "项目登记"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit  # noqa: F401  (connects the sign-in signal receivers)
        from . import hooks
        from .admin.roles import ensure_admin_groups

        post_migrate.connect(ensure_admin_groups, sender=self, dispatch_uid="etown-admin-groups")
        hooks.register()
