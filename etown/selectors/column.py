"""What the public column may show: the one place that decides "published".

Every public page and every open-data file reads through these functions, so a page and
its CSV/JSON cannot disagree, and nothing unpublished can reach either:

- an e-town appears only while its ``PublicProfile.is_published``;
- its tasks, indicators and hub panels only when their section is ticked;
- a document only while ``PublicDocument.is_published``;
- a notice only once published (a withdrawn one stays, with its reason);
- an opinion only when its reply is published, and then only the question as the office
  worded it for the public, never the sender.

Each function runs a fixed number of queries whatever the number of rows.
"""
from django.db.models import Avg, Count, Q
from django.http import Http404

from ..hub import hub
from ..models import County, ETown, Indicator, Notice, PublicDocument, PublicProfile, PublicSubmission, Task
from .registry import INDICATOR_MET, INTEGER, PERCENT, per_etown

PUBLISHED = Q(public_profile__is_published=True)


def public_counties():
    """Counties with at least one published e-town, with how many (one query)."""
    return (
        County.objects.filter(etowns__public_profile__is_published=True)
        .annotate(published_count=Count("etowns", distinct=True))
        .order_by("province", "city", "name")
    )


def get_county(pk):
    try:
        return County.objects.get(pk=pk)
    except (County.DoesNotExist, ValueError, TypeError):
        raise Http404("区县不存在")


def public_etowns(county):
    """The county's published e-towns with average task progress and indicators met,
    in one query. Figures of an unpublished section are blanked by ``shows()``."""
    return (
        ETown.objects.filter(PUBLISHED, county=county)
        .select_related("public_profile", "county")
        .annotate(
            task_progress=per_etown(Task, Avg("progress"), PERCENT),
            task_count=per_etown(Task, Count("pk"), INTEGER),
            indicator_count=per_etown(Indicator, Count("pk"), INTEGER),
            indicator_met=per_etown(Indicator, Count("pk", filter=INDICATOR_MET), INTEGER),
        )
        .order_by("name")
    )


def get_public_etown(pk):
    """A published e-town, or 404 (a draft column and a missing one look the same)."""
    try:
        return ETown.objects.select_related("county", "public_profile").get(PUBLISHED, pk=pk)
    except (ETown.DoesNotExist, ValueError, TypeError):
        raise Http404("项目不存在或未公开")


def public_documents(county, etown=None):
    """Published documents: the e-town's own and the county-wide ones (for the county
    page: the county-wide ones and those of published e-towns)."""
    qs = PublicDocument.objects.filter(county=county, is_published=True).select_related("file", "etown")
    if etown is not None:
        qs = qs.filter(Q(etown=etown) | Q(etown__isnull=True))
    else:
        qs = qs.filter(Q(etown__isnull=True) | Q(etown__public_profile__is_published=True))
    return qs.order_by("etown_id", "kind", "-issued_on", "pk")


def get_public_document(pk):
    try:
        return PublicDocument.objects.select_related("file", "etown__public_profile").get(
            Q(etown__isnull=True) | Q(etown__public_profile__is_published=True), pk=pk, is_published=True,
        )
    except (PublicDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("文件不存在或未公开")


def public_tasks(etown):
    if not etown.public_profile.shows(PublicProfile.SECTION_PROGRESS):
        return None
    return list(etown.tasks.all())


def public_indicators(etown):
    if not etown.public_profile.shows(PublicProfile.SECTION_INDICATORS):
        return None
    return list(etown.indicators.all())


def public_panels(request, etown):
    """The hub's public panels the office ticked for this e-town."""
    panels = [p for p in hub.public_panels if etown.public_profile.shows(p.key)]
    return hub.render_panels(panels, request, etown)


def public_notices(county, *, etown=None):
    """Published notices, newest first. A notice is a publication of its own (the flow
    or the office published it), so it is listed even when its e-town's page is not;
    the template links the e-town only when that page is public."""
    qs = Notice.objects.filter(county=county, is_published=True).select_related("etown__public_profile")
    if etown is not None:
        qs = qs.filter(etown=etown)
    return qs.order_by("-start_date", "-pk")


def with_states(notices, today):
    """The notices as a list, each with ``state_key`` and ``state_label`` for ``today``
    (templates cannot call ``state(today)``)."""
    notices = list(notices)
    for n in notices:
        n.state_key, n.state_label = n.state(today)
    return notices


def split_notices(notices, today):
    """(current, past): running or upcoming ones first; ended or withdrawn ones after."""
    current, past = [], []
    for n in with_states(notices, today):
        (current if n.state_key in ("running", "upcoming") else past).append(n)
    return current, past


def get_public_notice(pk):
    try:
        return Notice.objects.select_related("county", "etown__public_profile").get(pk=pk, is_published=True)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404("公示不存在")


def published_replies(county):
    return (
        PublicSubmission.objects.filter(county=county, kind=PublicSubmission.Kind.OPINION, reply_published=True)
        .select_related("etown__public_profile")
        .order_by("-replied_at", "-pk")
    )


def etown_is_public(etown):
    """For templates: may this e-town be linked / named as a column page?"""
    profile = getattr(etown, "public_profile", None) if etown is not None else None
    return bool(profile and profile.is_published)
