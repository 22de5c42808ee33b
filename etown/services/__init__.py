"""Every write of etown, one module per sub-domain: ``registry`` (counties,
organisations, memberships, e-towns, contracts, tasks, indicators), ``column`` (the
public column's pages and documents), ``submissions`` (the public windows), and
``common.save_with_history``, which every app's services use.

The names are re-exported here: other apps call ``etown.services.<name>``.
"""
from .column import (  # noqa: F401
    document_create,
    document_publish,
    document_unpublish,
    profile_update,
    section_choices,
)
from .common import save_with_history  # noqa: F401
from .registry import (  # noqa: F401
    AGENCY_PERMS,
    CONTRACTOR_PERMS,
    contract_change_terms,
    contract_create,
    contract_lock_terms,
    contract_record_final_acceptance,
    contract_terminate,
    contract_update,
    county_create,
    etown_assign_agency,
    etown_create,
    etown_unassign_agency,
    etown_update,
    indicator_create,
    indicator_record_actual,
    indicator_update,
    membership_end,
    membership_grant,
    membership_update,
    organization_create,
    organization_update,
    task_create,
    task_record_progress,
    task_update,
)
from .submissions import (  # noqa: F401
    MAX_CONTENT,
    MAX_REPLY,
    MAX_SUBJECT,
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    new_tracking_code,
    normalize_code,
    submission_accept,
    submission_assign,
    submission_close,
    submission_create,
    submission_lookup,
    submission_publish_reply,
    submission_reply,
    tracking_hash,
)
