"""The small registry through which the apps above etown plug into its pages.

``etown`` never imports supervision, funds or acceptance. Each of them registers, in
its ``AppConfig.ready()``, the navigation entries and the e-town page panels it owns;
etown's views render whatever is registered. A new kind of record adds its panel in
its own app instead of editing the hub.
"""
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 100
    # Shown when visible(user) is true; None means every signed-in user.
    visible: Callable | None = None


@dataclass(frozen=True)
class Panel:
    """A section of the e-town page. ``context(request, etown)`` returns a dict for
    ``template``, or None to hide the panel for this user."""

    key: str
    title: str
    template: str
    context: Callable
    order: int = 100


@dataclass(frozen=True)
class Check:
    """A named condition another app contributes to a decision of a third (e.g.
    supervision's "no overdue rectification item" for funds' disbursement gates), so
    that funds reads it without importing supervision's internals.

    ``func(etown, **context)`` returns (passed: bool, reason: str)."""

    group: str
    key: str
    label: str
    func: Callable
    order: int = 100


@dataclass
class Hub:
    nav: list = field(default_factory=list)
    panels: list = field(default_factory=list)
    dashboard_cards: list = field(default_factory=list)
    checks: list = field(default_factory=list)

    def register_check(self, check):
        if (check.group, check.key) not in {(c.group, c.key) for c in self.checks}:
            self.checks.append(check)
            self.checks.sort(key=lambda c: c.order)

    def checks_for(self, group):
        return [c for c in self.checks if c.group == group]

    def register_nav(self, item):
        if item.url_name not in {n.url_name for n in self.nav}:
            self.nav.append(item)
            self.nav.sort(key=lambda n: n.order)

    def register_panel(self, panel):
        if panel.key not in {p.key for p in self.panels}:
            self.panels.append(panel)
            self.panels.sort(key=lambda p: p.order)

    def register_dashboard_card(self, panel):
        if panel.key not in {p.key for p in self.dashboard_cards}:
            self.dashboard_cards.append(panel)
            self.dashboard_cards.sort(key=lambda p: p.order)

    def nav_for(self, user):
        return [n for n in self.nav if n.visible is None or n.visible(user)]

    def render_panels(self, panels, request, obj):
        rendered = []
        for panel in panels:
            ctx = panel.context(request, obj)
            if ctx is not None:
                rendered.append({"panel": panel, "context": ctx})
        return rendered


hub = Hub()
