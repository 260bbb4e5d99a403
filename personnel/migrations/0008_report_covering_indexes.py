"""Covering indexes for the periodic returns' national and province figures
(PostgreSQL only; bench/national.py, 1.500.000 people, 1.200.000 service records).

- people by id, with the staff agency and what the strength figures count (gender,
  birth date, Party and Youth Union dates): a province's strength scan joins its
  ≈36.000 serving records to their people by index-only lookups instead of hashing
  all 1.500.000 people (≈240 → 40 ms), and the national "short of training days"
  merge reads people from the index alone;
- service records by person, with the serving-on-a-day columns, position and kind of
  force: "short of training days" finds a province's people's serving records by
  index-only lookups instead of scanning all 1.200.000 records (≈1,3 s → 50 ms);
- closed and postponed service records by person (partial): the only records that can
  start before the serving one; "short of training days" checks a recent member's
  first joining date against them, and PostgreSQL hashes this small index once instead
  of a lookup per member.

SQLite (the embedded default) has no INCLUDE; its plain indexes serve there.
"""

from django.db import migrations

from chqs.migration_ops import postgresql_indexes

INDEXES = {
    "personnel_person_report_cover": (
        "personnel_person (id) "
        "INCLUDE (agency_id, gender, birth_date, party_joined_on, youth_union_joined_on)"
    ),
    "personnel_service_person_cover": (
        "personnel_service (person_id) "
        "INCLUDE (joined_on, ended_on, status, status_on, position_id, force_kind_id)"
    ),
    "personnel_service_earlier": (
        "personnel_service (person_id) INCLUDE (joined_on) "
        "WHERE ended_on IS NOT NULL OR status = 'postponed'"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("personnel", "0007_person_search_trigram")]

    operations = [postgresql_indexes(INDEXES)]
