"""The disbursement approval form (拨付审批表) as PDF: every step of the chain with its
actor and time, the gates as they stand, overrides in red (the dossier's record of the
payment, 临猗资金办法第十八条; 安泽办法第八条)."""
from django.utils import timezone

from etown.documents import render_pdf

from ..selectors.gates import for_display
from ..selectors.positions import contract_position


def approval_form_context(dr):
    steps = list(dr.steps.select_related("actor"))
    return {
        "dr": dr,
        "etown": dr.etown,
        "contract": dr.contract,
        "tasks": list(dr.tasks.all()),
        "materials": list(dr.materials.select_related("file")),
        "steps": steps,
        "overrides": list(dr.overrides.all()),
        "objections": list(dr.objections.all()),
        "position": contract_position(dr.contract, request=dr),
        "gates": for_display(dr, today=timezone.localdate()),
        "printed_at": timezone.localtime(),
    }


def approval_form_pdf(dr):
    return render_pdf("funds/approval_form_pdf.html", approval_form_context(dr))
