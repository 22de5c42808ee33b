"""The demo county, built from the seed documents (../shared/seeds).

Figures and names of e-towns, targets and tasks come from the documents; company names
and people are invented. The schedule of 临猗新城涑水e镇 (004 §6: 2022-04 … 2023-03) is
moved four years forward so that the demo has a live reporting cycle today.
"""
from datetime import date
from decimal import Decimal

DEMO_PASSWORD = "demo12345"

COUNTIES = [
    {
        "name": "临猗县", "city": "运城市",
        "office_name": "临猗县乡村e镇工作领导小组办公室", "letter_code": "临乡村e镇办督",
    },
    {
        "name": "安泽县", "city": "临汾市",
        "office_name": "安泽县连翘产业乡村e镇工作领导小组办公室", "letter_code": "安乡村e镇办督",
    },
    {
        "name": "高平市", "city": "晋城市",
        "office_name": "高平市乡村e镇工作领导小组办公室", "letter_code": "高乡村e镇办督",
    },
]

# (county, name, kind)
ORGANIZATIONS = [
    ("临猗县", "临猗县商务局", "department"),
    ("临猗县", "临猗县财政局", "department"),
    ("临猗县", "临猗县农业农村局（乡村振兴局）", "department"),
    ("临猗县", "临猗县审计局", "department"),
    ("临猗县", "临猗县人民政府", "department"),
    ("临猗县", "临猗县涑水电子商务运营有限公司", "contractor"),
    ("临猗县", "临猗县供销电商服务有限公司", "contractor"),
    ("临猗县", "山西晋衡工程项目管理咨询有限公司", "agency"),
    ("安泽县", "安泽县工业和信息化局", "department"),
    ("安泽县", "安泽县连翘电子商务发展有限公司", "contractor"),
    ("高平市", "高平市商务局", "department"),
    ("高平市", "高平市智创互联电子商务有限公司", "contractor"),
]

# username, full name, role, county, organization, title, is_head
USERS = [
    ("office", "王立新", "office", "临猗县", "临猗县商务局", "领导小组办公室主任", True),
    ("finance", "李晓芳", "reviewer", "临猗县", "临猗县财政局", "预算股股长", False),
    # The payment is made by another person of the finance bureau than its review
    # (不相容岗位分离, issue 11): the treasury desk (国库集中支付, 004 附件2 第六条).
    ("treasury", "周敏", "reviewer", "临猗县", "临猗县财政局", "国库股出纳", False),
    ("leader", "张建国", "leader", "临猗县", "临猗县人民政府", "副县长、领导小组副组长", False),
    ("agency", "赵明", "agency", "临猗县", "山西晋衡工程项目管理咨询有限公司", "项目经理", False),
    ("contractor", "陈涛", "contractor", "临猗县", "临猗县涑水电子商务运营有限公司", "项目负责人", False),
    ("contractor2", "刘洋", "contractor", "临猗县", "临猗县供销电商服务有限公司", "项目负责人", False),
    ("auditor", "孙静", "auditor", "临猗县", "临猗县审计局", "审计员", False),
]

# Province, city and national staff (issue 16): username, full name, role, scope,
# province, city, organization (a department without a county), title.
REGIONAL_USERS = [
    ("province", "郭文华", "leader", "province", "山西省", "", "山西省商务厅", "市场体系建设处处长"),
    ("city", "杜海燕", "leader", "city", "山西省", "运城市", "运城市商务局", "电子商务科科长"),
]

ETOWNS = [
    {
        "county": "临猗县",
        "name": "临猗新城涑水e镇",
        "kind": "etown",
        "leading_industries": "生鲜水果、农产品加工业",
        "area_km2": Decimal("1.74"),
        "boundary": "沿涑水河东至临猗县电商公共服务中心、西至临猗智创产业园；沿华晋大道南至鑫得利纺织公司、北至南风百货",
        "planned_investment": Decimal("200000000"),
        "phase": "implementation",
        "preparation_start": date(2026, 4, 1),
        "implementation_start": date(2026, 7, 1),
        "evaluation_start": date(2027, 1, 1),
        "acceptance_start": date(2027, 3, 1),
        "planned_end": date(2027, 3, 31),
        "contract": {
            "contractor": "临猗县涑水电子商务运营有限公司",
            "number": "LYXC-2026-001",
            "title": "临猗新城涑水e镇项目建设合同",
            "amount": Decimal("5000000"),
            "signed_on": date(2026, 6, 20),
            "prepayment_ratio": Decimal("30"),
            "retention_ratio": Decimal("10"),
            "term_start": date(2026, 7, 1),
            "term_end": date(2027, 3, 31),
        },
        "agency": "山西晋衡工程项目管理咨询有限公司",
        # 004 §5, the thirteen main tasks (budget in 元).
        "tasks": [
            ("industry", "培育壮大主导产业，打造生鲜水果、农产品加工优势产业集群", "完善乡村e镇电商产业链与供应链，建立不少于1个上下游产业链供应链", 600000, 60),
            ("market_entities", "培育壮大电商市场主体", "引进和培育电商龙头企业不少于5家，至少引进1家金融服务网点", 400000, 45),
            ("cross_border", "推动跨境电商发展", "建立跨境电商产业培训（孵化）基地和服务中心，培训不少于200人次", 300000, 30),
            ("brand", "强化“猗顿农品”区域公用品牌", "打造5个以上“小而美”品牌，开发网货产品5款以上", 400000, 50),
            ("talent", "培育乡村e镇商业带头人", "各类培训不少于1000人次，组建不少于5位专家的师资库，孵化5个商业带头人和5个本地网红", 500000, 40),
            ("public_service", "改造升级乡村e镇电子商务公共服务中心", "改造升级1处2000平方米以上的电商公共服务中心，完善公共服务平台", 900000, 70),
            ("infrastructure", "加强基础配套设施建设", "建设寄递物流公共服务平台，健全配套服务功能", 300000, 35),
            ("logistics", "完善物流配送体系，发展共同配送", "改造升级1个不少于500平方米的物流仓储配送中心", 700000, 55),
            ("investment", "加大招商引资", "推动e镇多元化发展", 200000, 25),
            ("business_env", "营造良好营商环境，健全电商监测体系", "建立电商统计监测制度", 150000, 20),
            ("research", "引进研发机构", "引进设立1个电商研发机构", 250000, 10),
            ("promotion", "加强宣传推广，强化四至范围综合管理", "每年组织或参加至少1次区域公用品牌展会", 200000, 30),
            ("coordination", "推进与电子商务进农村综合示范协同发展", "巩固示范项目建设成果", 100000, 15),
        ],
        # 004 §3: code, name, unit, comparator, target, period
        "indicators": [
            ("total_investment", "总投资额", "万元", "gte", 20000, "cumulative"),
            ("output_value", "年总产值", "万元", "gt", 15000, "yearly"),
            ("online_retail", "年网络零售额", "万元", "gte", 3000, "yearly"),
            ("online_retail_growth", "网络零售额同比增长率", "%", "gte", 10, "yearly"),
            ("new_entities", "新增市场主体", "个", "gte", 10, "yearly"),
            ("employment", "带动就业", "人", "gte", 500, "cumulative"),
            ("leading_firms", "电商龙头企业", "家", "gte", 5, "cumulative"),
            ("small_brands", "“小而美”品牌", "个", "gte", 5, "cumulative"),
            ("online_products", "网货产品", "款", "gte", 5, "cumulative"),
            ("cross_border_training", "跨境电商培训", "人次", "gte", 200, "cumulative"),
            ("training", "各类培训", "人次", "gte", 1000, "cumulative"),
            ("experts", "培训师资库专家", "人", "gte", 5, "cumulative"),
            ("business_leaders", "孵化商业带头人", "个", "gte", 5, "cumulative"),
            ("influencers", "孵化本地网红", "个", "gte", 5, "cumulative"),
            ("finance_outlets", "金融服务网点", "个", "gte", 1, "cumulative"),
            ("telecom_outlets", "通讯服务网点", "个", "gte", 1, "cumulative"),
            ("research_institutes", "研发机构", "个", "gte", 1, "cumulative"),
            ("tax", "纳税", "万元", "gte", 200, "yearly"),
        ],
    },
    {
        "county": "临猗县",
        "name": "临猗县电子商务进农村综合示范项目",
        "kind": "demonstration",
        "leading_industries": "苹果、鲜枣、农副产品",
        "planned_investment": Decimal("20000000"),
        "phase": "implementation",
        "implementation_start": date(2026, 3, 1),
        "planned_end": date(2027, 6, 30),
        "contract": {
            "contractor": "临猗县供销电商服务有限公司",
            "number": "LYSF-2026-003",
            "title": "临猗县电子商务进农村综合示范项目县乡村三级物流体系建设合同",
            "amount": Decimal("3000000"),
            "signed_on": date(2026, 2, 25),
            "prepayment_ratio": Decimal("30"),
            "retention_ratio": Decimal("10"),
            "term_start": date(2026, 3, 1),
            "term_end": date(2027, 6, 30),
        },
        "tasks": [
            ("logistics", "县乡村三级物流共同配送体系", "整合快递物流资源，实现统仓共配", 1500000, 50),
            ("public_service", "乡村电商服务站点升级", "升级村级电商服务站点", 800000, 40),
            ("talent", "农村电商培训", "开展农村电商培训", 400000, 35),
        ],
        "indicators": [
            ("online_retail", "年网络零售额", "万元", "gte", 2000, "yearly"),
            ("training", "各类培训", "人次", "gte", 800, "cumulative"),
            ("employment", "带动就业", "人", "gte", 200, "cumulative"),
        ],
    },
    {
        "county": "安泽县",
        "name": "安泽县连翘产业乡村e镇",
        "kind": "etown",
        "leading_industries": "连翘",
        "planned_investment": Decimal("100000000"),
        "phase": "implementation",
        "implementation_start": date(2026, 3, 1),
        "planned_end": date(2027, 6, 30),
        "contract": {
            "contractor": "安泽县连翘电子商务发展有限公司",
            "number": "AZXC-2026-001",
            "title": "安泽县连翘产业乡村e镇项目建设合同",
            "amount": Decimal("5000000"),
            "signed_on": date(2026, 2, 10),
            "prepayment_ratio": Decimal("30"),
            "retention_ratio": Decimal("10"),
        },
        # 安泽办法 art. 7: the ten supported fields, shortened.
        "tasks": [
            ("industry", "培育连翘主导产业", "农产品认证、追溯、标准化和品牌化建设", 800000, 40),
            ("public_service", "乡村e镇电商公共服务中心", "提供培训孵化、营销推广等公共服务", 700000, 30),
            ("logistics", "物流配送体系", "县乡村物流配送", 600000, 30),
        ],
        "indicators": [
            ("online_retail", "年网络零售额", "万元", "gte", 3000, "yearly"),
            ("new_entities", "新增市场主体", "个", "gte", 10, "yearly"),
        ],
    },
    {
        "county": "高平市",
        "name": "高平市智创互联乡村e镇",
        "kind": "etown",
        "leading_industries": "智能制造、丝麻纺织",
        "planned_investment": Decimal("150000000"),
        "phase": "implementation",
        "implementation_start": date(2026, 1, 1),
        "planned_end": date(2027, 3, 31),
        "contract": {
            "contractor": "高平市智创互联电子商务有限公司",
            "number": "GPXC-2026-001",
            "title": "高平市智创互联乡村e镇项目建设合同",
            "amount": Decimal("5000000"),
            "signed_on": date(2025, 12, 20),
            "prepayment_ratio": Decimal("30"),
            "retention_ratio": Decimal("10"),
        },
        # 000 §4: the supervised contents.
        "tasks": [
            ("industry", "培育壮大主导产业", "打造主导产业集群", 900000, 50),
            ("brand", "推进电商品牌发展", "打造区域公共品牌", 500000, 40),
            ("talent", "加强人才培养", "完善人才培养体系", 400000, 45),
        ],
        "indicators": [
            ("online_retail", "年网络零售额", "万元", "gte", 3000, "yearly"),
            ("employment", "带动就业", "人", "gte", 500, "cumulative"),
        ],
    },
]
