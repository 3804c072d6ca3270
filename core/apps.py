from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure no domain owns: background jobs, the PDF engine and its print fonts, number
    parsing, optimistic locking, form and spreadsheet helpers. It imports no app of the portal."""

    name = "core"
    verbose_name = "core"
