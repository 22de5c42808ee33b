"""How etown plugs its own pages into the hub (called by EtownConfig.ready): the
navigation entries and the public column's part of the demo county."""
from .hub import NavItem, hub
from .models import COUNTY_WIDE_ROLES, Role
from .permissions import has_role


def _is_office(user):
    return has_role(user, Role.OFFICE)


def _is_government(user):
    """County-wide roles: office, department reviewers, leading group, auditors."""
    return has_role(user, *COUNTY_WIDE_ROLES)


def _is_auditor(user):
    return has_role(user, Role.AUDITOR)


def _handles_submissions(user):
    """Office staff and auditors handle the windows; the leading group and reviewers
    may read opinions but have no inbox entry in the menu."""
    return has_role(user, Role.OFFICE, Role.AUDITOR)


def _seed_public(system):
    from .demo.public import seed_public

    return seed_public()


def register():
    hub.register_demo_seeder("public", _seed_public, order=90)

    hub.register_nav(NavItem("工作台", "dashboard", order=0))
    hub.register_nav(NavItem("e镇项目", "etown_list", order=10))
    hub.register_nav(NavItem("县级看板", "county_dashboard", order=5, visible=_is_government))
    hub.register_nav(NavItem("公开专栏", "column_manage", order=80, visible=_is_office))
    hub.register_nav(NavItem("意见与举报", "submission_list", order=82, visible=_handles_submissions))
    hub.register_nav(NavItem("变更追溯", "change_trail", order=90, visible=_is_auditor))
