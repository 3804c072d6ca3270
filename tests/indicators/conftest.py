import pytest
from django.utils import translation

from tests.factories import PlanFactory


@pytest.fixture
def plan_a(world, catalogue):
    """Park A's plan for the current cycle, with the catalogue and coefficient set present."""
    return PlanFactory(park=world.park_a)


@pytest.fixture
def plan_b(world, catalogue):
    return PlanFactory(park=world.park_b)


@pytest.fixture
def zh():
    """Messages built outside a request (services, checks) in the language users read."""
    with translation.override("zh-hans"):
        yield
