"""Migration operations shared by the apps."""

from django.db import migrations


def postgresql_indexes(indexes: dict[str, str]) -> migrations.RunPython:
    """CREATE INDEX name ON definition, for each item, on PostgreSQL only (INCLUDE and
    the like; SQLite keeps its plain indexes); DROP INDEX when migrating back."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name, definition in indexes.items():
                schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for name in indexes:
                schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
