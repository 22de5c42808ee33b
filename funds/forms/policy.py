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
