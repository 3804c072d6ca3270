"""Helpers for migrations that move a model from one app to another without touching its table."""


def move_content_types(old_app: str, new_app: str, models: list[str]):
    """A RunPython function that hands the content types (and so the permissions and the admin's
    history) of `models` from `old_app` to `new_app`; run with the apps swapped to undo."""

    def run(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in models:
            if content_type.objects.using(db).filter(app_label=new_app, model=model).exists():
                continue
            content_type.objects.using(db).filter(app_label=old_app, model=model).update(
                app_label=new_app
            )

    return run
