"""A trigram index for the roster's search on PostgreSQL.

`PersonQuerySet.search` filters `search_text LIKE '%word%'` once per word; without an
index PostgreSQL reads and matches every person (≈60 ms at 50.000 people). A GIN
trigram index answers those LIKEs for words of 3 letters or more. SQLite (the embedded
default) has no such index and keeps its plain scan, so this is PostgreSQL only.
pg_trgm is a trusted extension (PostgreSQL ≥ 13): the database owner may create it.
"""

from django.db import migrations

INDEX = "personnel_person_search_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON personnel_person "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("personnel", "0006_duty_counted_apart")]

    operations = [migrations.RunPython(create, drop)]
