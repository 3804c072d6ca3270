"""factory_boy factories with zh_CN Faker; one trait per role."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from parks.models import Park, ParkProfile, Province, User
from parks.roles import Role
from plans.models import Cycle

factory.Faker._DEFAULT_LOCALE = "zh_CN"

PASSWORD = "pw-for-tests-1"


class CycleFactory(DjangoModelFactory):
    """The 2021-2025 cycle. A data migration creates it, but transactional (browser) tests
    flush the database afterwards, so tests get it from here."""

    class Meta:
        model = Cycle
        django_get_or_create = ("code",)

    code = "2021-2025"
    name = "2021-2025年"
    plan_start_year = 2021
    plan_end_year = 2025
    base_year = 2020
    history_start_year = 2016
    history_end_year = 2020
    deadline = datetime.date(2026, 12, 31)
    is_current = True


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{800000 + n}")
    name = factory.Sequence(lambda n: f"测试省{n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:3])
    reviewing_body = factory.LazyAttribute(lambda o: f"{o.name}科学技术厅")


class ParkFactory(DjangoModelFactory):
    class Meta:
        model = Park
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试高新技术产业开发区{n}")
    province = factory.SubFactory(ProvinceFactory)
    district = factory.Faker("city_name")
    profile = factory.RelatedFactory(
        "tests.factories.ParkProfileFactory", factory_related_name="park"
    )


class ParkProfileFactory(DjangoModelFactory):
    class Meta:
        model = ParkProfile

    park = factory.SubFactory(ParkFactory, profile=None)
    city = factory.LazyAttribute(lambda o: o.park.district)

    class Params:
        complete = factory.Trait(
            address=factory.Faker("address"),
            postcode="215021",
            founded_on=factory.Faker("date_between", start_date="-30y", end_date="-5y"),
            head_name=factory.Faker("name"),
            head_title="管委会主任",
            head_landline="0512-66680000",
            head_mobile="13800000001",
            head_email=factory.Faker("email"),
            dept_name="生态环境局",
            dept_head_name=factory.Faker("name"),
            dept_head_landline="0512-66681000",
            dept_head_mobile="13800000002",
            dept_head_email=factory.Faker("email"),
            contact_name=factory.Faker("name"),
            contact_landline="0512-66681002",
            contact_mobile="13800000003",
            contact_email=factory.Faker("email"),
            filled_on=factory.Faker("date_between", start_date="-1y", end_date="today"),
            seal="seals/test/seal.png",
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    role = ""
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    class Params:
        park_editor = factory.Trait(role=Role.PARK_EDITOR, park=factory.SubFactory(ParkFactory))
        park_manager = factory.Trait(role=Role.PARK_MANAGER, park=factory.SubFactory(ParkFactory))
        province_reviewer = factory.Trait(
            role=Role.PROVINCE_REVIEWER, province=factory.SubFactory(ProvinceFactory)
        )
        national_reviewer = factory.Trait(role=Role.NATIONAL_REVIEWER)
        national_admin = factory.Trait(role=Role.NATIONAL_ADMIN, is_staff=True, is_superuser=True)


# --- plans --------------------------------------------------------------------------------------


def _png_bytes(width: int = 40, height: int = 30) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 140, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class PlanFactory(DjangoModelFactory):
    """A park's plan for the current cycle, started as the portal starts it: one empty section
    per editable outline entry (plans.services.plan_get_or_create)."""

    class Meta:
        model = "plans.Plan"

    park = factory.SubFactory(ParkFactory)
    cycle = factory.SubFactory(CycleFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from plans.services import plan_get_or_create

        plan = plan_get_or_create(park=kwargs.pop("park"), cycle=kwargs.pop("cycle"))
        if kwargs:
            for field, value in kwargs.items():
                setattr(plan, field, value)
            plan.save(update_fields=list(kwargs))
        return plan


class KeyTaskFactory(DjangoModelFactory):
    class Meta:
        model = "plans.KeyTask"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"重点任务{n}")
    group = "emission"
    content = "实施重点用能企业节能改造。"
    yearly = factory.LazyAttribute(
        lambda o: {str(y): f"{y}年完成{o.name}阶段目标" for y in o.plan.cycle.plan_years}
    )
    department = "生态环境局"
    leader = "张志远"


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Milestone"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    year = 2025
    target = factory.Sequence(lambda n: f"单位工业增加值能耗下降{n}%")
    measures = "推进光伏建筑一体化。"


class KeyProjectFactory(DjangoModelFactory):
    class Meta:
        model = "plans.KeyProject"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"绿色建设项目{n}")
    group = "industry"
    implementer = "园区建设发展集团"
    content = "建设分布式光伏电站。"
    start_year = 2021
    end_year = 2023
    investment = Decimal("1000.00")
    government_funds = Decimal("100.00")


class GroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = "plans.GroupMember"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    body = "leading_group"
    name = factory.Faker("name")
    post = "管委会主任"
    group_role = "组长"


class FigureFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Figure"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    section_key = "1.1"
    image = factory.django.FileField(filename="figure.png", data=_png_bytes())
    caption = factory.Sequence(lambda n: f"园区区位图{n}")
    width = 40
    height = 30


class AttachmentFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Attachment"

    plan = factory.SubFactory(PlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    section_key = "6.3"
    category = "fourteenth_plan"
    file = factory.django.FileField(filename="file.pdf", data=MINIMAL_PDF)
    filename = "园区“十四五”规划.pdf"
    file_type = "pdf"
    size = len(MINIMAL_PDF)


# --- indicators ---------------------------------------------------------------------------------

GRID_MIGRATION = "indicators.migrations.0003_grid_factors_by_data_year"
SEED_MIGRATION = "indicators.migrations.0002_seed_catalogue_and_coefficients"
# GB/T 2589-2020 citations, one calorific value per fuel, the policy's references (0004)
CURRENT_COEFFICIENTS_MIGRATION = (
    "indicators.migrations.0004_gbt2589_2020_coefficients_policy_references"
)


def ensure_catalogue():
    """The indicator catalogue (21 indicators, 6 required) and the default coefficient set
    "seed-2024" (15 fuels, 33 grid factors), as migrations 0002 and 0003 seed them.

    The migration's rows are in the test database until a transactional (browser) test flushes
    it; re-running the migration's own seed function (idempotent: get_or_create by code and
    version) makes tests independent of the order they run in."""
    from importlib import import_module

    from django.apps import apps

    from indicators.models import CoefficientSet, GridFactor

    import_module(SEED_MIGRATION).seed(apps, None)
    import_module(GRID_MIGRATION)._sync_factors(GridFactor, CoefficientSet)
    import_module(CURRENT_COEFFICIENTS_MIGRATION).forward(apps, None)
    return CoefficientSet.objects.get(version="seed-2024")


def catalogue_indicator(code: str):
    from indicators.models import Indicator

    ensure_catalogue()
    return Indicator.objects.get(code=code)


class PlanIndicatorFactory(DjangoModelFactory):
    """An indicator of a plan: the park's own unless `indicator` (a catalogue entry) is given;
    `code="energy_intensity_iav"` takes that catalogue entry."""

    class Meta:
        model = "indicators.PlanIndicator"

    class Params:
        code = None

    plan = factory.SubFactory(PlanFactory)
    indicator = factory.LazyAttribute(lambda o: catalogue_indicator(o.code) if o.code else None)
    custom_name = factory.LazyAttribute(lambda o: "" if o.indicator else "园区绿色信贷余额占比")
    custom_unit = factory.LazyAttribute(lambda o: "" if o.indicator else "%")
    custom_direction = factory.LazyAttribute(lambda o: "" if o.indicator else "higher")
    position = factory.Sequence(lambda n: n + 1)
    baseline = ""
    targets = factory.LazyFunction(dict)


class CustomFuelFactory(DjangoModelFactory):
    class Meta:
        model = "indicators.CustomFuel"

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"生物质成型燃料{n}")
    unit = "吨"
    tce_per_unit = Decimal("0.5")
    co2_t_per_unit = Decimal("0.1")
    source = "园区能源审计报告（2020年）"
    position = factory.Sequence(lambda n: n + 1)


class TableDataFactory(DjangoModelFactory):
    """A data table's values as stored: {row: {year: "decimal string"}}."""

    class Meta:
        model = "indicators.TableData"

    plan = factory.SubFactory(PlanFactory)
    table = "economy"
    values = factory.LazyFunction(lambda: {"iav": {"2020": "11000000"}})


class WorkbookImportFactory(DjangoModelFactory):
    """An uploaded workbook waiting for confirmation (what indicators.services keeps)."""

    class Meta:
        model = "indicators.WorkbookImport"

    plan = factory.SubFactory(PlanFactory)
    filename = "数据表.xlsx"
    values = factory.LazyFunction(lambda: {"economy": {"iav": {"2020": "99999"}}})
    revisions = factory.LazyFunction(
        lambda: {"economy": 0, "energy": 0, "water": 0, "pollutants": 0}
    )


# --- review -------------------------------------------------------------------------------------


class NationalBodyFactory(DjangoModelFactory):
    """The national reviewing body from a date on (its name changed in November 2023)."""

    class Meta:
        model = "parks.NationalBody"
        django_get_or_create = ("valid_from",)

    name = "工业和信息化部火炬高技术产业开发中心"
    valid_from = datetime.date(2023, 11, 1)
