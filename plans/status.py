"""A plan's status values: the plan owns them, the review workflow (review.workflow) moves a plan
between them. The draft is editable only in EDITABLE_STATES."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the province")
    PROVINCE_REVIEW = "province_review", _("Under provincial review")
    FORWARDED = "forwarded", _("Forwarded to national review")
    NATIONAL_REVIEW = "national_review", _("Under national review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")


# The park edits its draft only in these states.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
