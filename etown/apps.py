from django.apps import AppConfig


class EtownConfig(AppConfig):
    name = "etown"
    verbose_name = "项目登记"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit  # noqa: F401  (connects the sign-in signal receivers)
        from .admin_roles import ensure_admin_groups

        post_migrate.connect(ensure_admin_groups, sender=self, dispatch_uid="etown-admin-groups")
        from .hub import NavItem, hub

        hub.register_nav(NavItem("工作台", "dashboard", order=0))
        hub.register_nav(NavItem("e镇项目", "etown_list", order=10))
