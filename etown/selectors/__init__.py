"""Read-side queries of etown: ``registry`` (the user's e-towns with their figures,
scoped by ``etown.permissions``) and ``column`` (what the public column may show: the
one place that decides "published").

The names are re-exported here: other apps read ``etown.selectors.<name>``.
"""
from .column import (  # noqa: F401
    PUBLISHED,
    etown_is_public,
    get_county,
    get_public_document,
    get_public_etown,
    get_public_notice,
    public_counties,
    public_documents,
    public_etowns,
    public_indicators,
    public_notices,
    public_panels,
    public_tasks,
    published_replies,
    split_notices,
    with_states,
)
from .registry import (  # noqa: F401
    INDICATOR_MET,
    INTEGER,
    MONEY,
    PERCENT,
    etown_summaries,
    per_etown,
    phase_counts,
)
