"""The registry: counties, organisations, roles, e-towns and what they contract to build."""
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 16, "decimal_places": 2}
PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class County(models.Model):
    name = models.CharField("区县名称", max_length=50, unique=True)
    province = models.CharField("省份", max_length=30, default="山西省")
    city = models.CharField("地级市", max_length=30, blank=True)
    office_name = models.CharField(
        "领导小组办公室名称", max_length=100,
        help_text="督办函等公文的发文机关，如“临猗县乡村e镇工作领导小组办公室”。",
    )
    letter_code = models.CharField(
        "督办函机关代字", max_length=30, blank=True,
        help_text="文号中的机关代字，如“临乡村e镇办督”，文号形如 临乡村e镇办督〔2026〕3号。",
    )
    report_due_day = models.PositiveSmallIntegerField(
        "月报报送日", default=5, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="承办企业须在次月此日前报送月报；遇非工作日顺延至下一个工作日。",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "区县"
        ordering = ["province", "city", "name"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "政府部门"
        CONTRACTOR = "contractor", "承办企业"
        AGENCY = "agency", "第三方机构"

    name = models.CharField("单位名称", max_length=100)
    # Short names the county's lists use for the organisation (涑水电商, 县商务局 …): the
    # Excel import and the forms resolve a responsible unit to the organisation by its full
    # name or one of these (issue 11, supervision.selectors.scope.resolve_units).
    aliases = models.CharField(
        "简称", max_length=200, blank=True, help_text="整改清单等文件中使用的简称或曾用名，多个用顿号分隔。",
    )
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices)
    county = models.ForeignKey(
        County, verbose_name="所属区县", on_delete=models.PROTECT, null=True, blank=True,
        related_name="organizations", help_text="省级单位或跨区县的第三方机构可留空。",
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    # Object permissions are granted to this group, so a new staff member of a contractor
    # sees the e-towns of the company without a permission row per person.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, editable=False, related_name="organization")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(
                fields=["county", "name"], name="org_unique_name_in_county",
                violation_error_message="本区县已登记同名单位。",
            )]

    def __str__(self):
        return self.name

    @property
    def alias_list(self):
        text = self.aliases.replace("，", "、").replace(",", "、")
        return [a.strip() for a in text.split("、") if a.strip()]


class Role(models.TextChoices):
    OFFICE = "office", "领导小组办公室"
    REVIEWER = "reviewer", "部门审核人员"
    LEADER = "leader", "领导小组"
    AGENCY = "agency", "第三方机构"
    CONTRACTOR = "contractor", "承办企业"
    AUDITOR = "auditor", "审计监督"


# Roles that read every record of their county. Contractors and agencies see only the
# e-towns they are assigned to (guardian object permissions).
COUNTY_WIDE_ROLES = {Role.OFFICE, Role.REVIEWER, Role.LEADER, Role.AUDITOR}


class Scope(models.TextChoices):
    """How far a membership reaches (issue 16): the programme is run by the county's
    leading group, supervised by the city's 商务局 and organised by the province's 商务厅
    (002 第十八条：省商务厅组织……开展评价; 004 附件2 第十七条：报市、省备案), with 商务部
    reading the whole country."""

    COUNTY = "county", "区县"
    CITY = "city", "地级市"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "全国"


# City, province and national memberships read every record of the counties they cover
# and change none of them, except where a rule says the province acts (etown.permissions).
WIDE_SCOPES = {Scope.CITY, Scope.PROVINCE, Scope.NATIONAL}


class Membership(models.Model):
    """A user's role, scoped to a county, a city (地级市), a province or the whole country
    (``scope``; the city and province are named as in ``County.city`` / ``County.province``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    scope = models.CharField(
        "范围", max_length=10, choices=Scope.choices, default=Scope.COUNTY,
        help_text="区县角色须填区县；地级市角色填省份和地级市；省级角色填省份；全国角色只读。",
    )
    county = models.ForeignKey(
        County, verbose_name="区县", on_delete=models.PROTECT, null=True, blank=True,
        related_name="memberships", help_text="区县角色必填；地级市、省级、全国角色留空。",
    )
    province = models.CharField("省份", max_length=30, blank=True, help_text="地级市和省级角色所在省份，与区县的“省份”一致。")
    city = models.CharField("地级市", max_length=30, blank=True, help_text="地级市角色所在地级市，与区县的“地级市”一致。")
    organization = models.ForeignKey(
        Organization, verbose_name="所在单位", on_delete=models.PROTECT, null=True, blank=True, related_name="memberships",
    )
    title = models.CharField("职务", max_length=50, blank=True)
    is_head = models.BooleanField("负责人", default=False, help_text="办公室负责人可记录例外放行等需负责人决定的事项。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "用户角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "county"], name="membership_unique_role"),
            models.CheckConstraint(
                condition=(
                    models.Q(scope="county", county__isnull=False)
                    | models.Q(scope="city", county__isnull=True) & ~models.Q(province="") & ~models.Q(city="")
                    | models.Q(scope="province", county__isnull=True) & ~models.Q(province="")
                    | models.Q(scope="national", county__isnull=True)
                ),
                name="membership_scope_names_its_area",
                violation_error_message="角色范围与所填区县、地级市、省份不一致。",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area_label}"

    @property
    def area_label(self):
        if self.scope == Scope.COUNTY:
            return str(self.county)
        if self.scope == Scope.CITY:
            return f"{self.province}{self.city}"
        if self.scope == Scope.PROVINCE:
            return self.province
        return "全国"


class ETown(models.Model):
    class Kind(models.TextChoices):
        ETOWN = "etown", "乡村e镇"
        DEMONSTRATION = "demonstration", "电子商务进农村综合示范"

    class Phase(models.TextChoices):
        PREPARATION = "preparation", "组织准备"
        IMPLEMENTATION = "implementation", "项目实施"
        EVALUATION = "evaluation", "绩效评价"
        ACCEPTANCE = "acceptance", "总结验收"
        CLOSED = "closed", "已结项"

    class Status(models.TextChoices):
        ACTIVE = "active", "正常推进"
        SUSPENDED = "suspended", "暂停"
        TERMINATED = "terminated", "已终止"

    county = models.ForeignKey(County, verbose_name="区县", on_delete=models.PROTECT, related_name="etowns")
    name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("项目类型", max_length=20, choices=Kind.choices, default=Kind.ETOWN)
    leading_industries = models.CharField("主导产业", max_length=200, help_text="多个产业用顿号分隔，如“生鲜水果、农产品加工业”。")
    area_km2 = models.DecimalField(
        "占地面积（平方公里）", max_digits=8, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    boundary = models.TextField("四至范围", blank=True)
    planned_investment = models.DecimalField(
        "计划总投资（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))],
        help_text="单位：元。例如 2 亿元填 200000000。",
    )
    phase = models.CharField("所处阶段", max_length=20, choices=Phase.choices, default=Phase.PREPARATION)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    preparation_start = models.DateField("组织准备开始", null=True, blank=True)
    implementation_start = models.DateField("项目实施开始", null=True, blank=True)
    evaluation_start = models.DateField("绩效评价开始", null=True, blank=True)
    acceptance_start = models.DateField("总结验收开始", null=True, blank=True)
    planned_end = models.DateField("计划完成日期", null=True, blank=True)
    agencies = models.ManyToManyField(
        Organization, verbose_name="第三方机构", blank=True, related_name="assigned_etowns",
        limit_choices_to={"kind": Organization.Kind.AGENCY},
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "e镇项目"
        ordering = ["county", "name"]
        constraints = [models.UniqueConstraint(
                fields=["county", "name"], name="etown_unique_name_in_county",
                violation_error_message="本区县已登记同名项目。",
            )]
        indexes = [models.Index(fields=["county", "phase"], name="etown_county_phase")]
        permissions = [
            ("report_etown", "以承办企业身份填报"),
            ("inspect_etown", "以第三方机构身份检查评价"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        dates = [
            ("preparation_start", self.preparation_start),
            ("implementation_start", self.implementation_start),
            ("evaluation_start", self.evaluation_start),
            ("acceptance_start", self.acceptance_start),
            ("planned_end", self.planned_end),
        ]
        given = [(k, d) for k, d in dates if d]
        for (_, earlier), (key, later) in zip(given, given[1:]):
            if later < earlier:
                raise ValidationError({key: "各阶段日期须按 组织准备 → 项目实施 → 绩效评价 → 总结验收 → 完成 的顺序排列。"})

    def get_absolute_url(self):
        return reverse("etown_detail", args=[self.pk])


class ETownUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ETown, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "e镇用户对象权限"


class ETownGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ETown, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "e镇单位对象权限"


class Contract(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "履行中"
        COMPLETED = "completed", "已完成"
        TERMINATED = "terminated", "已终止"

    etown = models.ForeignKey(ETown, verbose_name="e镇项目", on_delete=models.PROTECT, related_name="contracts")
    contractor = models.ForeignKey(
        Organization, verbose_name="承办企业", on_delete=models.PROTECT, related_name="contracts",
        limit_choices_to={"kind": Organization.Kind.CONTRACTOR},
    )
    number = models.CharField("合同编号", max_length=60)
    title = models.CharField("合同名称", max_length=150)
    amount = models.DecimalField(
        "合同金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))], help_text="专项资金合同金额，单位：元。",
    )
    signed_on = models.DateField("签订日期")
    prepayment_ratio = models.DecimalField(
        "预付比例（%）", max_digits=5, decimal_places=2, default=Decimal("30"), validators=PERCENT_VALIDATORS,
        help_text="合同约定的预付款比例（安泽办法第九条），0–100。",
    )
    retention_ratio = models.DecimalField(
        "尾款比例（%）", max_digits=5, decimal_places=2, default=Decimal("10"), validators=PERCENT_VALIDATORS,
        help_text="终验合格后方可拨付的尾款比例，默认 10%（临猗资金办法第七条）。",
    )
    term_start = models.DateField("履约开始", null=True, blank=True)
    term_end = models.DateField("履约截止", null=True, blank=True)
    status = models.CharField("合同状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Set only through etown.services.contract_record_final_acceptance, which the
    # acceptance app calls; funds reads it to release the retention.
    final_acceptance_passed_on = models.DateField("终验通过日期", null=True, blank=True, editable=False)
    # Set when the contract's first disbursement request is submitted (funds calls
    # etown.services.contract_lock_terms). From then on the money terms (CONTRACT_TERMS)
    # change only through an approved change or extension request (004 附件2 第九条、第十条;
    # etown.services.contract_change_terms), never through the edit form or the admin.
    terms_locked_at = models.DateTimeField("合同条款锁定时间", null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "项目建设合同"
        ordering = ["etown", "signed_on"]
        constraints = [models.UniqueConstraint(
                fields=["etown", "number"], name="contract_unique_number",
                violation_error_message="本项目已有相同编号的合同。",
            )]

    def __str__(self):
        return f"{self.title}（{self.number}）"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": "履约截止日期不能早于开始日期。"})
        if self.prepayment_ratio is not None and self.retention_ratio is not None:
            if self.prepayment_ratio + self.retention_ratio > 100:
                raise ValidationError({"prepayment_ratio": "预付比例与尾款比例之和不能超过 100%。"})

    def get_absolute_url(self):
        return reverse("etown_detail", args=[self.etown_id]) + f"#contract-{self.pk}"

    @property
    def retention_amount(self):
        return (self.amount * self.retention_ratio / 100).quantize(Decimal("0.01"))

    @property
    def prepayment_limit(self):
        return (self.amount * self.prepayment_ratio / 100).quantize(Decimal("0.01"))



# The money terms of a contract: free to edit until its first disbursement request is
# submitted, then only through an approved change (第九条) or extension (第十条).
CONTRACT_TERMS = ("amount", "prepayment_ratio", "retention_ratio", "term_start", "term_end")

# Contracts that still bind their contractor: a terminated one does not (its staff are no
# longer told of the e-town, and it files no more requests).
LIVE_CONTRACTS = (Contract.Status.ACTIVE, Contract.Status.COMPLETED)

class TaskCategory(models.TextChoices):
    """The task categories of 临猗实施方案 §5 and 安泽办法 art. 7."""

    INDUSTRY = "industry", "主导产业"
    MARKET_ENTITIES = "market_entities", "市场主体"
    CROSS_BORDER = "cross_border", "跨境电商"
    BRAND = "brand", "区域公用品牌"
    TALENT = "talent", "商业带头人与人才"
    PUBLIC_SERVICE = "public_service", "公共服务体系"
    INFRASTRUCTURE = "infrastructure", "基础配套设施"
    LOGISTICS = "logistics", "物流配送"
    INVESTMENT = "investment", "招商引资"
    BUSINESS_ENV = "business_env", "营商环境与监测"
    RESEARCH = "research", "研发与创新创业"
    PROMOTION = "promotion", "宣传推广"
    COORDINATION = "coordination", "协同发展"


class Task(models.Model):
    etown = models.ForeignKey(ETown, verbose_name="e镇项目", on_delete=models.CASCADE, related_name="tasks")
    category = models.CharField("任务类别", max_length=30, choices=TaskCategory.choices)
    title = models.CharField("建设内容", max_length=200)
    description = models.TextField("具体要求", blank=True)
    budget = models.DecimalField(
        "预算（元）", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))], help_text="单位：元。",
    )
    planned_completion = models.DateField("计划完成日期", null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        "完成进度（%）", default=0, validators=[MaxValueValidator(100)],
        help_text="以办公室审核通过的月报为准。",
    )
    position = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "建设任务"
        ordering = ["etown", "position", "pk"]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    class Comparator(models.TextChoices):
        GTE = "gte", "不少于（≥）"
        GT = "gt", "超过（>）"

    class Period(models.TextChoices):
        CUMULATIVE = "cumulative", "累计"
        YEARLY = "yearly", "每年"

    etown = models.ForeignKey(ETown, verbose_name="e镇项目", on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(
        "指标代码", max_length=40, blank=True,
        help_text="用于月度数据汇总表对齐各镇同类指标，如 online_retail；可留空。",
    )
    name = models.CharField("指标名称", max_length=100)
    unit = models.CharField("单位", max_length=20, help_text="如 万元、个、人、人次、家、款。")
    comparator = models.CharField("比较方式", max_length=5, choices=Comparator.choices, default=Comparator.GTE)
    target = models.DecimalField("目标值", max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    period = models.CharField("考核周期", max_length=20, choices=Period.choices, default=Period.CUMULATIVE)
    actual = models.DecimalField("最新实际值", max_digits=16, decimal_places=2, null=True, blank=True, editable=False)
    actual_as_of = models.DateField("实际值截至", null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "绩效目标"
        ordering = ["etown", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["etown", "code"], condition=~models.Q(code=""), name="indicator_unique_code",
                violation_error_message="本项目已有相同代码的绩效目标。",
            )
        ]

    def __str__(self):
        return f"{self.name} {self.comparator_symbol} {self.target.normalize():f}{self.unit}"

    @property
    def comparator_symbol(self):
        return ">" if self.comparator == self.Comparator.GT else "≥"

    def is_met(self, value=None):
        value = self.actual if value is None else value
        if value is None:
            return False
        return value > self.target if self.comparator == self.Comparator.GT else value >= self.target

    def percent_of_target(self, value=None):
        value = self.actual if value is None else value
        if value is None or not self.target:
            return None
        return (value * 100 / self.target).quantize(Decimal("0.1"))
