from .evaluation import Evaluation  # noqa: F401
from .application import (  # noqa: F401
    AcceptanceApplication,
    AcceptanceReview,
    ApplicationMaterial,
    ChecklistItem,
    ResultStage,
    ReviewMethod,
)
from .conclusion import ConclusionReturn, ResultObjection  # noqa: F401
from .dossier import DossierExport  # noqa: F401
