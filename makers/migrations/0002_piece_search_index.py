"""A full-text index for the catalog search, on PostgreSQL only (SQLite searches by LIKE).

The expression must match makers.selectors.SEARCH_VECTOR exactly, or PostgreSQL will not
use the index.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS makers_piece_search_gin ON makers_piece "
    "USING gin (to_tsvector('english'::regconfig, COALESCE((search_text)::text, '')))"
)
DROP = "DROP INDEX IF EXISTS makers_piece_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("makers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
