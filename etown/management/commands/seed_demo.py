from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from etown import services
from etown.demo import data
from etown.models import County, ETown, Organization


class Command(BaseCommand):
    help = "载入演示区县（仅限 DEBUG 模式）：三个区县、四个项目、各角色演示账号。重复运行不会改变数据。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo 只能在 DEBUG 模式下运行：演示账号使用公开密码，不得出现在生产环境。")
        # The apps' seeders walk records through their workflows, which notify people:
        # keep the demo's e-mails out of the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
            created = seed()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪" + ("（本次新建）" if created else "（已存在，未改动）")))
        self.stdout.write("演示账号（密码均为 %s）：" % data.DEMO_PASSWORD)
        for username, full_name, role, county, org, title, _ in data.USERS:
            self.stdout.write(f"  {username:<12} {full_name} · {org} · {title}")
        for username, full_name, role, scope, province, city, org, title in data.REGIONAL_USERS:
            self.stdout.write(f"  {username:<12} {full_name} · {org} · {title}")


def seed(*, with_apps=True):
    """Create what is missing; never change what exists (so a second run is a no-op).

    ``with_apps=False`` builds only the registry (the tests' ``demo`` fixture), without
    the reports, inspections, funds and public column that the apps' seeders add."""
    User = get_user_model()
    system = User.objects.filter(username="system-seed").first()
    created_any = False
    if system is None:
        system = User.objects.create(username="system-seed", first_name="演示数据", is_active=False)
        system.set_unusable_password()
        system.save()
        created_any = True

    counties = {}
    for row in data.COUNTIES:
        county = County.objects.filter(name=row["name"]).first()
        if county is None:
            county = services.county_create(by=system, **row)
            created_any = True
        counties[row["name"]] = county

    orgs = {}
    for county_name, name, kind in data.ORGANIZATIONS:
        county = counties[county_name]
        org = Organization.objects.filter(county=county, name=name).first()
        if org is None:
            org = services.organization_create(by=system, name=name, kind=kind, county=county)
            created_any = True
        orgs[name] = org

    for username, full_name, role, county_name, org_name, title, is_head in data.USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=full_name, email=f"{username}@demo.invalid")
            user.set_password(data.DEMO_PASSWORD)
            user.save()
            services.membership_grant(
                user=user, role=role, county=counties[county_name], organization=orgs[org_name],
                title=title, is_head=is_head, by=system,
            )
            created_any = True

    for username, full_name, role, scope, province, city, org_name, title in data.REGIONAL_USERS:
        if User.objects.filter(username=username).exists():
            continue
        org = Organization.objects.filter(county=None, name=org_name).first() or services.organization_create(
            by=system, name=org_name, kind=Organization.Kind.DEPARTMENT, county=None,
        )
        user = User(username=username, first_name=full_name, email=f"{username}@demo.invalid")
        user.set_password(data.DEMO_PASSWORD)
        user.save()
        services.membership_grant(user=user, role=role, county=None, scope=scope, province=province, city=city,
                                  organization=org, title=title, by=system)
        created_any = True

    for spec in data.ETOWNS:
        county = counties[spec["county"]]
        if ETown.objects.filter(county=county, name=spec["name"]).exists():
            continue
        created_any = True
        fields = {
            k: v for k, v in spec.items() if k not in {"county", "contract", "tasks", "indicators", "agency"}
        }
        etown = services.etown_create(county=county, by=system, **fields)
        contract = dict(spec["contract"])
        contract["contractor"] = orgs[contract["contractor"]]
        services.contract_create(etown=etown, by=system, **contract)
        for position, (category, title, description, budget, progress) in enumerate(spec["tasks"]):
            task = services.task_create(
                etown=etown, by=system, category=category, title=title, description=description,
                budget=budget, position=position,
            )
            services.task_record_progress(task=task, progress=progress, by=system, reason="演示数据：初始进度")
        for position, (code, name, unit, comparator, target, period) in enumerate(spec["indicators"]):
            services.indicator_create(
                etown=etown, by=system, code=code, name=name, unit=unit, comparator=comparator,
                target=target, period=period, position=position,
            )
        if spec.get("agency"):
            services.etown_assign_agency(etown=etown, agency=orgs[spec["agency"]], by=system)

    # The other apps' demo records (reports, inspections, funds, the public column …),
    # registered on the hub so that etown does not import them.
    from etown.hub import hub

    for _key, seeder, _order in hub.demo_seeders if with_apps else ():
        created_any = bool(seeder(system)) or created_any
    return created_any


