"""SQL the visibility rules need and the ORM does not say on its own.

``pk__any=<queryset of ids>`` compiles to ``id = ANY(ARRAY(<subquery>))``. Where
``pk__in=<queryset>`` becomes a hashed subplan that PostgreSQL can only test row by row
(so an OR of it with anything forces a sequential scan of the whole case table), the
array is computed once per query and probes the primary-key index: a user's few
personally linked cases are found by index, whatever the size of the table. (SQLite,
for the laptop demo only, has no arrays and gets ``id IN (<subquery>)``.)
"""

from django.db import models
from django.db.models import Lookup


class AnyOfSubquery(Lookup):
    lookup_name = "any"

    def as_sql(self, compiler, connection):
        return self._written_as("{lhs} = ANY(ARRAY{rhs})", compiler, connection)

    def as_sqlite(self, compiler, connection):
        # SQLite (the laptop demo of ``make run``) has no arrays; its planner tests an
        # IN (subquery) once per query anyway.
        return self._written_as("{lhs} IN {rhs}", compiler, connection)

    def _written_as(self, template: str, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return template.format(lhs=lhs, rhs=rhs), [*lhs_params, *rhs_params]


models.BigAutoField.register_lookup(AnyOfSubquery)
models.AutoField.register_lookup(AnyOfSubquery)
