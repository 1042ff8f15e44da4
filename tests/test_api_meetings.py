"""The partner API over meetings and action items.

The cast, as on the meeting pages: the forum "Forum PATBM" has Dinas Sosial (``ani``
caseworker, ``budi`` supervisor) and DP3AKB as members; ``fajar`` (DP3AKB) coordinates it
and ``gita`` (DP3AKB) is its secretary. UPTD PPA (``citra``, ``sari``) is not a member: to
them every meeting and action item here is a 404 and absent from every list.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency, ApiClient
from cases.models import Case, CaseParty, Person
from cases.services import case_open
from meetings.models import ActionItem, AgendaItem, Forum, Invitation, Meeting
from meetings.notulen import action_item_add, minutes_approve, minutes_save, minutes_submit
from meetings.services import meeting_schedule

pytestmark = pytest.mark.django_db

CHILD_NAME = "Melati Kusumawardani"
WITA = datetime.timezone(datetime.timedelta(hours=8))
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def later(days=3, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=WITA)


def as_user(api, user):
    """Signed in as a person, through the browser session."""
    api.credentials()
    api.force_login(user)
    return api


def bearer(api, token):
    api.logout()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def dp3akb(db) -> Agency:
    return Agency.objects.get(nomenclature="DP3AKB")


@pytest.fixture
def forum(dinsos, dp3akb, fajar, gita) -> Forum:
    forum = Forum.objects.create(
        name="Forum PATBM Balikpapan",
        regency=dinsos.regency,
        time_zone="Asia/Makassar",
        secretary=gita,
        default_place="Aula DP3AKB",
    )
    forum.member_agencies.set([dinsos, dp3akb])
    forum.coordinators.set([fajar])
    return forum


def schedule(forum, fajar, agencies, days=3, **changes) -> Meeting:
    values = {
        "organised_by": fajar,
        "kind": Meeting.Kind.AD_HOC,
        "title": "Rapat koordinasi insidental",
        "starts_at": later(days),
        "ends_at": later(days, hour=11),
        "agencies": agencies,
        "forum": forum,
        "place": "Aula DP3AKB",
    }
    values.update(changes)
    return meeting_schedule(**values)


@pytest.fixture
def meeting(forum, fajar, dinsos, dp3akb) -> Meeting:
    return schedule(forum, fajar, [dinsos, dp3akb])


@pytest.fixture
def case(dinsos, hadi, ani) -> Case:
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    Case.objects.filter(pk=case.pk).update(lead_caseworker=ani)
    case.refresh_from_db()
    child = Person.objects.create(name=CHILD_NAME, sex="P", birth_date=datetime.date(2014, 5, 1))
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    return case


def started(meeting: Meeting, hours=2) -> Meeting:
    starts = timezone.now() - datetime.timedelta(hours=hours)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    return meeting


def approved_item(meeting, gita, fajar, agency, title="Kunjungan rumah", approve=True):
    """An action item of the meeting's minutes, approved (shared) unless told otherwise."""
    minutes_save(meeting=meeting, written_by=gita, summary="Ringkasan rapat", items={})
    item = action_item_add(
        meeting=meeting,
        added_by=gita,
        title=title,
        agency=agency,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    if approve:
        minutes_submit(meeting=meeting, submitted_by=gita)
        minutes_approve(meeting=meeting, approved_by=fajar)
    return item


@pytest.fixture
def held(meeting, case, gita, fajar, dinsos) -> Meeting:
    """A meeting that took place with the case on its agenda, and approved minutes."""
    agenda = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Pembahasan kasus", case=case
    )
    started(meeting)
    minutes_save(
        meeting=meeting,
        written_by=gita,
        summary="Ringkasan rapat",
        items={agenda.pk: ("Dibahas dengan kode kasus.", "Kunjungan rumah minggu depan.")},
    )
    return meeting


@pytest.fixture
def item(held, gita, fajar, dinsos) -> ActionItem:
    return approved_item(held, gita, fajar, dinsos)


# --- Meetings: who sees what --------------------------------------------------------------------


def test_invitees_list_the_meeting_with_their_answer_and_strangers_do_not(
    api, meeting, ani, citra, sari
):
    rows = as_user(api, ani).get("/api/v1/meetings/").json()["results"]
    assert [(row["id"], row["my_rsvp"], row["status"]) for row in rows] == [
        (meeting.pk, Invitation.Rsvp.PENDING, Meeting.Status.SCHEDULED)
    ]
    assert rows[0]["place"] == "Aula DP3AKB" and rows[0]["time_zone"] == "Asia/Makassar"
    for stranger in (citra, sari):
        as_user(api, stranger)
        assert api.get("/api/v1/meetings/").json()["results"] == []
        assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
        assert api.get("/api/v1/meetings/", {"forum": meeting.forum_id}).json()["results"] == []


def test_people_who_do_not_meet_are_refused_as_on_the_pages(api, meeting, hadi, rina, eko):
    # DP3AKB (rina's and eko's agency) is invited, but reporters and admins do not meet.
    for outsider in (hadi, rina, eko):
        as_user(api, outsider)
        assert api.get("/api/v1/meetings/").status_code == 403
        assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 403
        assert api.get("/api/v1/action-items/").status_code == 403


def test_the_agenda_names_a_case_by_its_code_only(api, held, case, ani, budi, fajar):
    response = as_user(api, ani).get(f"/api/v1/meetings/{held.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert CHILD_NAME not in body and "Melati" not in body
    agenda = response.json()["agenda"]
    assert agenda == [
        {
            "id": held.agenda.get().pk,
            "position": 1,
            "title": "Pembahasan kasus",
            "case_code": case.code,
            "case_visible": True,  # ani leads the case
            "carried_over": False,
        }
    ]
    # The coordinator (DP3AKB) sees the code, but the case is not his to open.
    coordinator = as_user(api, fajar).get(f"/api/v1/meetings/{held.pk}/").json()
    assert coordinator["agenda"][0]["case_code"] == case.code
    assert coordinator["agenda"][0]["case_visible"] is False


def test_minutes_reach_invitees_only_once_approved(api, held, ani, gita, fajar, dinsos):
    url = f"/api/v1/meetings/{held.pk}/"
    assert as_user(api, ani).get(url).json()["minutes"] is None  # a draft stays with runners
    approved_item(held, gita, fajar, dinsos)
    minutes = as_user(api, ani).get(url).json()["minutes"]
    assert minutes["summary"] == "Ringkasan rapat"
    assert minutes["items"] == [
        {
            "agenda_item": held.agenda.get().pk,
            "discussion": "Dibahas dengan kode kasus.",
            "decisions": "Kunjungan rumah minggu depan.",
        }
    ]


def test_invitations_are_listed_by_agency_with_the_callers_own(api, meeting, ani, dinsos, dp3akb):
    detail = as_user(api, ani).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert {row["agency"]: row["rsvp"] for row in detail["invitations"]} == {
        dinsos.pk: "menunggu",
        dp3akb.pk: "menunggu",
    }
    mine = detail["my_invitation"]
    assert (mine["agency"], mine["personal"], mine["may_answer"]) == (dinsos.pk, False, True)


def test_meeting_filters(api, forum, fajar, dinsos, dp3akb, ani):
    soon = schedule(forum, fajar, [dinsos], days=2, title="Rapat segera")
    later_one = schedule(forum, fajar, [dinsos], days=20, title="Rapat nanti")
    Meeting.objects.filter(pk=later_one.pk).update(status=Meeting.Status.CANCELLED)
    as_user(api, ani)

    def ids(**query):
        response = api.get("/api/v1/meetings/", query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {soon.pk, later_one.pk}
    assert ids(status="dibatalkan") == {later_one.pk}
    assert ids(starts_before=later(10).isoformat()) == {soon.pk}
    assert ids(starts_after=later(10).isoformat()) == {later_one.pk}
    assert ids(forum=forum.pk) == {soon.pk, later_one.pk}
    assert ids(forum=forum.pk + 1000) == set()


@pytest.mark.parametrize(
    "query",
    [{"status": "bogus"}, {"starts_after": "tomorrow"}, {"forum": "x"}, {"kind": "rapat"}],
)
def test_bad_meeting_filters_are_400_with_field_errors(api, meeting, ani, query):
    response = as_user(api, ani).get("/api/v1/meetings/", query, **EN)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "Some fields are not valid."
    assert list(error["fields"]) == list(query)


def test_meeting_list_has_a_fixed_query_count(api, forum, fajar, dinsos, ani):
    as_user(api, ani)
    counts = []
    for total in (1, 25):
        while Meeting.objects.count() < total:
            schedule(forum, fajar, [dinsos], days=Meeting.objects.count() + 2)
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/meetings/", {"page_size": 50})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_meeting_read_carries_an_etag_that_follows_the_answers(api, meeting, ani, budi):
    url = f"/api/v1/meetings/{meeting.pk}/"
    first = as_user(api, ani).get(url)
    assert first["ETag"].startswith(f'"meeting-{meeting.pk}-')
    assert api.get(url)["ETag"] == first["ETag"]
    as_user(api, budi).post(f"{url}rsvp/", {"answer": "hadir"}, format="json")
    assert as_user(api, ani).get(url)["ETag"] != first["ETag"]


# --- RSVP -----------------------------------------------------------------------------------------


def test_a_partner_answers_as_its_service_account(api, partner_token, meeting, dinsos):
    token = partner_token(dinsos, roles=("supervisor",), scopes=("read", "cases"))
    response = bearer(api, token).post(
        f"/api/v1/meetings/{meeting.pk}/rsvp/", {"answer": "hadir"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["rsvp"] == "hadir"
    invitation = Invitation.objects.get(meeting=meeting, agency=dinsos)
    service_account = ApiClient.objects.get(agency=dinsos).user
    assert (invitation.rsvp, invitation.responded_by) == ("hadir", service_account)
    listed = api.get("/api/v1/meetings/").json()["results"]
    assert listed[0]["my_rsvp"] == "hadir"
    # A retry with the same Idempotency-Key replays the first answer instead of a second one.
    url = f"/api/v1/meetings/{meeting.pk}/rsvp/"
    first = api.post(url, {"answer": "mungkin"}, format="json", HTTP_IDEMPOTENCY_KEY="rsvp-1")
    retry = api.post(url, {"answer": "mungkin"}, format="json", HTTP_IDEMPOTENCY_KEY="rsvp-1")
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry["Idempotent-Replayed"] == "true" and retry.json() == first.json()


def test_meetings_page_by_cursor_newest_first(api, forum, fajar, dinsos, ani):
    made = [schedule(forum, fajar, [dinsos], days=days) for days in (9, 3, 6)]
    as_user(api, ani)
    first = api.get("/api/v1/meetings/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == [meeting.pk for meeting in reversed(made)]
    assert second["next"] is None


def test_answering_needs_the_cases_scope(api, partner_token, meeting, dinsos):
    token = partner_token(dinsos, roles=("supervisor",), scopes=("read",))
    url = f"/api/v1/meetings/{meeting.pk}/rsvp/"
    assert bearer(api, token).post(url, {"answer": "hadir"}, format="json").status_code == 403
    assert Invitation.objects.get(meeting=meeting, agency=dinsos).rsvp == "menunggu"


def test_a_wrong_answer_is_a_400_in_the_callers_language(api, meeting, ani):
    url = f"/api/v1/meetings/{meeting.pk}/rsvp/"
    response = as_user(api, ani).post(url, {"answer": "menunggu"}, format="json", **EN)
    assert response.status_code == 400
    assert response["Content-Language"] == "en"
    assert response.json()["error"]["fields"] == {"answer": ["Choose attend, not attend or maybe."]}
    indonesian = api.post(url, {"answer": "menunggu"}, format="json")
    assert indonesian["Content-Language"] == "id"
    assert indonesian.json()["error"]["fields"]["answer"] != ["Choose attend, not attend or maybe."]


def test_someone_not_invited_is_answered_as_on_the_page(
    api, forum, fajar, dinsos, citra, partner_token
):
    # The coordinator runs the meeting but DP3AKB is not invited: he sees it, cannot answer.
    only_dinsos = schedule(forum, fajar, [dinsos])
    url = f"/api/v1/meetings/{only_dinsos.pk}/rsvp/"
    response = as_user(api, fajar).post(url, {"answer": "hadir"}, format="json", **EN)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["You are not invited to this meeting."]
    }
    # UPTD PPA does not see the meeting at all.
    assert as_user(api, citra).post(url, {"answer": "hadir"}, format="json").status_code == 404
    uptd = Agency.objects.get(nomenclature="UPTD PPA")
    token = partner_token(uptd, roles=("supervisor",))
    assert bearer(api, token).post(url, {"answer": "hadir"}, format="json").status_code == 404
    assert not Invitation.objects.filter(meeting=only_dinsos).exclude(rsvp="menunggu").exists()


def test_a_started_meeting_can_no_longer_be_answered(api, meeting, ani):
    started(meeting)
    url = f"/api/v1/meetings/{meeting.pk}/rsvp/"
    response = as_user(api, ani).post(url, {"answer": "hadir"}, format="json", **EN)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [
        "This meeting can no longer be answered."
    ]


# --- Action items -----------------------------------------------------------------------------


def test_action_items_reach_the_agency_only_with_approved_minutes(
    api, held, gita, fajar, dinsos, ani
):
    draft = approved_item(held, gita, fajar, dinsos, approve=False)
    assert as_user(api, ani).get("/api/v1/action-items/").json()["results"] == []
    assert api.get(f"/api/v1/action-items/{draft.pk}/").status_code == 404
    secretary = as_user(api, gita).get("/api/v1/action-items/").json()["results"]
    assert [row["id"] for row in secretary] == [draft.pk]  # the runners see drafts


def test_strangers_get_404_and_no_row_for_another_agencys_item(api, item, citra, sari, ani):
    listed = as_user(api, ani).get("/api/v1/action-items/").json()["results"]
    assert [(row["id"], row["title"], row["status"]) for row in listed] == [
        (item.pk, "Kunjungan rumah", "terbuka")
    ]
    for stranger in (citra, sari):
        as_user(api, stranger)
        assert api.get("/api/v1/action-items/").json()["results"] == []
        assert api.get("/api/v1/action-items/", {"meeting": item.meeting_id}).json() == {
            "next": None,
            "previous": None,
            "results": [],
        }
        assert api.get(f"/api/v1/action-items/{item.pk}/").status_code == 404
        response = api.patch(
            f"/api/v1/action-items/{item.pk}/", {"status": "selesai"}, format="json"
        )
        assert response.status_code == 404
    assert ActionItem.objects.get(pk=item.pk).status == "terbuka"


def test_a_status_change_needs_if_match_and_returns_the_new_etag(api, item, ani):
    url = f"/api/v1/action-items/{item.pk}/"
    read = as_user(api, ani).get(url)
    assert read.json()["may_change"] is True
    etag = read["ETag"]

    missing = api.patch(url, {"status": "berjalan"}, format="json", **EN)
    assert missing.status_code == 428
    assert missing.json()["error"]["code"] == "precondition_required"

    done = api.patch(url, {"status": "berjalan"}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200
    assert done.json()["status"] == "berjalan"
    assert done["ETag"] not in ("", etag)
    assert api.get(url)["ETag"] == done["ETag"]

    stale = api.patch(url, {"status": "selesai"}, format="json", HTTP_IF_MATCH=etag, **EN)
    assert stale.status_code == 412
    assert stale.json()["error"]["message"].startswith("Someone changed this record")
    assert ActionItem.objects.get(pk=item.pk).status == "berjalan"


def test_dropping_needs_a_reason_and_a_partial_change_keeps_the_rest(api, item, ani):
    url = f"/api/v1/action-items/{item.pk}/"
    as_user(api, ani)
    response = api.patch(
        url, {"status": "dibatalkan"}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"], **EN
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reason": ["Say why the action item is dropped."]}
    dropped = api.patch(
        url,
        {"status": "dibatalkan", "reason": "Sudah ditangani sekolah"},
        format="json",
        HTTP_IF_MATCH=api.get(url)["ETag"],
    )
    assert dropped.json()["drop_reason"] == "Sudah ditangani sekolah"
    reworded = api.patch(
        url, {"reason": "Ditangani sekolah"}, format="json", HTTP_IF_MATCH=dropped["ETag"]
    )
    assert (reworded.json()["status"], reworded.json()["drop_reason"]) == (
        "dibatalkan",
        "Ditangani sekolah",
    )
    empty = api.patch(url, {}, format="json", HTTP_IF_MATCH=reworded["ETag"], **EN)
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"] == {
        "non_field_errors": ["Send the status, the reason or both."]
    }


def test_a_viewer_who_is_not_responsible_is_refused_with_403(api, item, dp3akb, dewi):
    # dewi (DP3AKB, invited) sees the item, but Dinas Sosial carries it.
    url = f"/api/v1/action-items/{item.pk}/"
    read = as_user(api, dewi).get(url)
    assert read.status_code == 200 and read.json()["may_change"] is False
    response = api.patch(url, {"status": "selesai"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 403
    assert ActionItem.objects.get(pk=item.pk).status == "terbuka"


def test_a_partner_moves_an_item_along_with_the_cases_scope_only(api, partner_token, item, dinsos):
    url = f"/api/v1/action-items/{item.pk}/"
    reader = bearer(api, partner_token(dinsos, scopes=("read",)))
    etag = reader.get(url)["ETag"]
    refused = reader.patch(url, {"status": "selesai"}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 403
    writer = bearer(api, partner_token(dinsos, scopes=("read", "cases")))
    done = writer.patch(url, {"status": "selesai"}, format="json", HTTP_IF_MATCH=etag)
    assert done.status_code == 200
    assert ActionItem.objects.get(pk=item.pk).closed_at is not None


def test_action_item_filters_and_sync(api, held, gita, fajar, dinsos, dp3akb, ani, dewi):
    minutes_save(meeting=held, written_by=gita, summary="Ringkasan", items={})
    ours = action_item_add(
        meeting=held, added_by=gita, title="Kunjungan", agency=dinsos, due_on=later(5).date()
    )
    theirs = action_item_add(
        meeting=held, added_by=gita, title="Rapat lanjutan", agency=dp3akb, due_on=later(9).date()
    )
    minutes_submit(meeting=held, submitted_by=gita)
    minutes_approve(meeting=held, approved_by=fajar)
    as_user(api, dewi)

    def ids(**query):
        response = api.get("/api/v1/action-items/", query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {ours.pk, theirs.pk}
    assert ids(agency=dinsos.pk) == {ours.pk}
    assert ids(due_before=later(6).date().isoformat()) == {ours.pk}
    assert ids(due_after=later(6).date().isoformat()) == {theirs.pk}
    assert ids(meeting=held.pk, status="terbuka") == {ours.pk, theirs.pk}
    since = timezone.now()
    as_user(api, ani)
    url = f"/api/v1/action-items/{ours.pk}/"
    api.patch(url, {"status": "selesai"}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"])
    as_user(api, dewi)
    assert ids(updated_since=since.isoformat()) == {ours.pk}
    assert ids(status="selesai") == {ours.pk}
    bad = api.get("/api/v1/action-items/", {"due_before": "soon", "agency": "1.5"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"due_before", "agency"}


def test_action_item_list_has_a_fixed_query_count(api, item, ani, dinsos):
    as_user(api, ani)
    counts = []
    for total in (1, 25):
        while ActionItem.objects.count() < total:
            # Approved minutes take no new items through the service: more of the same.
            ActionItem.objects.create(
                meeting=item.meeting, title="Tindak lanjut", agency=dinsos, due_on=item.due_on
            )
        with CaptureQueriesContext(connection) as queries:
            response = api.get("/api/v1/action-items/", {"page_size": 50})
        assert len(response.json()["results"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_moved_meeting_shows_up_in_a_sync_by_updated_since(api, meeting, fajar, ani):
    from meetings.services import meeting_move

    as_user(api, ani)
    since = timezone.now()
    assert (
        api.get("/api/v1/meetings/", {"updated_since": since.isoformat()}).json()["results"] == []
    )
    meeting_move(
        meeting=meeting,
        moved_by=fajar,
        starts_at=later(days=5),
        ends_at=later(days=5, hour=11),
        reason="Ruang rapat dipakai.",
    )
    rows = api.get("/api/v1/meetings/", {"updated_since": since.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [meeting.pk]


def test_an_offset_postgresql_cannot_take_is_never_a_server_error(api, ani):
    as_user(api, ani)
    response = api.get("/api/v1/meetings/", {"updated_since": "2026-01-01T00:00:00+23:59"})
    assert response.status_code in (200, 400)


# --- Who moves to another agency leaves its meetings behind -----------------------------------


def moved(user, agency):
    """The admin moves the person's membership to another agency (their roles stay); the
    person as their next request loads them."""
    user.membership.agency = agency
    user.membership.save(update_fields=["agency"])
    return type(user).objects.get(pk=user.pk)


def test_an_organiser_who_moves_agency_leaves_their_case_conference_behind(
    api, case, budi, dinsos, uptd_ppa
):
    conference = meeting_schedule(
        organised_by=budi,
        kind=Meeting.Kind.CASE_CONFERENCE,
        title="Konferensi kasus",
        starts_at=later(),
        ends_at=later(hour=11),
        agencies=[dinsos],
        case=case,
    )
    assert conference.organiser_agency == dinsos
    started(conference)
    [agenda] = conference.agenda.all()
    minutes_save(
        meeting=conference, written_by=budi, summary="Ringkas", items={agenda.pk: ("Rahasia", "")}
    )
    minutes_submit(meeting=conference, submitted_by=budi)
    minutes_approve(meeting=conference, approved_by=budi)
    assert as_user(api, budi).get(f"/api/v1/meetings/{conference.pk}/").status_code == 200

    budi = moved(budi, uptd_ppa)
    as_user(api, budi)
    assert api.get(f"/api/v1/meetings/{conference.pk}/").status_code == 404
    assert api.get("/api/v1/meetings/").json()["results"] == []
    assert not Meeting.objects.editable_by(budi).exists()
    with pytest.raises(PermissionDenied):
        minutes_save(meeting=conference, written_by=budi, summary="Lagi", items={})


def test_forum_runners_who_move_out_of_its_member_agencies_leave_it_behind(
    api, forum, meeting, fajar, gita, uptd_ppa
):
    assert Forum.objects.editable_by(fajar).filter(pk=forum.pk).exists()
    fajar, gita = (moved(runner, uptd_ppa) for runner in (fajar, gita))  # UPTD: no member
    for runner in (fajar, gita):
        assert not Forum.objects.visible_to(runner).exists()
        assert not Meeting.objects.visible_to(runner).exists()
        assert not Meeting.objects.editable_by(runner).exists()
        assert as_user(api, runner).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert not Forum.objects.editable_by(fajar).exists()
    with pytest.raises(PermissionDenied):
        minutes_save(meeting=meeting, written_by=gita, summary="Ringkas", items={})
