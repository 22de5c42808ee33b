"""The small registry through which the apps above etown plug into its pages.

``etown`` never imports supervision, funds or acceptance. Each of them registers, in
its ``AppConfig.ready()``, the navigation entries and the e-town page panels it owns;
etown's views render whatever is registered. A new kind of record adds its panel in
its own app instead of editing the hub.
"""
from dataclasses import dataclass, field
from typing import Callable

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

# Sent after a row of a model some Check ``watches`` is saved or deleted (inside the
# writing transaction), with ``instance``: funds re-checks the requests in flight it
# concerns when the transaction commits. Only the watched models get a receiver: one on
# every model would make Django load every row a QuerySet.delete() removes.
check_input_written = Signal()


def _check_input_written(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata
        check_input_written.send(sender=sender, instance=instance)


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
    # Public panels only: ``data(etown)`` returns the panel's published figures as a flat
    # dict for the open-data files (CSV/JSON).
    data: Callable | None = None
    # Public panels only, the batch form (issue 15): ``data_for(etowns)`` returns
    # {etown id: {"values": {label: value}, "records": [dict, ...]}} for many e-towns in a
    # fixed number of queries; each record has ``record_type``, ``id``, ``date``,
    # ``amount_yuan``, ``kind``, ``kind_label`` and ``title`` (see docs/OPEN_DATA.md).
    data_for: Callable | None = None


@dataclass(frozen=True)
class Check:
    """A named condition another app contributes to a decision of a third (e.g.
    supervision's "no overdue rectification item" for funds' disbursement gates), so
    that funds reads it without importing supervision's internals.

    ``func(etown, **context)`` returns (passed: bool, reason: str).

    ``overridable`` says whether an office head may let the check pass with a recorded
    reason. It defaults to NO: only a check the county's documents leave to discretion
    (a material the office holds on paper) may declare it. The prohibitions the
    documents make absolute — overdue or failed rectification (004 附件2 第十二条3:
    整改后仍不合格的，专项资金不予拨付), a failed acceptance, an evaluation 不合格 or
    基本合格 before its rectification is closed (002 第十八条) — never do.

    ``batch(requests, today=...)``, optional, is the set-based form (issue 16: the daily
    sweep re-evaluates every request in flight of the country): it returns
    {request.pk: (passed, reason)} for many saved requests in a fixed number of queries,
    for each exactly what ``func(request.etown, today=today, request=request)`` returns.
    A check without it is called once per request.

    ``watches``: the models whose writes may change the check's answer, as labels
    ("supervision.Rectification"); each row names its e-town (``etown_id``) or its county
    (``county_id``: every e-town of it). funds re-checks the requests in flight of those
    e-towns when such a write commits, by whatever path (a service, the admin, an
    import), so the 拨付受阻 flag the dashboards count does not wait for the daily sweep."""

    group: str
    key: str
    label: str
    func: Callable
    order: int = 100
    overridable: bool = False
    batch: Callable | None = None
    watches: tuple = ()


@dataclass(frozen=True)
class Metric:
    """A figure for the county dashboard. ``func(county_ids)`` gets the set of county
    ids the viewer may see (None: the whole province) and returns a number, or a dict
    {label: number} for a chart series. ``url_name`` links to the list behind it.

    Figures read from one table may share one query (issue 16, as ``Breakdown`` does):
    ``source(county_ids)`` returns a dict of several figures and ``field`` names this
    one's; the dashboard calls each source once. ``func`` then defaults to the source's
    field, so a metric reads the same alone or beside its siblings."""

    key: str
    label: str
    func: Callable | None = None
    group: str = "概况"
    order: int = 100
    url_name: str = ""
    tone: str = "primary"  # Bootstrap tone when the figure is non-zero (danger for overdue)
    source: Callable | None = None
    field: str = ""

    def __post_init__(self):
        if self.func is None:
            if self.source is None or not self.field:
                raise ValueError(f"metric {self.key}: give func, or source and field")
            object.__setattr__(self, "func", lambda county_ids: self.source(county_ids)[self.field])


@dataclass
class Breakdown:
    """A figure per county and per e-town for the regional dashboard (issue 16: 省商务厅,
    市商务局, 商务部). ``func(level, ids)`` with ``level`` "county" or "etown" returns
    {id: value} for just those ids (one page of the table), in a fixed number of queries
    whatever their number. ``kind``: "count", "money" (Decimal yuan) or "text"."""

    key: str
    label: str
    func: Callable
    order: int = 100
    kind: str = "count"
    tone: str = "primary"  # Bootstrap tone when the figure is non-zero (danger for overdue)
    # Several columns read from one query: ``source(level, ids)`` returns {id: {field:
    # value}} and is called once per table for every breakdown naming it; this column
    # shows ``field``. ``func`` stays the column's own function for other callers.
    source: Callable | None = None
    field: str = ""


@dataclass(frozen=True)
class DossierItem:
    """One document of an e-town's dossier (档案, 004 annex 2 art. 18). Either a stored
    upload or a generated document (``content`` is called to produce its bytes)."""

    category: str  # 合同 / 月报 / 检查 / 督办函 / 资金 / 评价 / 验收 …
    title: str
    date: object  # datetime.date or None
    source: str  # who produced it: 承办企业 / 办公室 / 第三方机构 / 系统生成
    filename: str
    stored_file: object = None
    content: Callable | None = None
    # A file the source claims but that is not filed (issue 15): a draft's materials were
    # never submitted (004 附件3 第四条（一）), so they are neither a document of the
    # dossier nor one of its 其他附件.
    excluded: bool = False


@dataclass
class Hub:
    nav: list = field(default_factory=list)
    panels: list = field(default_factory=list)
    dashboard_cards: list = field(default_factory=list)
    checks: list = field(default_factory=list)
    metrics: list = field(default_factory=list)
    breakdowns: list = field(default_factory=list)
    public_panels: list = field(default_factory=list)
    dossier_sources: dict = field(default_factory=dict)
    demo_seeders: list = field(default_factory=list)
    file_guards: list = field(default_factory=list)

    def register_demo_seeder(self, key, func, order=100):
        """``func(system_user)`` adds an app's part of the demo county; idempotent, like
        ``manage.py seed_demo``, which calls every seeder after the registry's own data."""
        if key not in {k for k, _, _ in self.demo_seeders}:
            self.demo_seeders.append((key, func, order))
            self.demo_seeders.sort(key=lambda s: s[2])

    def register_file_guard(self, func):
        """``func(user, stored_file)`` → True (the file belongs to a record the user may
        see), False (to a record hidden from the user: another contractor's, issue 11) or
        None (not the app's file). The download view refuses a file any guard says False
        to (etown.views.files.can_download)."""
        if func not in self.file_guards:
            self.file_guards.append(func)

    def register_metric(self, metric):
        if metric.key not in {m.key for m in self.metrics}:
            self.metrics.append(metric)
            self.metrics.sort(key=lambda m: m.order)

    def register_breakdown(self, breakdown):
        if breakdown.key not in {b.key for b in self.breakdowns}:
            self.breakdowns.append(breakdown)
            self.breakdowns.sort(key=lambda b: b.order)

    def register_public_panel(self, panel):
        """A section of the public e-town page. Its context must contain only published,
        non-personal facts: the page is readable without signing in."""
        if panel.key not in {p.key for p in self.public_panels}:
            self.public_panels.append(panel)
            self.public_panels.sort(key=lambda p: p.order)

    def register_dossier_source(self, key, func):
        """``func(etown)`` returns an iterable of DossierItem. A source that also takes
        ``contract=`` is given the contract when the dossier is for one contract's
        acceptance (issue 11: its items are then that contract's only)."""
        self.dossier_sources[key] = func

    def dossier_items(self, etown, contract=None):
        """Every registered source's items, in the order of their keys."""
        import inspect

        items = []
        for key in sorted(self.dossier_sources):
            func = self.dossier_sources[key]
            takes_contract = "contract" in inspect.signature(func).parameters
            items.extend(func(etown, contract=contract) if contract is not None and takes_contract else func(etown))
        return items

    def register_check(self, check):
        if (check.group, check.key) not in {(c.group, c.key) for c in self.checks}:
            self.checks.append(check)
            self.checks.sort(key=lambda c: c.order)
        self.watch(*check.watches)

    def watch(self, *labels):
        """Send ``check_input_written`` on every save and delete of these models."""
        from django.apps import apps

        for label in labels:
            model = apps.get_model(label)
            post_save.connect(_check_input_written, sender=model, dispatch_uid=f"hub.watch.save:{label}")
            post_delete.connect(_check_input_written, sender=model, dispatch_uid=f"hub.watch.delete:{label}")

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


def national_cached(key, compute):
    """A whole-country figure (``county_ids`` None: 商务部 and other national read-only
    roles), kept for ``DASHBOARD_CACHE_SECONDS`` (default 60; 0 with DEBUG, so tests and
    ``make run`` always compute). Issue 16: the national aggregates (due states of every
    e-town, money of every contract, contractors repeatedly overdue) are set-based SQL
    but still read every row of the country — 0.1–0.3 s of database time per dashboard —
    while the figures they feed change slowly and are the same for every national user;
    county, city and province scopes are always computed."""
    from django.conf import settings
    from django.core.cache import cache

    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 0 if settings.DEBUG else 60)
    if not seconds:
        return compute()
    full_key = f"etown:national:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value
