"""People sort by the Vietnamese order of names: `Person.sort_key` (chqs.text.name_sort_key),
filled for every existing person, indexed alone (the roster of a whole scope, by name)
and after the agency (one agency's people by name, instead of agency + full_name).

The folded `search_text` loses its plain index (and PostgreSQL's "_like" copy): it was
there for the roster's old sort by name; the search itself (LIKE '%word%') uses the
trigram index on PostgreSQL (0007) and a scan on SQLite. So an upload maintains one
index fewer on people than before. The two old indexes go before the fill and the new ones come
after it, so the UPDATE of every row maintains as few indexes as it can.

The fill computes the key once per distinct name (names repeat: 1,5 million people
have far fewer names), puts the pairs in a temporary table (COPY on PostgreSQL) and
sets every row with one UPDATE … FROM, on SQLite (≥ 3.33) and PostgreSQL alike.
Measured at 50.000 people (bench/load/scale_demo.py's province): 3,2 s on PostgreSQL,
2,9 s on SQLite; the UPDATE and its index maintenance are nearly all of it, so 1,5
million people take minutes, not hours. On PostgreSQL the UPDATE leaves a dead copy
of every row: run `VACUUM ANALYZE personnel_person` after migrating a large database
(autovacuum gets there too, later).
"""

from django.db import migrations, models

from chqs.text import name_sort_key

BATCH = 5000


def fill(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    person = quote(apps.get_model("personnel", "Person")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT full_name FROM {person}")
        pairs = [(name, name_sort_key(name)) for (name,) in cursor.fetchall()]
        if not pairs:
            return
        cursor.execute(
            "CREATE TEMPORARY TABLE personnel_person_sort_keys "
            "(full_name varchar(400) PRIMARY KEY, sort_key varchar(400) NOT NULL)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                "COPY personnel_person_sort_keys (full_name, sort_key) FROM STDIN"
            ) as copy:
                for pair in pairs:
                    copy.write_row(pair)
            cursor.execute("ANALYZE personnel_person_sort_keys")
        else:
            for start in range(0, len(pairs), BATCH):
                cursor.executemany(
                    "INSERT INTO personnel_person_sort_keys (full_name, sort_key) VALUES (%s, %s)",
                    pairs[start : start + BATCH],
                )
        cursor.execute(
            f"UPDATE {person} SET sort_key = k.sort_key FROM personnel_person_sort_keys k "
            f"WHERE {person}.full_name = k.full_name"
        )
        cursor.execute("DROP TABLE personnel_person_sort_keys")


class Migration(migrations.Migration):
    dependencies = [
        ("personnel", "0008_report_covering_indexes"),
        ("units", "0002_seed_reference_data"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="personnel_p_agency__99780d_idx"),
        migrations.AlterField(
            model_name="person",
            name="search_text",
            field=models.CharField(default="", editable=False, max_length=300),
        ),
        migrations.AddField(
            model_name="person",
            name="sort_key",
            field=models.CharField(default="", editable=False, max_length=400),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["sort_key"], name="personnel_person_sort_key"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["agency", "sort_key"], name="personnel_person_agency_sort"),
        ),
        migrations.AlterModelOptions(
            name="person",
            options={
                "ordering": ["sort_key", "id"],
                "verbose_name": "cán bộ, nhân viên",
                "verbose_name_plural": "cán bộ, nhân viên",
            },
        ),
    ]
