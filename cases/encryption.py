"""Encryption at rest for identity fields and narratives, and keyed hashes to find them.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, authenticated) under the
first key of ``FIELD_ENCRYPTION_KEYS``; every key in the list still decrypts, so a key
is rotated by putting a new one first and re-encrypting (``rotate_field_encryption``).
An encrypted column can be neither searched nor sorted: exact-match search goes through
a separate keyed hash column (``identity_hash``).
"""

import hashlib
import hmac
import re
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    """The current keys: encrypts with the first, decrypts with any."""
    return _fernet_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        # Never include the value: it may be a child's name under the wrong key.
        raise ImproperlyConfigured(
            "An encrypted value cannot be decrypted with FIELD_ENCRYPTION_KEYS."
        ) from exc


def reencrypt(token: str) -> str:
    """The same plaintext under the current (first) key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. Empty strings stay empty (nothing to hide)."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # A random IV makes every ciphertext unique: equality, LIKE or ordering on it
        # would silently match nothing, so only null checks are allowed.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name for matching."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(char for char in decomposed if char.isalnum() or char.isspace())
    return _SPACES.sub(" ", letters).strip().lower()


def identity_hash(*parts: str) -> str:
    """Keyed hash (HMAC-SHA256 under IDENTITY_HASH_KEY) for exact-match lookups.

    Without the key a hash cannot be tested against guesses, unlike a plain hash of a
    16-digit NIK whose structure makes brute force cheap.
    """
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(settings.IDENTITY_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def nik_hash(nik: str) -> str:
    return identity_hash("nik", _NOT_DIGIT.sub("", nik))


def name_birth_hash(name: str, birth_date) -> str:
    return identity_hash("name+birth", normalise_name(name), birth_date.isoformat())


def encrypted_columns() -> list[tuple[type[models.Model], str]]:
    """Every (model, column) stored through EncryptedTextField."""
    from django.apps import apps

    return [
        (model, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rotate_column(model: type[models.Model], column: str, *, batch_size: int = 1000) -> int:
    """Re-encrypt one column (text tokens, or bytes in a binary column) under the current
    key without ever decrypting to Python objects that could end up in logs; returns the
    number of values rewritten.

    Each value is written back only if it is still the token read: a value the app saved
    meanwhile is already under the current key, and must not be put back as it was."""
    from django.db import connection, transaction

    table = connection.ops.quote_name(model._meta.db_table)
    quoted = connection.ops.quote_name(column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    binary = isinstance(model._meta.get_field(column), models.BinaryField)
    not_empty = f"length({quoted}) > 0" if binary else f"{quoted} <> ''"
    rewritten = 0
    last_pk = None
    while True:
        with connection.cursor() as cursor:
            after = f"AND {pk} > %s" if last_pk is not None else ""
            cursor.execute(
                f"SELECT {pk}, {quoted} FROM {table} WHERE {not_empty} {after} "  # noqa: S608
                f"ORDER BY {pk} LIMIT %s",
                [last_pk, batch_size] if last_pk is not None else [batch_size],
            )
            rows = cursor.fetchall()
        if not rows:
            return rewritten
        with transaction.atomic(), connection.cursor() as cursor:
            for row_pk, token in rows:
                rotated = fernet().rotate(bytes(token)) if binary else reencrypt(token)
                cursor.execute(
                    f"UPDATE {table} SET {quoted} = %s "  # noqa: S608
                    f"WHERE {pk} = %s AND {quoted} = %s",
                    [rotated, row_pk, token],
                )
                rewritten += cursor.rowcount
        last_pk = rows[-1][0]


def rotate_stored_file(record: models.Model, field_name: str) -> bool:
    """Re-encrypt one stored file under the current key: the new token goes to a new file,
    the record points at it, and only then is the old file removed, so a crash midway
    never leaves a record without a readable file. True when the file was rewritten.

    The record is repointed only if it still names the file read: one whose file was
    removed or replaced meanwhile (an import done, a batch deleted) keeps that, and the
    new copy is removed again."""
    from django.core.files.base import ContentFile

    stored_file = getattr(record, field_name)
    old_name, storage = stored_file.name, stored_file.storage
    with stored_file.open("rb") as stored:
        token = stored.read()
    new_name = storage.save(old_name, ContentFile(fernet().rotate(token)))
    still_there = type(record).objects.filter(pk=record.pk, **{field_name: old_name})
    if not still_there.update(**{field_name: new_name}):
        storage.delete(new_name)
        return False
    storage.delete(old_name)
    return True
