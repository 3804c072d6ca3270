"""A fully written demo plan (every section, tasks, projects, figures, attachments), clearly
labelled as demo data. Used by `seed_demo`, the benchmarks and the later issues' tests."""

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from plans import services
from plans.models import Plan, Section
from plans.outline import ATTACHMENTS_REPORTS, MAPS_KEY, REPORTS_KEY, Kind, outline_for
from plans.rows import ROW_KINDS
from portal.demo import CJK_FONT

DEMO_LABEL = "【演示数据】"

# A few sentences for each chapter; sections combine them with their own guidance so every
# section reads as its own text.
CHAPTER_TEXT = {
    "preface": (
        "为贯彻落实《国家高新区绿色发展专项行动实施方案》（国科发火〔2021〕28号），推动园区"
        "绿色低碳高质量发展，园区管委会组织编制本行动方案。方案以2020年为基准年，实施期限为"
        "2021-2025年，明确了园区绿色发展的目标指标、重点任务、重点项目和保障措施。"
    ),
    "ch1": (
        "园区位于长江三角洲腹地，规划面积278平方公里，建成区面积约160平方公里。园区交通便捷，"
        "毗邻高速公路与高铁枢纽，水、电、气、热等基础设施完善，已形成电子信息、高端装备制造、"
        "生物医药三大主导产业。"
    ),
    "ch2": (
        "“十三五”期间，园区坚持生态优先、绿色发展，先后开展循环化改造、绿色园区创建和低碳"
        "园区试点，单位工业增加值综合能耗由0.21吨标准煤/万元降至0.17吨标准煤/万元，工业用水"
        "重复利用率保持在90%以上。"
    ),
    "ch3": (
        "到2025年，园区单位工业增加值综合能耗控制在0.15吨标准煤/万元以内，单位工业增加值二氧化碳"
        "排放量年均下降4%以上，可再生能源使用比例达到12%，工业废水实现近零排放。"
    ),
    "ch4": (
        "围绕推动节能减排、强化绿色技术供给、发展绿色产业三大方向，园区共安排重点任务12项、"
        "重点建设项目9个，总投资约46亿元，其中政府投资约8亿元。"
    ),
    "ch5": (
        "园区成立由管委会主任任组长的绿色发展领导小组，下设绿色发展专项办公室，建立月调度、"
        "季通报、年考核的工作机制，统筹推进方案实施。"
    ),
}
FILLERS = (
    "园区将按照年度分解目标任务，细化责任分工，强化监测评估，确保各项工作有序推进。",
    "2020年，园区实现地区生产总值约2900亿元，其中工业增加值约1100亿元，高新技术产业产值占"
    "规模以上工业总产值的比重达到55%。",
    "园区建成区绿化覆盖率达到45%，空气质量优良天数比例为83%，区内主要河流断面水质稳定达到Ⅲ类标准。",
    "园区共有国家级绿色工厂18家、省级绿色工厂26家，重点企业清洁生产审核实施率达到92%。",
    "园区建立了覆盖重点用能单位的能耗在线监测系统，实现用能数据按月采集、按季分析。",
    "面向碳达峰碳中和目标，园区在能源总量和强度双控、产业结构调整等方面仍面临较大压力。",
    "园区将加强与高校、科研院所合作，推动绿色低碳技术成果转化和示范应用。",
    "相关数据以园区统计部门和生态环境部门发布的数据为准，年度进展纳入园区绩效考核。",
)


def section_html(entry, chapter_key: str, length: int, seed: int = 0) -> str:
    lead = CHAPTER_TEXT.get(chapter_key, CHAPTER_TEXT["ch1"])
    guidance = entry.guidance.splitlines()[0] if entry.guidance else ""
    paragraphs = [f"{DEMO_LABEL}本节为演示内容，对应大纲：{entry.title}。{guidance}", lead]
    i = seed
    while sum(len(p) for p in paragraphs) < length:
        paragraphs.append(FILLERS[i % len(FILLERS)])
        i += 1
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def demo_map_png(title: str, width: int = 1200, height: int = 800) -> bytes:
    """A simple schematic map (demo only): the park boundary, roads and a north arrow."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (width, height), (246, 248, 244))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 80):
        draw.line([(x, 0), (x, height)], fill=(226, 232, 224))
    for y in range(0, height, 80):
        draw.line([(0, y), (width, y)], fill=(226, 232, 224))
    boundary = [(220, 160), (860, 120), (1000, 420), (780, 680), (300, 640), (160, 400)]
    draw.polygon(boundary, fill=(214, 236, 218), outline=(30, 107, 69))
    draw.line([*boundary, boundary[0]], fill=(30, 107, 69), width=6)
    draw.line([(0, 450), (width, 380)], fill=(200, 120, 60), width=10)
    draw.line([(560, 0), (620, height)], fill=(200, 120, 60), width=8)
    draw.polygon([(1100, 60), (1085, 120), (1115, 120)], fill=(40, 40, 40))
    if CJK_FONT.exists():
        font = ImageFont.truetype(str(CJK_FONT), 36)
        draw.text((1088, 125), "北", font=font, fill=(40, 40, 40))
        draw.text((420, 360), f"{title}（演示）", font=font, fill=(30, 107, 69))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_pdf(title: str) -> bytes:
    """A minimal one-page PDF (ASCII text only; demo only)."""
    text = f"Demo supporting file: {title}".encode("ascii", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


TASKS = [
    ("实施园区循环化改造提升工程", "emission", "生态环境局", "王局长（演示）"),
    ("推进企业清洁生产审核全覆盖", "emission", "生态环境局", "王局长（演示）"),
    ("建设园区能源管理中心", "emission", "经济发展局", "李局长（演示）"),
    ("推广分布式光伏与储能", "emission", "经济发展局", "李局长（演示）"),
    ("建设绿色技术创新中心", "technology", "科技创新局", "张局长（演示）"),
    ("组建绿色技术产业联盟", "technology", "科技创新局", "张局长（演示）"),
    ("开展绿色制造示范企业培育", "industry", "经济发展局", "李局长（演示）"),
    ("发展节能环保服务业", "industry", "招商服务局", "赵局长（演示）"),
    ("设立绿色产业引导基金", "industry", "财政局", "钱局长（演示）"),
]
PROJECTS = [
    (
        "园区集中供热管网改造项目",
        "emission",
        "园区热电公司（演示）",
        2021,
        2023,
        "38000",
        "6000",
        "12000",
        "31000",
    ),
    (
        "屋顶分布式光伏项目（一期）",
        "emission",
        "园区能源公司（演示）",
        2021,
        2022,
        "52000",
        "0",
        "9800",
        "26000",
    ),
    (
        "工业废水近零排放示范工程",
        "emission",
        "园区水务公司（演示）",
        2022,
        2024,
        "64000",
        "20000",
        "",
        "",
    ),
    (
        "绿色技术创新中心建设项目",
        "technology",
        "园区科创集团（演示）",
        2021,
        2023,
        "45000",
        "30000",
        "",
        "",
    ),
    (
        "氢能与燃料电池中试平台",
        "technology",
        "园区科创集团（演示）",
        2023,
        2025,
        "72000",
        "10000",
        "3000",
        "8200",
    ),
    (
        "绿色低碳产业园（二期）",
        "industry",
        "园区开发公司（演示）",
        2022,
        2025,
        "180000",
        "12000",
        "",
        "",
    ),
]
MEMBERS = [
    ("leading_group", "陈主任（演示）", "管委会主任", "组长"),
    ("leading_group", "周副主任（演示）", "管委会副主任", "副组长"),
    ("leading_group", "王局长（演示）", "生态环境局局长", "成员"),
    ("special_office", "吴处长（演示）", "生态环境局副局长", "办公室主任"),
    ("special_office", "刘填报（演示）", "生态环境局科员", "联络员"),
]
MILESTONES = [
    (2023, "能耗强度较2020年下降10%", "完成集中供热改造，能源管理中心上线运行"),
    (
        2025,
        "单位工业增加值二氧化碳排放量较2020年下降18.5%",
        "光伏装机达到150兆瓦，清洁生产审核全覆盖",
    ),
    (2028, "园区碳排放达峰", "新增用能主要由可再生能源满足"),
    (2060, "实现碳中和", "构建零碳产业体系与碳汇补偿机制"),
]


@transaction.atomic
def seed_demo_plan(plan: Plan, actor, *, section_length: int = 400, copies: int = 1) -> Plan:
    """Write every section and table of `plan`. `copies` multiplies the rows (benchmarks)."""
    outline = outline_for(plan.outline_version)
    sections = {s.key: s for s in Section.objects.filter(plan=plan)}
    for index, entry in enumerate(outline.sections):
        if Kind.RICH_TEXT not in entry.kinds:
            services.section_save(
                plan=plan,
                key=entry.key,
                body="",
                is_done=True,
                expected_revision=sections[entry.key].revision,
                actor=actor,
            )
            continue
        chapter = outline.chapter_of[entry.key].key
        services.section_save(
            plan=plan,
            key=entry.key,
            body=section_html(entry, chapter, section_length, seed=index),
            is_done=True,
            expected_revision=sections[entry.key].revision,
            actor=actor,
        )
    years = [str(y) for y in plan.cycle.plan_years]
    for copy in range(copies):
        suffix = f"（{copy + 1}）" if copies > 1 else ""
        for name, group, department, leader in TASKS:
            services.row_create(
                kind=ROW_KINDS["tasks"],
                plan=plan,
                actor=actor,
                data={
                    "name": name + suffix,
                    "group": group,
                    "department": department,
                    "leader": leader,
                    "content": f"{DEMO_LABEL}{name}，分年度推进实施。",
                    "yearly": {y: f"完成年度目标的{20 * (i + 1)}%" for i, y in enumerate(years)},
                },
            )
        for name, group, implementer, start, end, investment, funds, tce, co2 in PROJECTS:
            services.row_create(
                kind=ROW_KINDS["projects"],
                plan=plan,
                actor=actor,
                data={
                    "name": name + suffix,
                    "group": group,
                    "implementer": implementer,
                    "necessity": f"{DEMO_LABEL}支撑园区能耗强度和碳排放强度下降目标。",
                    "content": f"{DEMO_LABEL}{name}的主要建设内容。",
                    "start_year": start,
                    "end_year": end,
                    "investment": Decimal(investment),
                    "government_funds": Decimal(funds),
                    "energy_saved_tce": Decimal(tce) if tce else None,
                    "co2_reduced_t": Decimal(co2) if co2 else None,
                    "other_benefits": "改善区域环境质量",
                    "status": "under_construction",
                },
            )
    for body, name, post, role in MEMBERS:
        services.row_create(
            kind=ROW_KINDS["members"],
            plan=plan,
            actor=actor,
            data={"body": body, "name": name, "post": post, "group_role": role},
        )
    for year, target, measures in MILESTONES:
        services.row_create(
            kind=ROW_KINDS["milestones"],
            plan=plan,
            actor=actor,
            data={"year": year, "target": target, "measures": measures},
        )
    plan.refresh_from_db()
    services.roadmap_save(
        plan=plan, actor=actor, carbon_peak_year=2028, expected_revision=plan.roadmap_revision
    )
    for index, caption in enumerate(["园区地理位置图", "园区四至范围图"] * copies):
        services.figure_add(
            plan=plan,
            section_key=MAPS_KEY,
            caption=caption,
            actor=actor,
            upload=SimpleUploadedFile(f"map{index}.png", demo_map_png(caption), "image/png"),
        )
    for code, label in ATTACHMENTS_REPORTS[:2]:  # the 14th five-year plan, the EIA tracking
        services.attachment_add(
            plan=plan,
            section_key=REPORTS_KEY,
            category=code,
            description="演示文件",
            actor=actor,
            upload=SimpleUploadedFile(f"{label}（演示）.pdf", demo_pdf(code), "application/pdf"),
        )
    return plan


# The second demo park's plan, begun and left in draft for a visitor to write on: its first
# text sections in the outline's order (the preface, 园区概况, 人口), each (text, marked complete).
DRAFT_TEXTS = (
    (
        "为落实国家高新区绿色发展专项行动的部署，园区管委会启动编制2021-2025年绿色发展行动方案，"
        "本稿为初稿，相关目标和任务正在征求各部门意见。",
        True,
    ),
    (
        "园区位于杭州市钱塘江南岸，是首批国家高新区之一，以数字经济为主导产业，集聚了一批"
        "网络通信、集成电路和智能制造领域的龙头企业。",
        True,
    ),
    (
        "园区常住人口与就业人口的统计口径正在与统计部门核对，待数据确认后补充。",
        False,
    ),
)


def draft_sections(plan: Plan) -> dict[str, tuple[str, bool]]:
    """The sections seed_demo_draft writes: section key -> (text, marked complete)."""
    outline = outline_for(plan.outline_version)
    keys = [e.key for e in outline.sections if Kind.RICH_TEXT in e.kinds]
    return dict(zip(keys, DRAFT_TEXTS, strict=False))


@transaction.atomic
def seed_demo_draft(plan: Plan, actor) -> Plan:
    """Begin `plan`: the few sections of draft_sections, the rest left to write."""
    sections = {s.key: s for s in Section.objects.filter(plan=plan)}
    for key, (text, done) in draft_sections(plan).items():
        services.section_save(
            plan=plan,
            key=key,
            body=f"<p>{DEMO_LABEL}{text}</p>",
            is_done=done,
            expected_revision=sections[key].revision,
            actor=actor,
        )
    return plan
