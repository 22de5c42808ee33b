"""Helpers of the inspection tests (imported by test_*.py; holds no tests itself)."""
import datetime

from django.utils import timezone

from supervision.services.inspections import inspection_create

D = datetime.date
TODAY = timezone.localdate()


def inspect(demo, *, etown=None, category="construction", on=None, by=None, **kw):
    return inspection_create(etown=etown or demo.etown, category=category, inspected_on=on or TODAY,
                             methods=kw.pop("methods", ["site_visit", "documents"]), by=by or demo.office, **kw)
