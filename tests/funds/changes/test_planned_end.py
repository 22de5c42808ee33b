"""An approved extension moves the project's planned completion (issue 15: the
extension moved the contract's end but not the e-town's 计划完成). 临猗资金办法 004
附件2 第十条: 延期申请写明项目竣工的具体时间，经领导小组同意后执行."""
import datetime

from funds import services
from funds.models import ChangeKind

from ..helpers import TODAY


def _extend(demo, new_end):
    change = services.change_create(
        contract=demo.contract, kind=ChangeKind.EXTENSION, title="物流中心延期竣工", content="物流仓储配送中心改造",
        reason="冷链设备供货延迟", new_term_end=new_end, by=demo.contractor, today=TODAY,
    )
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    change.refresh_from_db()
    services.change_approve(change=change, by=demo.office, note="情况属实")
    change.refresh_from_db()
    services.change_approve(change=change, by=demo.leader, note="同意延期")
    return change


def test_it_moves_the_etowns_planned_completion_with_history_when_an_extension_is_approved(demo, client_for):
    before = demo.etown.planned_end
    new_end = datetime.date(2027, 9, 30)
    assert before is None or before < new_end
    change = _extend(demo, new_end)
    demo.etown.refresh_from_db()
    assert demo.etown.planned_end == new_end
    latest = demo.etown.history.first()
    assert latest.history_user == demo.leader
    assert latest.history_change_reason.startswith(f"延期申请 {change.code} 经领导小组同意")
    page = client_for(demo.office).get(f"/etowns/{demo.etown.pk}/").content.decode()
    assert "2027年9月30日" in page


def test_it_never_brings_the_planned_completion_forward(demo):
    """Another contract of the project may end later: the project ends with its last one."""
    from etown.services import etown_update

    etown_update(etown=demo.etown, by=demo.office, reason="调整计划", planned_end=datetime.date(2027, 12, 31))
    _extend(demo, datetime.date(2027, 9, 30))
    demo.etown.refresh_from_db()
    assert demo.etown.planned_end == datetime.date(2027, 12, 31)
