"""The demo's submissions taken through the review workflow by the demo users, as they would take
them on the site: through review.services, so each step writes its status change (with the
acting body and the opinion), freezes the versions, sends the notifications and asks for the
PDFs of record, exactly as a real submission does."""

from dataclasses import dataclass

from parks.models import User
from plans.models import Plan
from review.services import transition_apply

# The demo's reviewers of 苏州工业园区 (portal.demo.park.DEMO_USERS).
PROVINCE = "jiangsu"
NATIONAL = "national"


@dataclass(frozen=True)
class Step:
    """One transition: the action, the demo user who takes it, the 审核意见 it needs."""

    action: str
    username: str
    opinion: str = ""


def to_province(manager: str) -> tuple[Step, ...]:
    """Submitted by the park's manager and taken up by the provincial reviewer."""
    return (Step("submit", manager), Step("start", PROVINCE))


def to_approval(forward: str, approve: str) -> tuple[Step, ...]:
    """Forwarded by the provincial reviewer and approved by the national reviewer."""
    return (
        Step("forward", PROVINCE, forward),
        Step("start", NATIONAL),
        Step("approve", NATIONAL, approve),
    )


def walk(plan: Plan, steps: tuple[Step, ...]) -> None:
    """Take `plan` through `steps` (the park manager agrees to the declaration on submitting)."""
    for step in steps:
        transition_apply(
            plan=plan,
            action=step.action,
            actor=User.objects.get(username=step.username),
            declared=step.action == "submit",
            opinion=step.opinion,
        )
    plan.refresh_from_db()
