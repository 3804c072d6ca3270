"""Operations the apps' migrations share."""

from django.db import migrations

# A column's TOAST compression (PostgreSQL 14 and later): lz4 compresses and decompresses a few
# times faster than the default pglz, for texts rewritten every few seconds (an autosave writes
# its section's text and extends its audit row's old and new text: bench/README.md). Where the
# server was built without lz4, or is older, the column keeps the default.
_SET = """
DO $$ BEGIN
    ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method};
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR syntax_error
    OR undefined_object THEN NULL;
END $$;
"""


def column_compression(table: str, column: str) -> migrations.RunPython:
    """Compress the column's large values with lz4 on PostgreSQL (nothing elsewhere)."""

    def run(method):
        def operation(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                quote = schema_editor.quote_name
                schema_editor.execute(
                    _SET.format(table=quote(table), column=quote(column), method=method)
                )

        return operation

    return migrations.RunPython(run("lz4"), run("default"), elidable=True)
