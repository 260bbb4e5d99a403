"""`field__in_ids=[...]`: membership in a list of ids, sent as one parameter.

Django's `__in` writes one placeholder per element. With the 10.000 agencies of a
national return, each such filter cost ~100 ms more than the query itself: Django
preparing every element, psycopg splitting a query of 10.000 placeholders, PostgreSQL
parsing and planning the list (bench/national.py). On PostgreSQL this lookup is
`field = ANY(%s)` with the list as a single array parameter (the same plan); on other
databases (SQLite) it is `IN (%s, ...)` as `__in`. Anything but a list, tuple or set of
integers (a queryset, for instance) is handed to `__in`.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In


class InIds(Lookup):
    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self):
        if isinstance(self.rhs, list | tuple | set | frozenset):
            return sorted({int(value) for value in self.rhs})
        return self.rhs

    def as_sql(self, compiler, connection):
        if not isinstance(self.rhs, list):
            return compiler.compile(In(self.lhs, self.rhs))
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            # Cast to the column's type: psycopg sends small ints as smallint[], and
            # bigint = ANY(smallint[]) is neither hashed nor parallel (a scan went 4x).
            array = f"{self.lhs.output_field.db_type(connection)}[]"
            return f"{lhs} = ANY(%s::{array})", (*lhs_params, self.rhs)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


Field.register_lookup(InIds)
ForeignObject.register_lookup(InIds)  # related fields keep their own lookups
