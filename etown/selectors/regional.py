"""Reads of the regional dashboard (issue 16): the provinces, counties and e-towns a
city (地级市商务局), province (省商务厅) or national (商务部) official reads, with the
figures every app registers as a ``hub.Breakdown``. Every function answers one page of
the table in a fixed number of queries, so the page is the same size and cost for 5 or
500 e-towns."""
from collections import OrderedDict

from django.db.models import Count

from ..hub import hub
from ..models import County, ETown
from ..permissions import county_scope
from ..templatetags.portal import wan


def region_counties(user, province=""):
    """The counties the user reads (one province's when ``province`` is given)."""
    nationwide, county_ids = county_scope(user)
    qs = County.objects.all() if nationwide else County.objects.filter(pk__in=county_ids)
    if province:
        qs = qs.filter(province=province)
    return qs.order_by("province", "city", "name")


def provinces(counties):
    """[(province, counties, e-towns)] over the counties: one query."""
    return list(
        counties.order_by().values_list("province")
        .annotate(counties=Count("pk", distinct=True), etowns=Count("etowns"))
        .order_by("province")
    )


def phases_by(level, ids):
    """{id: {phase: count}} of e-towns per county (level "county"), one query."""
    result = {}
    for county_id, phase, n in (
        ETown.objects.filter(county_id__in=list(ids)).order_by().values_list("county_id", "phase").annotate(n=Count("pk"))
    ):
        result.setdefault(county_id, {})[phase] = n
    return result


def figures(level, ids):
    """[(breakdown, {id: value})] for every registered breakdown: one query or a few each;
    breakdowns that share a ``source`` share its one query."""
    ids = list(ids)
    sources, result = {}, []
    for b in hub.breakdowns:
        if not ids:
            values = {}
        elif b.source is not None:
            if b.source not in sources:
                sources[b.source] = b.source(level, ids)
            values = {pk: row.get(b.field) for pk, row in sources[b.source].items()}
        else:
            values = b.func(level, ids)
        result.append((b, values))
    return result


def table(level, objects):
    """Rows for a page of counties or e-towns: (object, [cells]) with a cell per breakdown."""
    objects = list(objects)
    columns = figures(level, [o.pk for o in objects])
    phase_counts = phases_by(level, [o.pk for o in objects]) if level == "county" else {}
    labels = OrderedDict(ETown.Phase.choices)
    rows = []
    for o in objects:
        cells = [_cell(b, values.get(o.pk)) for b, values in columns]
        phases = [(labels[p], n) for p, n in sorted(phase_counts.get(o.pk, {}).items(), key=lambda x: list(labels).index(x[0]))]
        rows.append({"object": o, "cells": cells, "phases": phases})
    return [b for b, _ in columns], rows


def _cell(breakdown, value):
    """One cell, with what the tables print worked out here rather than in the template
    (issue 16: a page of 30 e-towns × 10 columns spent more time in template lookups
    than in the database): a count without rows is 0, money is in 万元."""
    if value is None:
        text = "0" if breakdown.kind == "count" else "—"
    elif breakdown.kind == "money":
        text = wan(value)
    else:
        text = str(value)
    return {"breakdown": breakdown, "value": value, "key": breakdown.key, "label": breakdown.label, "text": text,
            "numeric": breakdown.kind != "text", "danger": bool(value) and breakdown.tone == "danger"}
