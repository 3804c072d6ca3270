from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The plan as one document: built from the draft, frozen, thawed, previewed and printed."""

    name = "documents"

    def ready(self):
        from documents.extends import listen  # noqa: PLC0415  models are loaded only now

        listen()
