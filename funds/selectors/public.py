"""How the money was spent, for the public column and its open-data files (issue 15;
临猗资金办法 004 附件2 第四条: 向社会公开项目资金分配、使用情况; 004 §9(4) 资金使用情况).

Published facts only, nothing personal: per e-town the contract amount, 已拨付 (net, the
one definition of ``positions``, with the gross and what was clawed back beside it), the
retention held, and each disbursement made (date, amount, stage) — never a company
contact, an applicant, a voucher or a bank account. Two queries for any number of
e-towns and payments (``public_funds``).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from etown.models import Contract

from ..models import DisbursementRequest, RequestStatus
from .positions import (
    CLAWED_BACK_LABEL,
    GROSS_DISBURSED_LABEL,
    NET_DISBURSED_LABEL,
    ZERO,
    annotate_positions,
    disbursed_caption,
    position_of,
)

CONTRACT_AMOUNT_LABEL = "合同金额"
RETENTION_LABEL = "尾款留存"


@dataclass
class PublicFunds:
    """The published funds of one e-town."""

    contract_amount: Decimal = ZERO  # live contracts, after reductions (核减)
    gross_disbursed: Decimal = ZERO  # every contract, a terminated one too
    clawed_back: Decimal = ZERO
    retention_held: Decimal = ZERO  # live contracts
    disbursements: list = field(default_factory=list)

    @property
    def net_disbursed(self):
        return self.gross_disbursed - self.clawed_back

    @property
    def caption(self):
        return disbursed_caption(self.gross_disbursed, self.clawed_back)

    def values(self):
        """The flat figures of the open-data files (labels as on the page)."""
        return {
            CONTRACT_AMOUNT_LABEL: self.contract_amount,
            NET_DISBURSED_LABEL: self.net_disbursed,
            GROSS_DISBURSED_LABEL: self.gross_disbursed,
            CLAWED_BACK_LABEL: self.clawed_back,
            RETENTION_LABEL: self.retention_held,
        }

    def records(self):
        """Each disbursement made, for the open-data files."""
        return [
            {"record_type": "disbursement", "id": d.pk, "date": d.disbursed_on, "amount_yuan": d.disbursed_amount,
             "kind": d.kind, "kind_label": d.get_kind_display(), "title": stage_of(d)}
            for d in self.disbursements
        ]


def stage_of(request):
    """The stage a payment was made for: its kind, and the stage acceptance it rests on."""
    label = request.get_kind_display()
    stage = request.stage_acceptance
    name = getattr(stage, "stage_name", "") if stage is not None else ""
    return f"{label}（{name}）" if name else label


def public_funds(etowns):
    """{e-town id: PublicFunds} for the e-towns that have a contract (two queries)."""
    ids = [e.pk for e in etowns]
    out = {}
    for contract in annotate_positions(Contract.objects.filter(etown_id__in=ids).order_by()):
        p = position_of(contract)
        funds = out.setdefault(contract.etown_id, PublicFunds())
        funds.gross_disbursed += p.disbursed
        funds.clawed_back += p.clawed_back
        if contract.status != Contract.Status.TERMINATED:
            funds.contract_amount += p.ceiling
            funds.retention_held += p.retention_held
    if out:
        paid = (
            DisbursementRequest.objects.filter(etown_id__in=list(out), status=RequestStatus.DISBURSED)
            .select_related("stage_acceptance")
            .order_by("disbursed_on", "pk")
        )
        for d in paid:
            out[d.etown_id].disbursements.append(d)
    return out
