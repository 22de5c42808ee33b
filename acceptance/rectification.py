"""The one place acceptance talks to supervision's rectification items.

Feedback problems of an evaluation and the rectification demands of a failed
acceptance review are ordinary rectification items (整改事项) of supervision, with
source "evaluation" / "acceptance" and the evaluation or review as their source object;
they follow supervision's workflow (evidence, verification, 销号, escalation) and its
funds check. Acceptance only creates them and reads whether they are closed.
"""
EVALUATION = "evaluation"
ACCEPTANCE = "acceptance"


def _services():
    from supervision import services_rectification

    return services_rectification


def _selectors():
    from supervision import selectors_rectification

    return selectors_rectification


def source_value(kind):
    from supervision.models import Rectification

    return Rectification.Source(kind)


def _names(value):
    """supervision takes lists of names (each may hold several separated by 、 or ，)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    return list(value or [])


def create_item(*, etown, kind, problem, measures, units, persons, deadline, by, source_obj, reason=""):
    return _services().rectification_create(
        etown=etown, source=source_value(kind), problem=problem, measures=measures, units=_names(units),
        persons=_names(persons), deadline=deadline, by=by, source_obj=source_obj, reason=reason,
    )


def import_items(*, etown, fileobj, kind, by, source_obj, year=None):
    return _services().rectifications_import(
        etown=etown, fileobj=fileobj, source=source_value(kind), by=by, source_obj=source_obj, year=year,
    )


def items_for(source_obj):
    return _selectors().items_for_source(source_obj)


def open_items_for(source_obj):
    return _selectors().open_items_for_source(source_obj)
