"""``manage.py seed_calendar``: enter the statutory holidays chinese-calendar knows.

Years already in the calendar (seeded before, or entered by an administrator) are left alone.
"""
from django.core.management.base import BaseCommand, CommandError

from etown.models import CalendarDay
from etown.workdays import package_years, seed_from_package


class Command(BaseCommand):
    help = "从 chinese-calendar 软件包导入法定节假日及调休（已有年度不覆盖）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--years", nargs="+", type=int, metavar="YEAR",
            help="只导入这些年度（默认：软件包已知的全部年度）。",
        )

    def handle(self, *args, years=None, **options):
        supported = package_years()
        if not supported:
            raise CommandError("chinese-calendar 软件包未提供任何年度的数据。")
        if years:
            unsupported = sorted(set(years) - set(supported))
            if unsupported:
                self.stderr.write(
                    self.style.WARNING(
                        "软件包不含以下年度，需由管理员在后台录入："
                        + "、".join(f"{year}年" for year in unsupported)
                    )
                )
        days_before = CalendarDay.objects.count()
        created_years = seed_from_package(years=years)
        created_days = CalendarDay.objects.count() - days_before
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入 {created_years} 个年度、{created_days} 天节假日及调休"
                f"（软件包已知 {supported[0]}–{supported[-1]} 年；已有年度未覆盖）。"
            )
        )
