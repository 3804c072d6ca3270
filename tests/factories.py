"""factory_boy factories with zh_CN Faker; one trait per role."""

import factory
from factory.django import DjangoModelFactory

from parks.models import Park, ParkProfile, Province, User
from parks.roles import Role

factory.Faker._DEFAULT_LOCALE = "zh_CN"

PASSWORD = "pw-for-tests-1"


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
