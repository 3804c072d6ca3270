"""The draft's preview without rebuilding its document on every request.

The draft changes, so its document is kept in the shared cache under a key that names everything
it is built from; any change gives another key, and the entry under the old one is simply no
longer asked for (it expires). What the key names:

- the plan's content stamp, `Plan.updated_at`: every write to the draft's content touches it in
  the same transaction (plans.services, indicators.services: sections, rows of every kind, the
  indicators and their targets, custom fuels, the data tables, the accounting's coefficient set
  and grid factors, figures, supporting files), and the plan's own fields (status, outline);
- the sections waiting for the park's answer to a reviewer's comment (a returned plan only:
  they count as not complete, plans.selectors.revision_counts), which change with comments,
  not with the draft;
- the park (`Park.updated_at`, set on every save) and its information form (`ParkProfile`: its
  id, revision and `updated_at`, which `park_profile_save` sets, seal included);
- the national reference data the document reads (the indicator catalogue, coefficient sets,
  fuel coefficients, grid factors, reporting cycles, provinces): its generation
  (core.fragments, connected in documents.apps), renewed on any save or delete of those
  models, again after the commit, and after migrations; a generation lost from the cache is
  made anew, so it can never come back to an old one;
- the language and the templates' digest.

The plan's stamp is read (with the plan) before the document is built from the database, so a
document is never stored under a stamp newer than its content: a write committed in between
stores newer content under the older stamp, which no later request asks for.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.fragments import generation, templates_digest
from documents.apps import REFERENCE_KIND
from documents.build import plan_document
from parks.selectors import park_profile_for_reading
from plans.models import Plan
from plans.selectors import revision_counts

PREVIEW_SECONDS = 24 * 3600


def preview_key(plan: Plan, profile) -> str | None:
    """Everything the draft's document depends on (the module's docstring); None while the
    shared cache cannot be reached (no generation of the reference data to name)."""
    reference = generation(REFERENCE_KIND)
    if reference is None:
        return None
    park = plan.park
    stamp = plan.updated_at.isoformat()
    waiting = ",".join(f"{k}={n}" for k, n in sorted(revision_counts(plan).items()) if n)
    named = (
        f"{stamp}:{plan.status}:{plan.outline_version}:{waiting}:"
        f"{plan.cycle_id}:{park.pk}:{park.updated_at.isoformat() if park.updated_at else ''}:"
        f"{profile.pk}:{profile.revision}:"
        f"{profile.updated_at.isoformat() if profile.pk and profile.updated_at else ''}:"
        f"{reference}:{get_language()}:{templates_digest()}"
    )
    return f"documents:preview:{plan.pk}:{hashlib.sha256(named.encode()).hexdigest()[:32]}"


def preview_document(plan: Plan) -> tuple[SafeString, int]:
    """(the draft's document as HTML, the percentage of required sections complete), from the
    shared cache when nothing it depends on changed since it was made. `plan` as
    plans.selectors.plan_get reads it (with its park)."""
    profile = park_profile_for_reading(park=plan.park)
    key = preview_key(plan, profile)
    cached = cache.get(key) if key else None
    if cached is None:
        doc = plan_document(plan, profile=profile)
        html = render_to_string("documents/_document.html", {"doc": doc, "plan": plan})
        cached = (html, doc.status.percent)
        if key:
            cache.set(key, cached, PREVIEW_SECONDS)
    html, percent = cached
    return mark_safe(html), percent  # made by the project's autoescaping templates
