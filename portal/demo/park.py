"""Demo data for trying the portal and for benchmarks. Every record it writes says it is demo data.

苏州工业园区 has a filled-in plan approved through the workflow and its yearly reports
(portal.demo.reports); 杭州高新技术产业开发区 has a plan begun and still in draft, for a visitor
to write.

Safe to run twice: it adds what is missing and leaves what exists alone.
"""

import datetime
import io
import math
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from parks import services
from parks.models import Park, Province, User
from parks.roles import Role
from plans.models import Plan
from plans.selectors import cycle_current
from plans.services import plan_get_or_create
from plans.status import State
from portal.demo import CJK_FONT
from portal.demo.numbers import seed_demo_numbers
from portal.demo.plan import seed_demo_draft, seed_demo_plan
from portal.demo.reports import seed_demo_reports
from portal.demo.workflow import to_approval, to_province, walk

DEMO_PASSWORD = "GreenPlan-2025"
DEMO_PARK_A = "苏州工业园区"
DEMO_PARK_B = "杭州高新技术产业开发区"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    park: str = ""
    province: str = ""


DEMO_USERS = (
    DemoUser("admin", "王管理（演示）", Role.NATIONAL_ADMIN),
    DemoUser("national", "李审核（演示）", Role.NATIONAL_REVIEWER),
    DemoUser("jiangsu", "周省审（演示）", Role.PROVINCE_REVIEWER, province="320000"),
    DemoUser("jiangsu2", "郑省审（演示）", Role.PROVINCE_REVIEWER, province="320000"),
    DemoUser("zhejiang", "吴省审（演示）", Role.PROVINCE_REVIEWER, province="330000"),
    DemoUser("suzhou_manager", "陈主任（演示）", Role.PARK_MANAGER, park=DEMO_PARK_A),
    DemoUser("suzhou_editor", "刘填报（演示）", Role.PARK_EDITOR, park=DEMO_PARK_A),
    DemoUser("hangzhou_manager", "赵主任（演示）", Role.PARK_MANAGER, park=DEMO_PARK_B),
    DemoUser("hangzhou_editor", "孙填报（演示）", Role.PARK_EDITOR, park=DEMO_PARK_B),
)


def demo_seal_png(text: str = "园区管理委员会") -> bytes:
    """A red round seal with a star, drawn on a transparent background (demo only)."""
    from PIL import Image, ImageDraw, ImageFont

    size = 400
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 16, 235)
    draw.ellipse((10, 10, size - 10, size - 10), outline=red, width=14)
    cx = cy = size / 2
    points = []
    for i in range(10):
        radius = 70 if i % 2 == 0 else 28
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=red)
    if CJK_FONT.exists():
        font = ImageFont.truetype(str(CJK_FONT), 40)
        for i, char in enumerate(text):
            angle = math.pi + (i + 0.5) * math.pi / len(text)
            x = cx + 140 * math.cos(angle)
            y = cy + 140 * math.sin(angle)
            glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
            ImageDraw.Draw(glyph).text((10, 4), char, font=font, fill=red)
            glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
            image.alpha_composite(glyph, (int(x - 30), int(y - 30)))
        label = "演示专用"
        draw.text((cx - 80, cy + 80), label, font=font, fill=red)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


DEMO_PROFILE = {
    "address": "江苏省苏州市工业园区现代大道 999 号（演示数据）",
    "postcode": "215021",
    "founded_on": datetime.date(1994, 2, 26),
    "head_name": "陈主任（演示）",
    "head_title": "管委会主任",
    "head_landline": "0512-66680000",
    "head_mobile": "13800000001",
    "head_email": "head@demo.example.cn",
    "head_fax": "0512-66680001",
    "dept_name": "生态环境局（演示）",
    "dept_head_name": "吴局长（演示）",
    "dept_head_landline": "0512-66681000",
    "dept_head_mobile": "13800000002",
    "dept_head_email": "eco@demo.example.cn",
    "dept_head_fax": "0512-66681001",
    "contact_name": "刘填报（演示）",
    "contact_landline": "0512-66681002-8",
    "contact_mobile": "13800000003",
    "contact_email": "contact@demo.example.cn",
    "contact_fax": "",
    "filled_on": datetime.date(2021, 6, 30),
}


@transaction.atomic
def seed_demo() -> list[tuple[DemoUser, bool]]:
    services.reference_data_load()
    result = []
    for demo in DEMO_USERS:
        exists = User.objects.filter(username=demo.username).exists()
        if not exists:
            services.user_create(
                actor=None,
                username=demo.username,
                full_name=demo.full_name,
                email=f"{demo.username}@demo.example.cn",
                role=demo.role,
                park=Park.objects.get(seed_key=demo.park) if demo.park else None,
                province=Province.objects.get(code=demo.province) if demo.province else None,
                password=DEMO_PASSWORD,
                invite=False,
            )
        result.append((demo, not exists))
    park_a = Park.objects.get(seed_key=DEMO_PARK_A)
    _seed_profile(park_a)
    plan = _seed_plan(park_a)
    _approve_plan(plan)
    seed_demo_reports(
        plan,
        editor=User.objects.get(username="suzhou_editor"),
        manager=User.objects.get(username="suzhou_manager"),
    )
    _seed_draft(Park.objects.get(seed_key=DEMO_PARK_B))
    return result


def _seed_plan(park: Park) -> Plan:
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    if plan.sections.filter(revision__gt=0).exists():
        return plan
    editor = User.objects.get(username="suzhou_editor")
    seed_demo_plan(plan, editor)
    seed_demo_numbers(plan, editor)
    return plan


def _seed_draft(park: Park) -> Plan:
    """The second demo park's plan, begun and still in draft: its editor has a plan to write."""
    plan = plan_get_or_create(park=park, cycle=cycle_current())
    if not plan.sections.filter(revision__gt=0).exists():
        seed_demo_draft(plan, User.objects.get(username="hangzhou_editor"))
    return plan


def _approve_plan(plan: Plan) -> None:
    """The demo plan approved through the real workflow (so its versions, status changes and
    PDFs of record exist), unless it has left the draft already."""
    if plan.status != State.DRAFT or plan.versions.exists():
        return
    walk(
        plan,
        (
            *to_province("suzhou_manager"),
            *to_approval(
                forward="（演示数据）方案目标明确、任务具体，同意报送国家审核。",
                approve="（演示数据）同意该方案，请按年度报送实施情况报告。",
            ),
        ),
    )


def _seed_profile(park: Park) -> None:
    profile = services.park_profile_get_or_create(park=park)
    if profile.revision:
        return
    seal = SimpleUploadedFile("seal.png", demo_seal_png(), content_type="image/png")
    services.park_profile_save(
        park=park,
        actor=User.objects.get(username="suzhou_manager"),
        data={**DEMO_PROFILE, "city": park.district},
        expected_revision=profile.revision,
        seal=seal,
    )
