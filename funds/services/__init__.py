"""Every write of the funds app: ``<entity>_<verb>(*, ..., by)``, atomic, with row locks
and history. Views, hooks, commands and tests call these."""
from .changes import (  # noqa: F401
    change_approve,
    change_create,
    change_record_higher_approval,
    change_return,
    change_submit,
    change_update,
    change_withdraw,
)
from .ledger import (  # noqa: F401
    asset_create,
    asset_record_inspection,
    clawback_record,
    ledger_record,
    ledger_reverse,
    normalize_invoice,
    policy_chain_update,
    policy_update,
)
from .requests import (  # noqa: F401
    OBJECTION_NOTE,
    disbursement_add_material,
    disbursement_approve,
    disbursement_create,
    disbursement_disburse,
    disbursement_record_meeting,
    disbursement_record_objection,
    disbursement_remove_material,
    disbursement_resume_notice,
    disbursement_return,
    disbursement_start_notice,
    disbursement_submit,
    disbursement_update,
    disbursement_withdraw,
    gate_override_record,
)
