"""The public windows and notices of the living demo county (issue 15), after the public
column of ``public.py``: opinions (意见建议) and reports (举报) from the column's windows
at different stages — answered (one opinion's answer published on the column), being
handled, new — and a past notice beside the running ones (安泽办法 002 第二十一条: the
column has an opinion window and a report window; 004 附件2 第十二条3: notices of at
least 5 working days).

Reports go to the auditors on duty, opinions to the office (etown.services.submissions);
each step is taken by the person who handles it. A second run changes nothing.
"""
import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import ETown, Notice, PublicSubmission
from ..services import notices as notice_services
from ..services import submissions as services
from ..workdays import WorkCalendar

FLAGSHIP = "临猗新城涑水e镇"
PAST_NOTICE = "临猗新城涑水e镇2026年第三季度建设进度公示"

OPINIONS = [
    # subject, content, reply, public question (None: not published), state
    ("公共服务中心周末能否开放直播间", "我是本村果农，想周末到电商公共服务中心直播卖苹果，直播间周末是否开放？怎么预约？",
     "电商公共服务中心直播间自 12 月起周六、周日 9:00—17:00 开放，可通过中心服务台或电话预约，免费使用。",
     "公共服务中心直播间周末是否开放、如何预约？", "replied"),
    ("建议增加冷库预约时段", "物流仓储配送中心冷库旺季排队时间长，建议增加夜间预约时段。",
     "已转承办企业研究，旺季将增设 18:00—22:00 预约时段，具体以中心公告为准。", None, "replied"),
    ("电商培训能否送到村里", "村里老人不方便到县城参加电商培训，能否到村里办班？", "", None, "processing"),
    ("网货产品开发征集", "我们合作社有红枣、柿饼，想参加网货产品开发，向哪里报名？", "", None, "new"),
]

REPORTS = [
    ("反映村级站点挂牌不运营", "某村电商服务站点挂牌后一直关门，没有人员值守，怀疑套取站点补助。",
     "经核查，该站点因值守人员离职停运 20 天，已责令承办企业 5 日内恢复运营，并纳入日常监督检查重点。", "closed"),
    ("反映培训签到造假", "有培训场次现场只有十几个人，签到表上却有五十多人。", "", "processing"),
    ("反映物流中心设备闲置", "物流中心新装的分拣设备一直没开机。", "", "new"),
]


def _staff(username):
    return get_user_model().objects.filter(username=username).first()


def seed_everything(system=None, today=None):
    office, auditor = _staff("office"), _staff("auditor")
    etown = ETown.objects.filter(name=FLAGSHIP).select_related("county").first()
    if office is None or auditor is None or etown is None:
        return False
    today = today or timezone.localdate()
    county = etown.county
    created = False
    if not PublicSubmission.objects.filter(county=county).exists():
        created = True
        for subject, content, reply, question, state in OPINIONS:
            submission, _code = services.submission_create(
                county=county, etown=etown, kind=PublicSubmission.Kind.OPINION, subject=subject, content=content,
                name="", contact="",
            )
            if state == "new":
                continue
            services.submission_accept(submission=submission, by=office)
            if state == "replied":
                services.submission_reply(submission=submission, reply=reply, by=office, publish=question is not None,
                                          public_question=question or "")
        for subject, content, reply, state in REPORTS:
            submission, _code = services.submission_create(
                county=county, etown=etown, kind=PublicSubmission.Kind.REPORT, subject=subject, content=content,
                name="", contact="",
            )
            if state == "new":
                continue
            services.submission_assign(submission=submission, handler=office, by=auditor)
            if state == "closed":
                services.submission_reply(submission=submission, reply=reply, by=auditor)
                services.submission_close(submission=submission, by=auditor, reason="已核查处理并答复举报人。")
    if not Notice.objects.filter(county=county, title=PAST_NOTICE).exists():
        created = True
        calendar = WorkCalendar()
        start = today - datetime.timedelta(days=60)
        while not calendar.is_workday(start):
            start -= datetime.timedelta(days=1)
        notice_services.notice_create(
            county=county, etown=etown, kind=Notice.Kind.GENERAL, by=office, start_date=start, title=PAST_NOTICE,
            body="2026年第三季度，临猗新城涑水e镇完成电商公共服务中心一层改造，物流仓储配送中心主体封顶，"
                 "开展电商培训 6 场 320 人次。详见本专栏“建设进度”栏目。",
        )
    return created
