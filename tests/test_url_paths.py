"""URL paths are bookmarks, links in e-mails and notifications, and the PDF's verification QR code:
they stay when code moves between apps (issue 13); URL names may change. This pins every path
pattern the portal serves, so a move cannot change one silently: a path added or changed on
purpose is added or changed here in the same commit.

At 92e7aeb (before issue 13) the site paths were these less summaries/peers/... (added by issue
13); the admin's pages of summary snapshots and export jobs were under admin/review/ (Django
derives them from the app a model belongs to); a redirect keeps those old addresses. Issue 14
added the comment panel (review/threads/), the editors' presence (sections/<key>/presence/) and
the history's Excel export, and replaced the data tables' per-table POST endpoints
(data/<table>/, data/accounting/: never bookmarks) by the one grid save on data/; issue 12
added django-axes' admin pages. Issue 16 added the reports' pages (plans/<id>/reports/...) and
the reviewers' list of reports due (reports/due/).
"""

from django.urls import URLPattern, URLResolver, get_resolver

# Every path outside the admin.
SITE_PATHS = [
    "",
    "accounts/login/",
    "accounts/logout/",
    "accounts/password/",
    "accounts/password/done/",
    "accounts/reset/",
    "accounts/reset/<uidb64>/<token>/",
    "accounts/reset/done/",
    "accounts/reset/sent/",
    "exports/",
    "exports/<int:pk>/download/",
    "exports/jobs/",
    "healthz",
    "i18n/setlang/",
    "jsi18n/",
    "notifications/",
    "parks/",
    "parks/<int:park_pk>/",
    "parks/<int:park_pk>/audit/",
    "parks/<int:park_pk>/audit/history.xlsx",
    "parks/<int:park_pk>/info/",
    "parks/<int:park_pk>/info/seal/",
    "parks/<int:park_pk>/plan/",
    "parks/<int:park_pk>/settings/",
    "parks/new/",
    "plans/<int:plan_pk>/",
    "plans/<int:plan_pk>/attachments/<int:pk>/download/",
    "plans/<int:plan_pk>/data/",
    "plans/<int:plan_pk>/data/import/",
    "plans/<int:plan_pk>/data/grid-recompute/",
    "plans/<int:plan_pk>/data/import/<int:pk>/",
    "plans/<int:plan_pk>/data/workbook.xlsx",
    "plans/<int:plan_pk>/figures/<int:pk>/image/",
    "plans/<int:plan_pk>/indicators/",
    "plans/<int:plan_pk>/indicators/<int:pk>/chart.svg",
    "plans/<int:plan_pk>/indicators/add/",
    "plans/<int:plan_pk>/pdfs/",
    "plans/<int:plan_pk>/reports/",
    "plans/<int:plan_pk>/versions/<int:number>/year-on-year/",
    "plans/<int:plan_pk>/reports/start/",
    "plans/<int:plan_pk>/pdfs/<int:pk>/",
    "plans/<int:plan_pk>/pdfs/request/",
    "plans/<int:plan_pk>/preview/",
    "plans/<int:plan_pk>/review/",
    "plans/<int:plan_pk>/review/<slug:action>/",
    "plans/<int:plan_pk>/review/assign/",
    "plans/<int:plan_pk>/review/threads/",
    "plans/<int:plan_pk>/roadmap/",
    "plans/<int:plan_pk>/rows/<slug:slug>/",
    "plans/<int:plan_pk>/rows/<slug:slug>/<int:pk>/delete/",
    "plans/<int:plan_pk>/rows/<slug:slug>/<int:pk>/edit/",
    "plans/<int:plan_pk>/rows/<slug:slug>/<int:pk>/move/",
    "plans/<int:plan_pk>/rows/<slug:slug>/new/",
    "plans/<int:plan_pk>/sections/<str:key>/",
    "plans/<int:plan_pk>/sections/<str:key>/attachments/",
    "plans/<int:plan_pk>/sections/<str:key>/autosave/",
    "plans/<int:plan_pk>/sections/<str:key>/figures/",
    "plans/<int:plan_pk>/sections/<str:key>/presence/",
    "plans/<int:plan_pk>/versions/<int:number>/",
    "plans/<int:plan_pk>/versions/<int:number>/changes/",
    "plans/<int:plan_pk>/versions/<int:number>/comments/",
    "plans/<int:plan_pk>/versions/<int:number>/comments/<int:pk>/resolve/",
    "plans/<int:plan_pk>/versions/<int:number>/files/<slug:kind>/<int:item>/",
    "provinces/",
    "provinces/<int:pk>/edit/",
    "reports/due/",
    "review/",
    "summaries/",
    "summaries/actuals/",
    "summaries/charts/<str:token>.svg",
    "summaries/peers/plans/<int:plan_pk>/versions/<int:number>/",
    "summaries/snapshots/",
    "users/",
    "users/<int:pk>/edit/",
    "users/<int:pk>/invite/",
    "users/new/",
    "verify/",
    "verify/<str:content_hash>/",
]

# The admin's paths, less the ones each registered model gets under its changelist
# (<path:object_id>/, .../change/, .../delete/, .../history/, add/).
ADMIN_PATHS = [
    "admin/",
    "admin/(?P<url>.*)$",
    "admin/(?P<app_label>auth|axes|parks|plans|indicators|review|reports|summaries)/$",
    "admin/auth/group/",
    "admin/autocomplete/",
    "admin/axes/accessattempt/",
    "admin/axes/accessfailurelog/",
    "admin/axes/accesslog/",
    "admin/indicators/accounting/",
    "admin/indicators/coefficientset/",
    "admin/indicators/customfuel/",
    "admin/indicators/indicator/",
    "admin/indicators/planindicator/",
    "admin/indicators/tabledata/",
    "admin/indicators/workbookimport/",
    "admin/jsi18n/",
    "admin/login/",
    "admin/logout/",
    "admin/parks/auditentry/",
    "admin/parks/nationalbody/",
    "admin/parks/park/",
    "admin/parks/parkprofile/",
    "admin/parks/province/",
    "admin/parks/user/",
    "admin/parks/user/<id>/password/",
    "admin/password_change/",
    "admin/password_change/done/",
    "admin/plans/attachment/",
    "admin/plans/cycle/",
    "admin/plans/figure/",
    "admin/plans/groupmember/",
    "admin/plans/keyproject/",
    "admin/plans/keytask/",
    "admin/plans/milestone/",
    "admin/plans/plan/",
    "admin/review/(?P<rest>(?:summarysnapshot|exportjob)/.*)$",
    "admin/review/comment/",
    "admin/review/pdfdocument/",
    "admin/review/statuschange/",
    "admin/review/version/",
    "admin/reports/reportdeadline/",
    "admin/summaries/exportjob/",
    "admin/summaries/summarysnapshot/",
]


def path_patterns(patterns=None, prefix: str = ""):
    """Every URL pattern as the path it matches, prefixes included (`plans/<int:plan_pk>/`)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from path_patterns(pattern.url_patterns, route)
        else:
            assert isinstance(pattern, URLPattern)
            yield route


def test_the_site_serves_the_same_paths():
    site = sorted({path for path in path_patterns() if not path.startswith("admin/")})
    assert site == sorted(SITE_PATHS)


def test_the_admin_serves_the_same_paths():
    admin = sorted(
        {
            path
            for path in path_patterns()
            if path.startswith("admin/")
            and "<path:object_id>" not in path
            and not path.endswith("/add/")
        }
    )
    assert admin == sorted(ADMIN_PATHS)


def test_the_old_admin_addresses_of_moved_models_lead_to_their_new_place(client):
    for old, new in [
        ("/admin/review/exportjob/", "/admin/summaries/exportjob/"),
        ("/admin/review/summarysnapshot/7/change/", "/admin/summaries/summarysnapshot/7/change/"),
        ("/admin/review/exportjob/?state=done", "/admin/summaries/exportjob/?state=done"),
    ]:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new)
    # the models that stayed in review/ keep their admin pages
    assert client.get("/admin/review/version/").status_code == 302  # to the admin's login
