"""manage.py import_rectifications <etown-id> <file.xlsx>: import a feedback list as
rectification items of one e-town, all or nothing (services.rectification.rectifications_import)."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from etown.models import ETown, Membership, Role
from supervision.models import Rectification
from supervision.services.rectification import rectifications_import


class Command(BaseCommand):
    help = "把整改清单（Excel：序号、反馈问题、整改措施、责任单位、责任人、整改时限）导入为某个项目的整改事项；任何一行有误则整个文件不导入。"

    def add_arguments(self, parser):
        parser.add_argument("etown_id", type=int, help="e镇项目编号")
        parser.add_argument("file", help="整改清单 .xlsx 文件")
        parser.add_argument("--source", default=Rectification.Source.EVALUATION, choices=Rectification.Source.values,
                            help="问题来源（默认 evaluation：中期绩效评价）")
        parser.add_argument("--year", type=int, default=None, help="只写了月日的整改时限（如“10月底”）所属年份")
        parser.add_argument("--user", default=None,
                            help="以哪个用户的名义导入（用户名）；默认为该区县领导小组办公室负责人")

    def handle(self, *args, etown_id, file, source, year, user, **options):
        try:
            etown = ETown.objects.select_related("county").get(pk=etown_id)
        except ETown.DoesNotExist:
            raise CommandError(f"项目 {etown_id} 不存在。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        by = self._user(user, etown)
        with path.open("rb") as fileobj:
            try:
                items = rectifications_import(etown=etown, fileobj=fileobj, source=source, by=by, year=year)
            except ValidationError as error:
                raise CommandError("文件未导入：\n" + "\n".join(error.messages))
        self.stdout.write(self.style.SUCCESS(f"已为“{etown.name}”导入 {len(items)} 项整改事项（操作人：{by}）。"))

    def _user(self, username, etown):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"用户 {username} 不存在或已停用。")
        head = (
            Membership.objects.filter(role=Role.OFFICE, county=etown.county, is_head=True, user__is_active=True)
            .select_related("user").first()
        )
        if head is None:
            raise CommandError("该区县没有办公室负责人账号，请用 --user 指定操作人。")
        return head.user
