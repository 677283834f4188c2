"""Full-text search for the catalog on PostgreSQL (SQLite searches with LIKE instead).

A trigger keeps makers_piece.search_vector = to_tsvector('english', search_text) on every
insert and update, bulk ones included, and a GIN index serves both the match and the
ranking (makers.selectors reads the stored vector).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION makers_piece_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector('english'::regconfig, COALESCE(NEW.search_text, ''));
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS makers_piece_search_vector ON makers_piece;
CREATE TRIGGER makers_piece_search_vector BEFORE INSERT OR UPDATE ON makers_piece
    FOR EACH ROW EXECUTE FUNCTION makers_piece_search_vector();
UPDATE makers_piece SET search_text = search_text;
CREATE INDEX IF NOT EXISTS makers_piece_search_vector_gin ON makers_piece USING gin (search_vector);
"""
DROP = """
DROP INDEX IF EXISTS makers_piece_search_vector_gin;
DROP TRIGGER IF EXISTS makers_piece_search_vector ON makers_piece;
DROP FUNCTION IF EXISTS makers_piece_search_vector();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("makers", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
