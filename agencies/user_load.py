"""The signed-in user's load: one statement, written once per process.

Every signed-in request loads its user with membership, agency, unit and roles in one
query (``agencies.roles.with_membership``). Building and compiling that queryset was
about a fifth of the CPU of a page that reads nothing else, and its shape never
changes: only the user's id does. So the statement is written once, its columns taken
from the models' own fields, and run with each request's id; the row becomes the same
objects the ORM would build (``tests/test_roles_and_navigation.py`` holds the two
equal). It also leaves out what ``.first()`` added and a primary-key lookup does not
need (an ORDER BY and a LIMIT), which PostgreSQL planned on every request.
"""

import functools
import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model

from agencies.roles import LOADED_ROLES

USING = "default"


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement, in order."""

    model: type[Model]
    alias: str
    fields: tuple

    def select(self, quote) -> str:
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def build(self, values, connection) -> Model | None:
        """The instance, as a queryset would load it; None for a LEFT JOIN that met no row."""
        if values[0] is None:  # the primary key comes first
            return None
        values = [
            field.from_db_value(value, None, connection)
            if hasattr(field, "from_db_value")
            else value
            for field, value in zip(self.fields, values, strict=True)
        ]
        return self.model.from_db(USING, [field.attname for field in self.fields], values)


def _part(model, alias: str) -> _Part:
    fields = tuple(model._meta.concrete_fields)
    assert fields[0].primary_key
    return _Part(model, alias, fields)


@functools.cache
def _statement():
    from agencies.models import Agency, Membership, MembershipRole, Unit, User

    connection = connections[USING]
    quote = connection.ops.quote_name
    user, membership = _part(User, "u"), _part(Membership, "m")
    agency, unit = _part(Agency, "a"), _part(Unit, "n")
    parts = (user, membership, agency, unit)
    role_table, role_column = quote(MembershipRole._meta.db_table), quote("role")
    membership_fk = quote(MembershipRole._meta.get_field("membership").column)
    role_names = (
        f"SELECT r.{role_column} FROM {role_table} r "  # noqa: S608 - names from the models
        f"WHERE r.{membership_fk} = m.{quote('id')} ORDER BY 1"
    )
    if connection.vendor == "postgresql":
        roles = f"ARRAY({role_names})"
    else:  # SQLite, the laptop demo: no arrays, a JSON one
        roles = f"(SELECT json_group_array({role_column}) FROM ({role_names}))"  # noqa: S608
    sql = (
        f"SELECT {', '.join(part.select(quote) for part in parts)}, {roles} "  # noqa: S608
        f"FROM {quote(User._meta.db_table)} u "
        f"LEFT JOIN {quote(Membership._meta.db_table)} m "
        f"ON m.{quote(Membership._meta.get_field('user').column)} = u.{quote('id')} "
        f"LEFT JOIN {quote(Agency._meta.db_table)} a "
        f"ON a.{quote('id')} = m.{quote(Membership._meta.get_field('agency').column)} "
        f"LEFT JOIN {quote(Unit._meta.db_table)} n "
        f"ON n.{quote('id')} = m.{quote(Membership._meta.get_field('unit').column)} "
        f"WHERE u.{quote('id')} = %s"
    )
    return sql, parts


def user_with_membership(user_id):
    """The user with ``pk=user_id``, their membership, its agency and unit and the roles
    (``LOADED_ROLES``), as ``with_membership(User.objects.filter(pk=user_id))`` loads
    them; None when there is no such user."""
    sql, (user_part, membership_part, agency_part, unit_part) = _statement()
    connection = connections[USING]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values, built = list(row), []
    for part in (user_part, membership_part, agency_part, unit_part):
        built.append(part.build(values[: len(part.fields)], connection))
        values = values[len(part.fields) :]
    user, membership, agency, unit = built
    # What select_related leaves: each related object (or None) in its field cache, so
    # reading it runs no query.
    type(user).membership.related.set_cached_value(user, membership)
    if membership is not None:
        type(membership).user.field.set_cached_value(membership, user)
        type(membership).agency.field.set_cached_value(membership, agency)
        type(membership).unit.field.set_cached_value(membership, unit)
    roles = values[0]
    setattr(user, LOADED_ROLES, json.loads(roles) if isinstance(roles, str) else roles)
    return user
