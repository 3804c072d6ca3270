from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"

    def ready(self):
        from summaries.extends import connect_fragments  # noqa: PLC0415  models are loaded only now

        connect_fragments()
