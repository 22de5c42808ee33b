"""Forms of etown, one module per sub-domain: ``common`` (``BootstrapMixin``, which
every app's forms use, and the reason fields), ``registry``, ``column`` (the office
pages behind the public column), ``submissions`` (the public windows and their
handling) and ``notices``.

The names are re-exported here: other apps import ``etown.forms.<name>``.
"""
from .column import DocumentForm, ProfileForm, profile_initial  # noqa: F401
from .common import BootstrapMixin, ReasonForm, ReasonMixin  # noqa: F401
from .notices import NoticeForm, OfflineObjectionForm  # noqa: F401
from .registry import (  # noqa: F401
    AgencyForm,
    ContractEditForm,
    ContractForm,
    ETownEditForm,
    ETownForm,
    IndicatorEditForm,
    IndicatorForm,
    OrganizationForm,
    TaskEditForm,
    TaskForm,
)
from .submissions import (  # noqa: F401
    PUBLIC_MAX_BYTES,
    AssignForm,
    LookupForm,
    PublicAttachmentField,
    PublishReplyForm,
    ReplyForm,
    SubmissionFilterForm,
    SubmissionForm,
)
