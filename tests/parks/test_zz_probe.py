from django.core.management import call_command
from parks import services
from parks.models import Park
from tests.factories import ProvinceFactory, UserFactory

def test_load_after_admin_created_same_name(db):
    admin = UserFactory(national_admin=True)
    prov = ProvinceFactory(code="320000", name="江苏省", reviewing_body="x")
    services.park_create(actor=admin, name="苏州工业园区", province=prov, district="")
    call_command("load_parks")
    print(Park.objects.filter(name="苏州工业园区").count())
