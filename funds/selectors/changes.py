"""The queue and the lists of change and extension requests (临猗资金办法 004 附件2
第九条、第十条)."""
from etown.permissions import visible_etowns_q

from ..models import ChangeRequest
from ..workflow import CHANGE_FLOW
from .requests import own_contracts_q, queue_q


def change_queue(user):
    return (
        ChangeRequest.objects.filter(queue_q(user, CHANGE_FLOW))
        .select_related("etown__county", "contract__contractor")
        .order_by("pk")
    )


def visible_changes(user, *, etown=None):
    qs = ChangeRequest.objects.filter(own_contracts_q(user), visible_etowns_q(user, "etown"))
    if etown is not None:
        qs = qs.filter(etown=etown)
    return qs.select_related("etown__county", "contract__contractor").order_by("-pk")
