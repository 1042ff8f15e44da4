import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import AuditEvent, Case, CaseDocument
from cases.services import case_open
from tests.factories import a_png, member_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(dinsos, hadi, ani):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    return case


def upload(client, case, *, name="surat.pdf", content=PDF, kind="surat", title="Surat RT"):
    return client.post(
        f"/kasus/{case.code}/aksi/dokumen/",
        {"kind": kind, "title": title, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_a_document_is_stored_encrypted_under_a_random_name(client, ani, case, private_media):
    client.force_login(ani)
    upload(client, case)
    document = CaseDocument.objects.get()
    stored = (private_media / "private" / document.file.name).read_bytes()
    assert b"%PDF" not in stored
    assert "surat" not in document.file.name and case.code not in document.file.name


def test_the_download_is_the_original_audited_and_named_by_code(client, ani, case):
    client.force_login(ani)
    upload(client, case)
    document = CaseDocument.objects.get()
    response = client.get(f"/kasus/{case.code}/dokumen/{document.pk}/")
    assert response.content == PDF
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{case.code}-surat-{document.pk}.pdf"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    assert AuditEvent.objects.filter(action="download", case=case).count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("program.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("foto.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
        ("aktif.pdf", PDF + b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    ],
)
def test_executables_and_disguised_files_are_refused(client, ani, case, name, content):
    client.force_login(ani)
    response = upload(client, case, name=name, content=content)
    assert not CaseDocument.objects.exists()
    assert 'class="alert alert-danger"' in response.content.decode()


def test_a_file_over_10_mb_is_refused(client, ani, case):
    client.force_login(ani)
    upload(client, case, content=PDF + b"0" * (10 * 1024 * 1024))
    assert not CaseDocument.objects.exists()


def test_a_visum_is_hidden_from_the_head_but_a_letter_is_not(client, ani, case, dinsos):
    client.force_login(ani)
    upload(client, case, kind="visum", title="")
    upload(client, case, kind="surat")
    visum = CaseDocument.objects.get(kind="visum")
    head = member_of(dinsos, "head")
    client.force_login(head)
    assert client.get(f"/kasus/{case.code}/dokumen/{visum.pk}/").status_code == 404
    assert CaseDocument.objects.visible_to(head).count() == 1


def test_a_photo_opens_only_to_those_who_reveal_the_identity_with_a_click(
    client, ani, budi, case, dinsos
):
    client.force_login(ani)
    upload(client, case, name="anak.png", content=a_png(), kind="foto", title="")
    upload(client, case, kind="surat")
    photo = CaseDocument.objects.get(kind="foto")
    for entitled in (ani, budi):  # the lead caseworker, the supervisor
        assert CaseDocument.objects.visible_to(entitled).filter(pk=photo.pk).exists()
    head = member_of(dinsos, "head")  # reveals the identity only with a reason
    client.force_login(head)
    assert client.get(f"/kasus/{case.code}/dokumen/{photo.pk}/").status_code == 404
    assert list(CaseDocument.objects.visible_to(head).values_list("kind", flat=True)) == ["surat"]
    assert "foto" not in client.get(f"/kasus/{case.code}/").content.decode().lower()


def test_a_photo_opens_to_exactly_those_with_one_click_identity_access(
    client, ani, budi, hadi, case, dinsos
):
    """The photo's rule (a condition on documents) and ``Case.identity_access`` (one
    case) read "works on the case" from one source: they agree for everyone at the
    lead agency, linked to the case each way or not at all."""
    from cases.models import CaseTeamMember
    from cases.models.cases import IdentityAccess

    client.force_login(ani)
    upload(client, case, name="anak.png", content=a_png(), kind="foto", title="")
    photo = CaseDocument.objects.get(kind="foto")
    on_team = member_of(dinsos, "caseworker")
    CaseTeamMember.objects.create(case=case, user=on_team)
    people = {
        "lead caseworker": ani,
        "supervisor": budi,
        "opener": hadi,
        "team member": on_team,
        "another caseworker": member_of(dinsos, "caseworker"),
        "head": member_of(dinsos, "head"),
        "data officer": member_of(dinsos, "data_officer"),
    }
    seen = {}
    for who, user in people.items():
        sees_photo = CaseDocument.objects.visible_to(user).filter(pk=photo.pk).exists()
        sees_case = Case.objects.visible_to(user).filter(pk=case.pk).exists()
        clicks = Case.objects.get(pk=case.pk).identity_access(user) == IdentityAccess.CLICK
        assert sees_photo == (sees_case and clicks), who
        seen[who] = sees_photo
    # The opener no longer sees the case once it is assigned to someone else.
    assert {who for who, sees in seen.items() if sees} == {
        "lead caseworker",
        "supervisor",
        "team member",
    }
    # Before it is assigned, the case and its photo are the opener's.
    unassigned = case_open(
        opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang"
    )
    client.force_login(hadi)
    upload(client, unassigned, name="anak.png", content=a_png(), kind="foto", title="")
    own_photo = CaseDocument.objects.get(kind="foto", case=unassigned)
    assert unassigned.identity_access(hadi) == IdentityAccess.CLICK
    assert CaseDocument.objects.visible_to(hadi).filter(pk=own_photo.pk).exists()


def test_another_agency_cannot_download(client, ani, citra, case):
    from guardian.shortcuts import assign_perm

    client.force_login(ani)
    upload(client, case)
    document = CaseDocument.objects.get()
    assign_perm("cases.view_case", citra, case)  # a shared case does not share documents
    client.force_login(citra)
    assert client.get(f"/kasus/{case.code}/dokumen/{document.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_only_editors_upload(client, case, dinsos):
    client.force_login(member_of(dinsos, "head"))
    assert upload(client, case).status_code == 403
    assert not CaseDocument.objects.exists()


def test_uploaded_files_have_no_public_url(client, ani, case):
    client.force_login(ani)
    upload(client, case)
    document = CaseDocument.objects.get()
    assert client.get(f"/media/private/{document.file.name}").status_code == 404


def test_key_rotation_re_encrypts_documents(client, ani, case, settings):
    import io

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    client.force_login(ani)
    upload(client, case)
    document = CaseDocument.objects.get()
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    call_command("rotate_field_encryption", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]
    assert client.get(f"/kasus/{case.code}/dokumen/{document.pk}/").content == PDF
