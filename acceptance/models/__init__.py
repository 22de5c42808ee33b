from .evaluation import Evaluation  # noqa: F401
from .application import (  # noqa: F401
    AcceptanceApplication,
    AcceptanceReview,
    ApplicationMaterial,
    ChecklistItem,
    ReviewMethod,
)
from .dossier import DossierExport  # noqa: F401
