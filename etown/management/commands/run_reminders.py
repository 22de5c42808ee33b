import datetime

from django.core.management.base import BaseCommand

from etown.notifications import SWEEPS, run_sweeps


class Command(BaseCommand):
    help = "运行所有提醒扫描（与定时任务相同）；同一事项、类别、期限的提醒只发送一次。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")
        parser.add_argument("names", nargs="*", help=f"只运行这些扫描：{', '.join(sorted(SWEEPS)) or '（尚无）'}")

    def handle(self, *args, **options):
        today = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        results = run_sweeps(today, options["names"] or None)
        for name, sent in results.items():
            self.stdout.write(f"{name}: 发送 {sent} 条提醒")
        if not results:
            self.stdout.write("没有已登记的提醒扫描。")
