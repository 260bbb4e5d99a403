"""A partial covering index of the attended nominations by person (PostgreSQL only):
"members short of their training days" sums each person's attended days per audience;
with it the sum reads only the index (≈190 → 70 ms for a province of 44.000 people in
bench/national.py). SQLite has no INCLUDE; its plain person index serves there."""

from django.db import migrations

from chqs.migration_ops import postgresql_indexes


class Migration(migrations.Migration):
    dependencies = [("training", "0002_seed_audiences")]

    operations = [
        postgresql_indexes(
            {
                "training_nomination_attended_cover": (
                    "training_nomination (person_id) INCLUDE (course_id, days_attended) "
                    "WHERE state = 'active' AND attendance = 'present'"
                )
            }
        )
    ]
