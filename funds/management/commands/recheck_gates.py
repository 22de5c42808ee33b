"""Re-check the disbursement gates of every request in flight at once (the 拨付受阻 flag,
issue 15), those already checked today included. The daily sweep skips what was checked
today (issue 16), and writes re-check their e-towns as they commit; what neither sees, a
bulk import or a data fix by ``QuerySet.update()``, is corrected by this command without
waiting for the next morning."""
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from funds.models import IN_FLIGHT, DisbursementRequest
from funds.services.gates import gates_refresh


class Command(BaseCommand):
    help = "重新核验所有在途拨付申请的拨付条件（含今天已核验的），更新“拨付受阻”标记；用于批量导入或直接修改数据之后。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期核验（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        gates_refresh(today)
        in_flight = DisbursementRequest.objects.filter(status__in=IN_FLIGHT, gates_checked_on=today)
        held = in_flight.exclude(blocked_gates="").count()
        self.stdout.write(f"已重新核验 {in_flight.count()} 件在途申请，其中 {held} 件拨付受阻。")
