from .clawbacks import ClawbackProposal, ProposalStatus, ProposalTrigger  # noqa: F401
from .changes import ChangeKind, ChangeRequest, ChangeStatus, ChangeStep  # noqa: F401
from .ledger import (  # noqa: F401
    Asset,
    AssetInspection,
    AssetState,
    Clawback,
    ClawbackBasis,
    ClawbackKind,
    LedgerEntry,
)
from .policy import FundsPolicy  # noqa: F401
from .requests import (  # noqa: F401
    DUTY_ACTIONS,
    EDITABLE,
    IN_FLIGHT,
    DisbursementRequest,
    GateOverride,
    MaterialKind,
    Objection,
    RequestKind,
    RequestMaterial,
    RequestStatus,
    RequestStep,
    StepAction,
)
