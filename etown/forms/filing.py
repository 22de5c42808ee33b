"""Forms of the plan filing (004 附件2 第四条)."""
from django import forms

from ..uploads import DOCUMENTS, UploadField
from .common import BootstrapMixin


class PlanNoticeForm(BootstrapMixin, forms.Form):
    start_date = forms.DateField(label="公示开始日期", error_messages={"required": "请填写公示开始日期。",
                                                                  "invalid": "日期格式不正确。"},
                                 help_text="公示 5 个工作日（按法定工作日历）。")


class PlanFilingForm(BootstrapMixin, forms.Form):
    filed_on = forms.DateField(label="备案日期", error_messages={"required": "请填写备案日期。", "invalid": "日期格式不正确。"})
    filed_to = forms.CharField(label="备案单位", max_length=200, initial="运城市商务局、山西省商务厅",
                               error_messages={"required": "请填写备案单位。"})
    document_number = forms.CharField(label="备案文号", max_length=60, error_messages={"required": "请填写备案文号。"})
    upload = UploadField(label="备案文件", allowed=DOCUMENTS, error_messages={"required": "请上传备案文件。"},
                         help_text="报备函或省商务厅备案回执。")
