from django.apps import AppConfig


class EtownConfig(AppConfig):
    name = "etown"
    verbose_name = "项目登记"

    def ready(self):
        from . import audit  # noqa: F401  (connects the sign-in signal receivers)
        from .hub import NavItem, hub

        hub.register_nav(NavItem("工作台", "dashboard", order=0))
        hub.register_nav(NavItem("e镇项目", "etown_list", order=10))
