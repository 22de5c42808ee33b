from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from etown.models import County
from supervision.exports.reports import write_monthly_workbook
from supervision.permissions import can_export_monthly_data
from supervision.selectors.reports import parse_month


class Command(BaseCommand):
    help = "导出某月的乡村e镇月度数据报表（Excel），范围为指定用户可见的项目。"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="报表月份，如 2026-10")
        parser.add_argument("--user", required=True, help="以该用户的可见范围导出（用户名）")
        parser.add_argument("--out", required=True, help="输出文件路径（.xlsx）")
        parser.add_argument("--county", help="只导出该区县（名称）")
        parser.add_argument("--include-pending", action="store_true", help="包含已报送但尚未审核的月报数据")

    def handle(self, *args, **options):
        month = parse_month(options["month"])
        if month is None:
            raise CommandError("月份格式应为 年-月，如 2026-10。")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['user']} 不存在或已停用。")
        verdict = can_export_monthly_data(user)
        if not verdict:
            raise CommandError(verdict.reason)
        county = None
        if options["county"]:
            county = County.objects.filter(name=options["county"]).first()
            if county is None:
                raise CommandError(f"区县 {options['county']} 不存在。")
        n = write_monthly_workbook(
            options["out"], user=user, month=month, county=county, include_pending=options["include_pending"],
        )
        self.stdout.write(self.style.SUCCESS(f"已导出 {n} 个项目：{options['out']}"))
