"""Open data: the published column as JSON and CSV, per county and per e-town.

The format is documented in docs/OPEN_DATA.md and versioned (``FORMAT_VERSION``): fields
are only ever added; a rename or removal bumps the version. Everything comes from
``etown.selectors.column``, the same functions the pages use, so a file holds exactly
what the pages show. Money is a decimal string in 元 (exact, never a float); dates are
ISO 8601.
"""
import csv
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from ..hub import hub
from ..selectors import column as selectors
from ..spreadsheets import csv_value

FORMAT_NAME = "etown-public-column"
FORMAT_VERSION = 1

CSV_COLUMNS = [
    "record_type", "county", "etown_id", "etown_name", "record_id", "category", "title", "unit", "comparator",
    "target", "actual", "actual_as_of", "percent", "amount_yuan", "date", "end_date", "workdays", "status", "text",
    "reply", "url",
]


def _money(value):
    return None if value is None else f"{Decimal(value):.2f}"


def _dec(value):
    if value is None:
        return None
    text = f"{Decimal(value).normalize():f}"
    return text


def _date(value):
    return value.isoformat() if value else None


def _indicator_status(i):
    if i.actual is None:
        return "pending", "待填报"
    return ("met", "已达成") if i.is_met() else ("not_met", "未达成")


def _batched_panel_data(etowns):
    """{panel key: {etown id: {"values": ..., "records": ...}}} of the panels offering
    ``data_for(etowns)``: one call per panel for every e-town that shows it, so a county
    file costs the same number of queries whatever its size (issue 15)."""
    out = {}
    for panel in hub.public_panels:
        if callable(getattr(panel, "data_for", None)):
            shown = [e for e in etowns if e.public_profile.shows(panel.key)]
            out[panel.key] = panel.data_for(shown) if shown else {}
    return out


def _record(r):
    return {
        "record_type": r["record_type"], "id": r["id"], "date": _date(r.get("date")),
        "amount_yuan": _money(r.get("amount_yuan")), "kind": r.get("kind"), "kind_label": r.get("kind_label"),
        "title": r.get("title"),
    }


def _panel_data(etown, batched=None):
    """Figures of the hub's public panels that offer machine-readable data: a panel
    with a ``data(etown)`` callable returning a flat {label: value} dict, or a batch
    ``data_for(etowns)`` (its figures and its records, e.g. each disbursement made)."""
    out = {}
    batched = batched if batched is not None else _batched_panel_data([etown])
    for panel in hub.public_panels:
        if not etown.public_profile.shows(panel.key):
            continue
        if panel.key in batched:
            found = batched[panel.key].get(etown.pk)
            if found is not None:
                out[panel.key] = {
                    "title": panel.title,
                    "values": {str(k): _jsonable(v) for k, v in found.get("values", {}).items()},
                    "records": [_record(r) for r in found.get("records", [])],
                }
            continue
        data = getattr(panel, "data", None)
        if callable(data):
            values = data(etown)
            if values is not None:
                out[panel.key] = {"title": panel.title, "values": {str(k): _jsonable(v) for k, v in values.items()}}
    return out


def _jsonable(value):
    if isinstance(value, Decimal):
        return _dec(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _notice(n, today, absolute):
    key, label = n.state(today)
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": n.get_kind_display(),
        "title": n.title,
        "body": n.body,
        "start_date": _date(n.start_date),
        "end_date": _date(n.end_date),
        "workdays": n.workdays,
        "state": key,
        "state_label": label,
        "withdrawn_reason": n.withdrawn_reason if n.withdrawn_at else None,
        # A notice of an e-town whose page is not public does not point at it.
        "etown_id": n.etown_id if selectors.etown_is_public(n.etown) else None,
        "url": absolute(reverse("public_notice", args=[n.pk])),
    }


def _document(d, absolute):
    return {
        "id": d.pk,
        "kind": d.kind,
        "kind_label": d.get_kind_display(),
        "title": d.title,
        "issued_on": _date(d.issued_on),
        "etown_id": d.etown_id,
        "file_name": d.file.original_name,
        "content_type": d.file.content_type,
        "size": d.file.size,
        "sha256": d.file.sha256,
        "url": absolute(reverse("public_file", args=[d.pk])),
    }


def published_subject(s):
    text = " ".join((s.public_question or "").split())
    return text if len(text) <= 30 else text[:29] + "…"


def _reply(s, absolute):
    return {
        "id": s.pk,
        # Never the sender's own subject line, which may carry a name or a phone number:
        # the title is taken from the question as the office worded it for publication.
        "subject": published_subject(s),
        "question": s.public_question,
        "reply": s.reply,
        "replied_on": _date(timezone.localdate(s.replied_at)) if s.replied_at else None,
        "etown_id": s.etown_id if selectors.etown_is_public(s.etown) else None,
    }


def _etown(e, documents, notices, today, absolute, batched=None):
    profile = e.public_profile
    tasks = selectors.public_tasks(e)
    indicators = selectors.public_indicators(e)
    return {
        "id": e.pk,
        "name": e.name,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "leading_industries": e.leading_industries,
        "area_km2": _dec(e.area_km2),
        "boundary": e.boundary,
        "planned_investment_yuan": _money(e.planned_investment),
        "phase": e.phase,
        "phase_label": e.get_phase_display(),
        "status": e.status,
        "status_label": e.get_status_display(),
        "dates": {
            "preparation_start": _date(e.preparation_start),
            "implementation_start": _date(e.implementation_start),
            "evaluation_start": _date(e.evaluation_start),
            "acceptance_start": _date(e.acceptance_start),
            "planned_end": _date(e.planned_end),
        },
        "summary": profile.summary,
        "sections": list(profile.sections or []),
        "url": absolute(reverse("public_etown", args=[e.pk])),
        "tasks": None if tasks is None else [
            {
                "id": t.pk,
                "category": t.category,
                "category_label": t.get_category_display(),
                "title": t.title,
                "description": t.description,
                "budget_yuan": _money(t.budget),
                "planned_completion": _date(t.planned_completion),
                "progress_percent": t.progress,
            }
            for t in tasks
        ],
        "indicators": None if indicators is None else [
            {
                "id": i.pk,
                "code": i.code,
                "name": i.name,
                "unit": i.unit,
                "comparator": i.comparator_symbol,
                "target": _dec(i.target),
                "period": i.period,
                "period_label": i.get_period_display(),
                "actual": _dec(i.actual),
                "actual_as_of": _date(i.actual_as_of),
                "percent_of_target": _dec(i.percent_of_target()),
                "status": _indicator_status(i)[0],
                "status_label": _indicator_status(i)[1],
            }
            for i in indicators
        ],
        "documents": [_document(d, absolute) for d in documents if d.etown_id == e.pk],
        "notices": [_notice(n, today, absolute) for n in notices if n.etown_id == e.pk],
        "panels": _panel_data(e, batched),
    }


def build(request, county, etown=None):
    """The JSON document for a county (every published e-town) or for one e-town."""
    today = timezone.localdate()
    absolute = request.build_absolute_uri
    if etown is not None:
        etowns = [etown]
    else:
        # Tasks and indicators of every e-town in two queries, not two per e-town.
        etowns = list(selectors.public_etowns(county).prefetch_related("tasks", "indicators"))
    documents = list(selectors.public_documents(county, etown))
    notices = list(selectors.public_notices(county, etown=etown))
    replies = selectors.published_replies(county)
    batched = _batched_panel_data(etowns)
    if etown is not None:
        replies = replies.filter(etown=etown)
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "county": {
            "id": county.pk,
            "name": county.name,
            "province": county.province,
            "city": county.city,
            "url": absolute(reverse("public_county", args=[county.pk])),
        },
        "etowns": [_etown(e, documents, notices, today, absolute, batched) for e in etowns],
        # County-wide documents (no e-town); those of an e-town sit under it.
        "documents": [_document(d, absolute) for d in documents if d.etown_id is None],
        # Notices of no particular e-town, and notices of e-towns whose page is not public.
        "notices": [
            _notice(n, today, absolute) for n in notices if n.etown_id not in {e.pk for e in etowns}
        ] if etown is None else [],
        "replies": [_reply(s, absolute) for s in replies],
    }


def _row(**values):
    """One CSV row; a text a spreadsheet would run as a formula (=, +, -, @, tab, CR)
    is written as text (etown.spreadsheets.csv_value; issue 14 item 4)."""
    return [("" if values.get(c) is None else csv_value(values.get(c))) for c in CSV_COLUMNS]


def to_csv(data):
    """The same content as the JSON, one fact per row (long format), UTF-8 with a BOM
    so that Excel opens the Chinese text correctly."""
    county = data["county"]["name"]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def notice_row(n, e=None):
        return _row(
            record_type="notice", county=county, etown_id=n["etown_id"], etown_name=e["name"] if e else "",
            record_id=n["id"], category=n["kind_label"], title=n["title"], date=n["start_date"],
            end_date=n["end_date"], workdays=n["workdays"], status=n["state_label"],
            text=n["withdrawn_reason"] or "", url=n["url"],
        )

    def document_row(d, e=None):
        return _row(
            record_type="document", county=county, etown_id=d["etown_id"], etown_name=e["name"] if e else "",
            record_id=d["id"], category=d["kind_label"], title=d["title"], date=d["issued_on"], url=d["url"],
        )

    for e in data["etowns"]:
        base = {"county": county, "etown_id": e["id"], "etown_name": e["name"]}
        writer.writerow(_row(
            record_type="etown", record_id=e["id"], category=e["kind_label"], title=e["name"],
            amount_yuan=e["planned_investment_yuan"], date=e["dates"]["implementation_start"],
            end_date=e["dates"]["planned_end"], status=e["phase_label"], text=e["leading_industries"], url=e["url"],
            **base,
        ))
        for t in e["tasks"] or []:
            writer.writerow(_row(
                record_type="task", record_id=t["id"], category=t["category_label"], title=t["title"],
                percent=t["progress_percent"], amount_yuan=t["budget_yuan"], end_date=t["planned_completion"],
                **base,
            ))
        for i in e["indicators"] or []:
            writer.writerow(_row(
                record_type="indicator", record_id=i["id"], category=i["period_label"], title=i["name"],
                unit=i["unit"], comparator=i["comparator"], target=i["target"], actual=i["actual"],
                actual_as_of=i["actual_as_of"], percent=i["percent_of_target"], status=i["status_label"], **base,
            ))
        for key, panel in e["panels"].items():
            for label, value in panel["values"].items():
                writer.writerow(_row(record_type="panel", record_id=key, category=panel["title"], title=label,
                                     actual=value, **base))
            for r in panel.get("records", []):
                writer.writerow(_row(record_type=r["record_type"], record_id=r["id"], category=r["kind_label"],
                                     title=r["title"], amount_yuan=r["amount_yuan"], date=r["date"], **base))
        for d in e["documents"]:
            writer.writerow(document_row(d, e))
        for n in e["notices"]:
            writer.writerow(notice_row(n, e))
    for d in data["documents"]:
        writer.writerow(document_row(d))
    for n in data["notices"]:
        writer.writerow(notice_row(n))
    for r in data["replies"]:
        writer.writerow(_row(
            record_type="reply", county=county, etown_id=r["etown_id"], record_id=r["id"], title=r["subject"],
            date=r["replied_on"], text=r["question"], reply=r["reply"],
        ))
    return out.getvalue()
