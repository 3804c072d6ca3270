"""The review fixtures (an approved plan made through the real freeze) serve the reports too."""

from tests.review.conftest import plan_in, ready_plan, zh  # noqa: F401
