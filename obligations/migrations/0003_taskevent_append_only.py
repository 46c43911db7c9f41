"""On PostgreSQL the trail refuses UPDATE and DELETE in the database itself, whoever connects."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION obligations_taskevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'obligations_taskevent is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER obligations_taskevent_no_change
    BEFORE UPDATE OR DELETE ON obligations_taskevent
    FOR EACH ROW EXECUTE FUNCTION obligations_taskevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS obligations_taskevent_no_change ON obligations_taskevent;
DROP FUNCTION IF EXISTS obligations_taskevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("obligations", "0002_submissions")]

    operations = [migrations.RunPython(forwards, backwards)]
