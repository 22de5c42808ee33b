"""The county's funds settings: its finance department, the ledger's contract
threshold and the notice period (at least 5 working days, 004 附件2 第十二条第3项)."""
from django import forms

from etown.models import Organization

from ..models.policy import MIN_NOTICE_WORKDAYS
from .common import StyledForm


class PolicyForm(StyledForm):
    finance_department = forms.ModelChoiceField(label="财政部门", queryset=None, required=False,
                                                empty_label="（自动：名称含“财政局”的部门）")
    ledger_contract_threshold = forms.DecimalField(label="单笔支出须附合同的金额（元）", max_digits=16, decimal_places=2,
                                                   min_value=0)
    notice_workdays = forms.IntegerField(
        label="拨付公示期（工作日）", min_value=MIN_NOTICE_WORKDAYS,
        error_messages={"min_value": "公示期不少于 5 个工作日（临猗资金办法第十二条第3项）。"},
    )
    reason = forms.CharField(label="修改原因", max_length=200)

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finance_department"].queryset = Organization.objects.filter(
            county=county, kind=Organization.Kind.DEPARTMENT
        )


class ChainForm(StyledForm):
    """The county's disbursement chain (issue 12): the optional steps, the clause that
    sets them, a reason and an explicit confirmation."""

    department_review = forms.BooleanField(label="财政部门审核", required=False)
    leader_approval = forms.BooleanField(label="领导小组审批", required=False)
    executive_meeting = forms.BooleanField(label="县政府常务会议审议", required=False)
    payment_notice = forms.BooleanField(label="拨付前公示（期满无异议后拨付）", required=False)
    stage_acceptance = forms.BooleanField(label="进度款须经阶段验收", required=False)
    chain_clause = forms.CharField(label="拨付程序依据", max_length=300,
                                   help_text="本县规定拨付程序的文件及条款，如“临猗资金办法（004 附件2）第三条、第十二条”。",
                                   error_messages={"required": "请写明本县规定拨付程序的文件及条款。"})
    reason = forms.CharField(label="修改原因", max_length=200, error_messages={"required": "请填写修改原因。"})
    confirmed = forms.BooleanField(
        label="我已核对：保存后，所有在途和今后的拨付申请按新的程序审批", required=False,
    )
