"""Who may see and do what on the registry.

County-wide roles (office, reviewer, leading group, auditor) read every e-town of their
county; a city (地级市商务局), province (省商务厅) or national (商务部) membership reads every
e-town of its city, province or the country and changes nothing, except where a rule says
the province acts (``reach=PROVINCE_REACH``, e.g. the evaluations the province organises). Contractors and
third-party agencies read only the e-towns their organisation is assigned to, through
django-guardian object permissions granted to the organisation's group.

The ``can_<verb>(user, obj)`` functions return a ``Verdict``: truthy when allowed, with
a Chinese reason when not, so views and templates can say why a button is missing.

The public column and its windows:

- The county office publishes the column and its documents, manages notices, and
  handles opinions (意见建议).
- Reports of wrongdoing (举报) are for the audit and discipline roles only (审计局,
  纪委监委: 004 annex 3 art. 9, 004 §9(4)); an office staff member sees one only when an
  auditor assigns it to them, and never sees who sent it. Contractors and agencies see
  none of the windows' messages.
- Auditors read everything of their county, opinions included, and the change trail.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from .audit import record_denied
from .models import COUNTY_WIDE_ROLES, WIDE_SCOPES, ETown, PublicSubmission, Role, Scope


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    # Refused because the record moved on (a colleague handled it a moment ago), not
    # because of who asks: ``require`` raises AlreadyHandled (a message), not a 403.
    stale: bool = False

    def __bool__(self):
        return self.allowed


ALLOW = Verdict(True)
LOST_RACE = "已由他人处理"


def stale(reason):
    """A refusal for the record's state: a lost race, never a 403 or a security event."""
    return Verdict(False, reason, stale=True)


class AlreadyHandled(ValidationError):
    """A click that lost a race (the record was handled by someone else meanwhile): shown
    as a message on the page it came from (etown.middleware.AlreadyHandledMiddleware),
    not as a 403 and not in the security log (issue 13)."""


def require(verdict):
    """Raise PermissionDenied (403) with the verdict's Chinese reason when it refuses.
    Services call it on their actor, whoever calls them; views on the request's user.
    A ``stale`` verdict (the record's state moved on) raises AlreadyHandled instead."""
    if not verdict:
        if verdict.stale:
            raise AlreadyHandled(f"{LOST_RACE}：{verdict.reason}")
        raise PermissionDenied(verdict.reason)


def memberships(user):
    """The user's memberships, loaded once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_etown_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("county", "organization"))
        user._etown_memberships = cached
    return cached


def roles(user):
    return {m.role for m in memberships(user)}


def has_role(user, *wanted):
    return bool(roles(user) & set(wanted))


# How far a scope test reaches beyond the county (issue 16). Reads reach every scope;
# a check for a particular role (mostly a write: register, approve, inspect) reaches only
# county memberships unless the rule names a wider reach: city, province and national
# staff are read-mostly, and national staff change nothing at all.
READ_REACH = frozenset({Scope.COUNTY, Scope.CITY, Scope.PROVINCE, Scope.NATIONAL})
COUNTY_REACH = frozenset({Scope.COUNTY})
PROVINCE_REACH = frozenset({Scope.COUNTY, Scope.PROVINCE})


def _default_reach(wanted_roles):
    return READ_REACH if set(wanted_roles) == COUNTY_WIDE_ROLES else COUNTY_REACH


def _wide_county_ids(user):
    """{membership pk: county ids} for the user's city and province memberships, in one
    query for all of them, cached on the user like its memberships."""
    cached = getattr(user, "_etown_wide_counties", None)
    if cached is not None:
        return cached
    from .models import County

    wide = [m for m in memberships(user) if m.scope in (Scope.CITY, Scope.PROVINCE)]
    cached = {}
    if wide:
        q = Q(pk__in=[])
        for m in wide:
            q |= Q(province=m.province, city=m.city) if m.scope == Scope.CITY else Q(province=m.province)
        rows = list(County.objects.filter(q).values_list("pk", "province", "city"))
        for m in wide:
            cached[m.pk] = {
                pk for pk, province, city in rows
                if province == m.province and (m.scope == Scope.PROVINCE or city == m.city)
            }
    user._etown_wide_counties = cached
    return cached


def county_scope(user, wanted_roles=COUNTY_WIDE_ROLES, *, reach=None):
    """(nationwide, county_ids) over the memberships with one of ``wanted_roles`` whose
    scope is in ``reach``: a county membership gives its county, a city or province
    membership every county of its city or province, a national one the whole country.
    ``reach`` defaults to every scope for the read roles (``COUNTY_WIDE_ROLES``) and to
    county memberships alone for any other set of roles (``READ_REACH`` for a read of a
    particular role, ``PROVINCE_REACH`` where the province acts)."""
    reach = _default_reach(wanted_roles) if reach is None else reach
    nationwide = False
    county_ids = set()
    for m in memberships(user):
        if m.role not in wanted_roles or m.scope not in reach:
            continue
        if m.scope == Scope.NATIONAL:
            nationwide = True
        elif m.scope == Scope.COUNTY:
            county_ids.add(m.county_id)
        else:
            county_ids |= _wide_county_ids(user).get(m.pk, set())
    return nationwide, county_ids


def in_scope(user, county_id, wanted_roles=COUNTY_WIDE_ROLES, *, reach=None):
    """Does one of the user's memberships with a role in ``wanted_roles`` (and a scope in
    ``reach``, see ``county_scope``) cover the county? The one scope test of the portal:
    every app asks it here, never by hand."""
    nationwide, county_ids = county_scope(user, wanted_roles, reach=reach)
    return nationwide or county_id in county_ids


def has_scope(user, wanted_roles=COUNTY_WIDE_ROLES, *, reach=None):
    """Does the user hold one of ``wanted_roles`` for at least one county (through a
    county, city, province or national membership in ``reach``)?"""
    nationwide, county_ids = county_scope(user, wanted_roles, reach=reach)
    return nationwide or bool(county_ids)


def scope_label(user):
    """What the user's widest read scope is called, for page titles: 全国, a province, a
    city, or "" for county staff."""
    labels = [m.area_label for m in memberships(user) if m.scope in WIDE_SCOPES and m.role in COUNTY_WIDE_ROLES]
    return "、".join(dict.fromkeys(labels))


def visible_etowns(user, base=None):
    """Every e-town the user may read, as a queryset (one query when evaluated, plus
    guardian's permission look-up)."""
    base = ETown.objects.all() if base is None else base
    return base.filter(visible_etowns_q(user))


def visible_etowns_q(user, path=""):
    """The condition of ``visible_etowns`` on a model that reaches its e-town through
    ``path`` (e.g. "etown"), as a filter on the join the query makes anyway.

    ``etown__in=visible_etowns(user)`` is an IN (SELECT …) that PostgreSQL plans as one
    more relation: on the review queue, whose page joins seven tables, planning took
    7 ms with it and under 2 ms without (issue 16's national benchmark)."""
    prefix = f"{path}__" if path else ""
    if not user.is_authenticated:
        return Q(pk__in=[])
    nationwide, county_ids = county_scope(user)
    if nationwide:
        return Q()
    condition = Q(**{f"{prefix}county_id__in": county_ids})
    if has_role(user, Role.CONTRACTOR, Role.AGENCY):
        assigned = get_objects_for_user(
            user, "etown.view_etown", klass=ETown.objects.all(), accept_global_perms=False, with_superuser=False
        )
        condition |= Q(**{f"{prefix}pk__in": assigned.values("pk")})
    return condition


def can_view_etown(user, etown):
    if in_scope(user, etown.county_id, COUNTY_WIDE_ROLES):
        return ALLOW
    if has_role(user, Role.CONTRACTOR, Role.AGENCY) and user.has_perm("etown.view_etown", etown):
        return ALLOW
    return Verdict(False, "您无权查看该项目。")


def can_manage_registry(user, county_id):
    """Register e-towns and edit their contracts, tasks and targets: the county's office."""
    if in_scope(user, county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以登记和修改项目信息。")


def can_edit_etown(user, etown):
    return can_manage_registry(user, etown.county_id)


def can_report_for(user, etown):
    """File reports, ledger entries and responses as the e-town's contractor."""
    if has_role(user, Role.CONTRACTOR) and user.has_perm("etown.report_etown", etown):
        return ALLOW
    return Verdict(False, "仅该项目的承办企业可以填报。")


def can_inspect(user, etown):
    if in_scope(user, etown.county_id, {Role.OFFICE}):
        return ALLOW
    if has_role(user, Role.AGENCY) and user.has_perm("etown.inspect_etown", etown):
        return ALLOW
    return Verdict(False, "仅领导小组办公室或受委托的第三方机构可以开展检查。")


def office_counties(user):
    """Counties in which the user may register e-towns (for the create form)."""
    from .models import County

    province_wide, county_ids = county_scope(user, {Role.OFFICE})
    return County.objects.all() if province_wide else County.objects.filter(pk__in=county_ids)


def authorize_etown(user, etown, *, write=None):
    """404 when the user may not see the e-town (an outsider learns nothing, not even
    that it exists); 403 when they may see it but ``write`` (a ``can_`` function)
    refuses. Refusals go to the security audit log."""
    if not can_view_etown(user, etown):
        record_denied(user, f"etown:{etown.pk}", "无权查看")
        raise Http404("项目不存在")
    if write is not None:
        verdict = write(user, etown)
        if not verdict and verdict.stale:
            require(verdict)  # a lost race: a message, not a security event
        if not verdict:
            record_denied(user, f"etown:{etown.pk}", verdict.reason)
            raise PermissionDenied(verdict.reason)
    return etown


def get_etown_for(user, pk, *, write=None):
    """Fetch an e-town and authorise in one step (see ``authorize_etown``)."""
    try:
        etown = ETown.objects.select_related("county").get(pk=pk)
    except (ETown.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在")
    return authorize_etown(user, etown, write=write)


def get_child_for(user, model, pk, *, write=None, related=()):
    """Fetch a record that hangs off an e-town (contract, task, indicator, report …) and
    authorise through its e-town, with the same 404/403 rules."""
    try:
        obj = model.objects.select_related("etown__county", *related).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在")
    authorize_etown(user, obj.etown, write=write)
    return obj


# The public column and its windows --------------------------------------------------


def _in(user, county_id, roles):
    return in_scope(user, county_id, roles)


def can_manage_column(user, county_id):
    if _in(user, county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以管理公开专栏和公示。")


def can_view_submission(user, submission):
    if submission.kind == PublicSubmission.Kind.REPORT:
        if _in(user, submission.county_id, {Role.AUDITOR}):
            return ALLOW
        if submission.handler_id and submission.handler_id == user.pk and _in(user, submission.county_id, {Role.OFFICE}):
            return ALLOW
        return Verdict(False, "举报件仅纪检监察、审计人员及其指定的承办人可以查看。")
    if _in(user, submission.county_id, COUNTY_WIDE_ROLES):
        return ALLOW
    return Verdict(False, "您无权查看该意见。")


def can_see_sender(user, submission):
    """The sender's name and contact: for a report the audit roles alone; for an
    opinion also the office that answers it."""
    roles = {Role.AUDITOR} if submission.kind == PublicSubmission.Kind.REPORT else {Role.AUDITOR, Role.OFFICE}
    if _in(user, submission.county_id, roles):
        return ALLOW
    return Verdict(False, "来信人信息仅办理人员可见。")


def can_handle_submission(user, submission):
    """Accept, reply to and close: the office for opinions, the audit roles for reports."""
    if submission.status == PublicSubmission.Status.CLOSED:
        return Verdict(False, "该件已办结。")
    if submission.kind == PublicSubmission.Kind.REPORT:
        if _in(user, submission.county_id, {Role.AUDITOR}):
            return ALLOW
        return Verdict(False, "举报件由纪检监察、审计人员办理。")
    if _in(user, submission.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "意见建议由领导小组办公室办理。")


def can_assign_submission(user, submission):
    if submission.kind != PublicSubmission.Kind.REPORT:
        return Verdict(False, "只有举报件需要指定承办人。")
    if submission.status == PublicSubmission.Status.CLOSED:
        return Verdict(False, "该件已办结。")
    if _in(user, submission.county_id, {Role.AUDITOR}):
        return ALLOW
    return Verdict(False, "仅纪检监察、审计人员可以指定举报件的承办人。")


def can_publish_reply(user, submission):
    if submission.kind != PublicSubmission.Kind.OPINION:
        return Verdict(False, "举报件的答复不公开。")
    if not submission.reply:
        return Verdict(False, "尚未答复，不能公开。")
    if _in(user, submission.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以公开答复。")


def can_read_citizen_text(user, county_id):
    """The words of a citizen's objection or message (with any name, ID number or phone in
    them) reach those who handle them: the county's office and the auditors (issue 14;
    004 附件3 第九条, 保护举报人、异议人). The contractor and the agency see only that an
    objection stopped the work and the office's summary of how it was dealt with."""
    if _in(user, county_id, {Role.OFFICE, Role.AUDITOR}):
        return ALLOW
    return Verdict(False, "异议内容仅办理人员和审计监督人员可见。")


def can_view_change_trail(user):
    if has_scope(user, {Role.AUDITOR}, reach=READ_REACH):
        return ALLOW
    return Verdict(False, "变更追溯仅审计、纪检监察人员可以查看。")


def can_view_regional_dashboard(user):
    """The regional dashboard: a city, province or national membership with a read role."""
    if any(m.scope in WIDE_SCOPES and m.role in COUNTY_WIDE_ROLES for m in memberships(user)):
        return ALLOW
    return Verdict(False, "区域看板仅地级市、省级和全国主管部门人员可以查看。")


def can_view_county_dashboard(user):
    if has_scope(user):
        return ALLOW
    return Verdict(False, "县级看板仅政府部门人员可以查看。")


def visible_submissions(user):
    """The messages the user may open, as a queryset: opinions of their county for the
    county-wide roles; reports for the audit roles, or the ones assigned to them."""
    qs = PublicSubmission.objects.all()
    if not user.is_authenticated:
        return qs.none()
    wide_all, wide = county_scope(user, COUNTY_WIDE_ROLES)
    audit_all, audit = county_scope(user, {Role.AUDITOR})
    office_all, office = county_scope(user, {Role.OFFICE})
    opinion = Q(kind=PublicSubmission.Kind.OPINION)
    if not wide_all:
        opinion &= Q(county_id__in=wide)
    report = Q(kind=PublicSubmission.Kind.REPORT)
    if not audit_all:
        assigned = Q(handler=user)
        if not office_all:
            assigned &= Q(county_id__in=office)
        report &= Q(county_id__in=audit) | assigned
    if not (wide_all or wide):
        return qs.none()
    return qs.filter(opinion | report)


def get_submission_for(user, pk, *, write=None, request=None):
    """Fetch and authorise one message: 404 when the user may not see it (an outsider
    learns nothing, not even that a report exists), 403 when ``write`` refuses."""
    try:
        submission = PublicSubmission.objects.select_related(
            "county", "etown", "notice", "attachment", "handler", "replied_by"
        ).get(pk=pk)
    except (PublicSubmission.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在")
    verdict = can_view_submission(user, submission)
    if not verdict:
        record_denied(user, f"submission:{pk}", verdict.reason, request=request)
        raise Http404("记录不存在")
    if write is not None:
        verdict = write(user, submission)
        if not verdict:
            record_denied(user, f"submission:{pk}", verdict.reason, request=request)
            raise PermissionDenied(verdict.reason)
    return submission


def can_retry_job(user, job):
    """A background job (etown.models.Job) may be queued again by whoever asked for it,
    or by the county office when it is a record's (a letter's PDF, a report)."""
    if user.is_authenticated and job.requested_by_id == user.pk:
        return ALLOW
    if job.county_id and in_scope(user, job.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "只有申请人或县级主管部门可以重试该任务。")
