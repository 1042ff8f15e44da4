"""The caller's load: one statement, written once per process.

Every signed-in request loads its user with membership, agency, unit and roles in one
query (``agencies.roles.with_membership``), and every partner API call loads its client
with the client's agency and the service account loaded the same way. Building and
compiling those querysets was about a fifth of the CPU of a page that reads nothing
else, and their shape never changes: only the user's id, or the token's prefix, does.
So each statement is written once, its columns taken from the models' own fields, and
run with each request's value (prepared once per connection on PostgreSQL:
config.prepared_statements); the row becomes the same objects the ORM would build
(``tests/test_roles_and_navigation.py`` and ``tests/test_api_foundation.py`` hold the
two equal). It also leaves out what ``.first()`` added and a lookup by a unique column
does not need (an ORDER BY and a LIMIT), which PostgreSQL planned on every request.
"""

import functools
import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model
from django.db.models.expressions import Col

from agencies.roles import LOADED_ROLES
from config.prepared_statements import execute_kept

USING = "default"


@dataclass(frozen=True)
class _Part:
    """One model's columns in the statement, in order, each with what a queryset would
    apply to its value (the backend's converters, then the field's own)."""

    model: type[Model]
    alias: str
    fields: tuple
    converters: tuple

    def select(self, quote) -> str:
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    def build(self, values, connection) -> Model | None:
        """The instance, as a queryset would load it; None for a LEFT JOIN that met no row."""
        if values[0] is None:  # the primary key comes first
            return None
        converted = []
        for value, (column, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(USING, [field.attname for field in self.fields], converted)


def _part(model, alias: str) -> _Part:
    fields = tuple(model._meta.concrete_fields)
    assert fields[0].primary_key
    connection = connections[USING]
    converters = []
    for field in fields:
        column = Col(alias, field)
        backend = connection.ops.get_db_converters(column)
        converters.append((column, (*backend, *field.get_db_converters(connection))))
    return _Part(model, alias, fields, tuple(converters))


@dataclass(frozen=True)
class _Statement:
    sql: str
    parts: tuple[_Part, ...]

    def run(self, value) -> tuple[list, object] | None:
        """The instances of the one row the statement finds for ``value`` (one per part,
        None for a part its LEFT JOIN did not meet), and the roles; None for no row."""
        connection = connections[USING]
        with connection.cursor() as cursor:
            execute_kept(connection, cursor, self.sql, [value])
            row = cursor.fetchone()
        if row is None:
            return None
        values, built = list(row), []
        for part in self.parts:
            built.append(part.build(values[: len(part.fields)], connection))
            values = values[len(part.fields) :]
        roles = values[0]
        return built, json.loads(roles) if isinstance(roles, str) else roles


def _membership_parts() -> tuple[_Part, ...]:
    from agencies.models import Agency, Membership, Unit, User

    return _part(User, "u"), _part(Membership, "m"), _part(Agency, "a"), _part(Unit, "n")


def _membership_sql(quote, vendor: str) -> tuple[str, str]:
    """The roles' column and the joins that bring the membership of user ``u``."""
    from agencies.models import Agency, Membership, MembershipRole, Unit

    role_table, role_column = quote(MembershipRole._meta.db_table), quote("role")
    membership_fk = quote(MembershipRole._meta.get_field("membership").column)
    role_names = (
        f"SELECT r.{role_column} FROM {role_table} r "  # noqa: S608 - names from the models
        f"WHERE r.{membership_fk} = m.{quote('id')} ORDER BY 1"
    )
    if vendor == "postgresql":
        roles = f"ARRAY({role_names})"
    else:  # SQLite, the laptop demo: no arrays, a JSON one
        roles = f"(SELECT json_group_array({role_column}) FROM ({role_names}))"  # noqa: S608
    joins = (
        f"LEFT JOIN {quote(Membership._meta.db_table)} m "
        f"ON m.{quote(Membership._meta.get_field('user').column)} = u.{quote('id')} "
        f"LEFT JOIN {quote(Agency._meta.db_table)} a "
        f"ON a.{quote('id')} = m.{quote(Membership._meta.get_field('agency').column)} "
        f"LEFT JOIN {quote(Unit._meta.db_table)} n "
        f"ON n.{quote('id')} = m.{quote(Membership._meta.get_field('unit').column)} "
    )
    return roles, joins


@functools.cache
def _user_statement() -> _Statement:
    from agencies.models import User

    connection = connections[USING]
    quote = connection.ops.quote_name
    parts = _membership_parts()
    roles, joins = _membership_sql(quote, connection.vendor)
    sql = (
        f"SELECT {', '.join(part.select(quote) for part in parts)}, {roles} "  # noqa: S608
        f"FROM {quote(User._meta.db_table)} u {joins}"
        f"WHERE u.{quote('id')} = %s"
    )
    return _Statement(sql, parts)


@functools.cache
def _client_statement() -> _Statement:
    from agencies.models import Agency, ApiClient, User

    connection = connections[USING]
    quote = connection.ops.quote_name
    parts = (_part(ApiClient, "c"), _part(Agency, "ca"), *_membership_parts())
    roles, joins = _membership_sql(quote, connection.vendor)
    client_column = functools.partial(_column, ApiClient, quote)
    sql = (
        f"SELECT {', '.join(part.select(quote) for part in parts)}, {roles} "  # noqa: S608
        f"FROM {quote(ApiClient._meta.db_table)} c "
        f"JOIN {quote(Agency._meta.db_table)} ca ON ca.{quote('id')} = c.{client_column('agency')} "
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = c.{client_column('user')} "
        f"{joins}WHERE c.{client_column('token_prefix')} = %s"
    )
    return _Statement(sql, parts)


def _column(model, quote, name: str) -> str:
    return quote(model._meta.get_field(name).column)


def _attach(user, membership, agency, unit, roles) -> None:
    """What select_related and ``with_membership`` leave: each related object (or None)
    in its field cache, so reading it runs no query, and the roles beside the user."""
    type(user).membership.related.set_cached_value(user, membership)
    if membership is not None:
        type(membership).user.field.set_cached_value(membership, user)
        type(membership).agency.field.set_cached_value(membership, agency)
        type(membership).unit.field.set_cached_value(membership, unit)
    setattr(user, LOADED_ROLES, roles)


def user_with_membership(user_id):
    """The user with ``pk=user_id``, their membership, its agency and unit and the roles
    (``LOADED_ROLES``), as ``with_membership(User.objects.filter(pk=user_id))`` loads
    them; None when there is no such user."""
    found = _user_statement().run(user_id)
    if found is None:
        return None
    (user, membership, agency, unit), roles = found
    _attach(user, membership, agency, unit, roles)
    return user


def client_with_membership(token_prefix: str):
    """The API client with ``token_prefix``, its agency and its service account (loaded
    as ``user_with_membership`` loads a user), as ``with_membership(ApiClient.objects
    .select_related("agency", "user"), path="user__", user_id="user_id")`` loads it,
    usable or not; None when there is no such client."""
    found = _client_statement().run(token_prefix)
    if found is None:
        return None
    (client, client_agency, user, membership, agency, unit), roles = found
    _attach(user, membership, agency, unit, roles)
    type(client).agency.field.set_cached_value(client, client_agency)
    type(client).user.field.set_cached_value(client, user)
    type(user).api_client.related.set_cached_value(user, client)
    return client
