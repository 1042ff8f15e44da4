"""Key rotation (``rotate_field_encryption``) reaches everything kept encrypted and never
undoes a change saved while it runs. Columns and case documents are covered in
test_case_core and test_documents; here, the rest, and the race."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from api.models import IdempotencyKey
from cases import encryption
from cases.encryption import fernet, rotate_column, rotate_stored_file
from cases.models import Person
from reports import imports

pytestmark = pytest.mark.django_db

SPREADSHEET = b"kode,tanggal_lapor,nama_anak\nL-1,2024-01-05,Anak Lama Rahasia\n"


@pytest.fixture
def new_key_first(settings):
    """A new key put first, as the runbook says; returns how to drop the old ones."""
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]

    def drop_old_keys():
        settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]

    return drop_old_keys


def test_kept_api_answers_and_waiting_import_files_move_to_the_new_key(gita, new_key_first):
    kept = IdempotencyKey.objects.create(
        principal="client:1", key="k1", fingerprint="f", body=fernet().encrypt(b'{"text":"x"}')
    )
    batch = imports.import_upload(
        uploaded_by=gita,
        agency=imports.import_agency(gita),
        upload=SimpleUploadedFile("kasus-lama.csv", SPREADSHEET),
    )
    imports.import_validate(batch_id=batch.pk)  # checked: it waits for a confirmation
    old_file = batch.file.name
    call_command("rotate_field_encryption", stdout=io.StringIO())
    new_key_first()
    kept.refresh_from_db()
    assert fernet().decrypt(bytes(kept.body)) == b'{"text":"x"}'
    batch.refresh_from_db()
    assert batch.file.name != old_file and not batch.file.storage.exists(old_file)
    with batch.file.open("rb") as stored:
        assert fernet().decrypt(stored.read()) == SPREADSHEET


def test_a_value_saved_while_the_rotation_runs_is_not_put_back(monkeypatch, new_key_first):
    person = Person.objects.create(name="Nama Lama", sex="P")
    real_reencrypt = encryption.reencrypt

    def an_edit_lands_between_the_read_and_the_write(token: str) -> str:
        Person.objects.filter(pk=person.pk).update(name="Nama Baru")
        return real_reencrypt(token)

    monkeypatch.setattr(encryption, "reencrypt", an_edit_lands_between_the_read_and_the_write)
    assert rotate_column(Person, "name") == 0  # the value read is no longer there
    new_key_first()
    assert Person.objects.get(pk=person.pk).name == "Nama Baru"


def test_a_file_removed_while_the_rotation_runs_is_not_brought_back(
    gita, new_key_first, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    batch = imports.import_upload(
        uploaded_by=gita,
        agency=imports.import_agency(gita),
        upload=SimpleUploadedFile("kasus-lama.csv", SPREADSHEET),
    )
    storage, old_file = batch.file.storage, batch.file.name
    # The import finishes (and lets go of its spreadsheet) after the rotation read the row.
    type(batch).objects.filter(pk=batch.pk).update(file="")
    assert rotate_stored_file(batch, "file") is False
    batch.refresh_from_db()
    assert batch.file.name == ""
    assert storage.listdir("imports")[1] == [old_file.rsplit("/", 1)[-1]]  # no copy left
