"""The house in layers (docs/architecture.md): an app imports only the apps below it.

The order is the layer order. Every import of every module of an app is read from its syntax tree,
at the top of the module or inside a function alike; migrations are history and are not read.
"""

import ast
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)

LAYERS = [
    "core",
    "parks",
    "plans",
    "indicators",
    "notifications",
    "documents",
    "review",
    "reports",
    "summaries",
    "portal",
]

# Imports placed inside a function on purpose, each with its reason (pyproject's ruff config
# refuses any other: PLC0415). Heavy libraries loaded lazily are not project modules and are
# not counted here.
DELIBERATE_LOCAL_IMPORTS = {
    # A Celery task imports the service it runs when it runs, so that the service may import
    # the task at its top (to queue it) without a cycle.
    ("notifications/tasks.py", "notifications.services"),
    ("review/tasks.py", "review.pdfs"),
    ("summaries/tasks.py", "summaries.exports"),
    ("parks/tasks.py", "parks.notifications"),
    ("reports/tasks.py", "reports.reminders"),
    # openpyxl is loaded only when a workbook is made, not in every web process at start-up.
    ("summaries/exports.py", "summaries"),  # from summaries import export_workbook
    # An app's hooks into the apps below it are connected once its models are loaded.
    ("indicators/apps.py", "indicators.extends"),
    ("plans/apps.py", "plans.history"),  # how the change history (parks) names plans' records
    ("review/apps.py", "review.extends"),
    ("summaries/apps.py", "summaries.extends"),
    ("parks/apps.py", "parks.login_guard"),
    ("parks/apps.py", "parks.signed_in"),  # the signed-in user forgotten when it changes
    ("notifications/apps.py", "notifications.extends"),
}


def _modules(app: str):
    for path in sorted((REPO / app).rglob("*.py")):
        if "migrations" not in path.relative_to(REPO).parts:
            yield path


def _imports(path: Path):
    """(imported module, line, inside a function) for every import of a project app."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    functions = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    local = {id(inner) for f in functions for inner in ast.walk(f) if inner is not f}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if name.split(".")[0] in LAYERS:
                yield name, node.lineno, id(node) in local


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def test_every_app_of_the_project_has_a_layer():
    apps = {c.split(".")[0] for c in settings.INSTALLED_APPS if (REPO / c.split(".")[0]).is_dir()}
    assert apps <= set(LAYERS), f"apps without a layer: {apps - set(LAYERS)}"


def test_an_app_imports_only_the_apps_below_it():
    # given every module of every app, and each import of a project app in it
    upward = [
        f"{path.relative_to(REPO)}:{line} imports {module}"
        for app in LAYERS
        for path in _modules(app)
        for module, line, _local in _imports(path)
        if _layer(module) > LAYERS.index(app)
    ]
    # then none reaches an app above its own
    assert upward == [], "imports up the layers:\n" + "\n".join(upward)


def test_imports_of_project_modules_inside_functions_are_the_deliberate_few():
    found = {
        (str(path.relative_to(REPO)), module)
        for app in LAYERS
        for path in _modules(app)
        for module, _line, is_local in _imports(path)
        if is_local
    }
    assert found <= DELIBERATE_LOCAL_IMPORTS, (
        "imports inside functions that are not on the list: "
        + ", ".join(f"{p} -> {m}" for p, m in sorted(found - DELIBERATE_LOCAL_IMPORTS))
    )
    assert len(DELIBERATE_LOCAL_IMPORTS) <= 13  # one per app task module and hook set
