"""Forums, schedules, meetings, minutes and reminders (services; the pages have their own
module). Cast: fajar coordinates the forum, gita is its secretary; Dinas Sosial and UPTD PPA
are members; the police unit is not."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from agencies.models import Agency, Notification
from cases.models import AuditEvent, CaseParty, Person
from cases.services import case_open
from meetings import notulen, services
from meetings.models import (
    ActionItem,
    Forum,
    Invitation,
    Meeting,
    Minutes,
    Reminder,
    Schedule,
    ScheduleException,
)
from meetings.reminders import reminders_sweep

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
WIB = ZoneInfo("Asia/Jakarta")


def at(*args, zone=WITA) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=zone)


@pytest.fixture
def forum(dinsos, uptd_ppa, fajar, gita):
    forum = Forum.objects.create(
        name="Forum PPA Kota Balikpapan",
        regency=dinsos.regency,
        time_zone="Asia/Makassar",
        secretary=gita,
        default_place="Ruang rapat DP3AKB",
    )
    dp3akb = Agency.objects.get(nomenclature="DP3AKB")
    forum.member_agencies.set([dinsos, uptd_ppa, dp3akb])
    forum.coordinators.set([fajar])
    return forum


def monthly(forum, rule="FREQ=MONTHLY;BYDAY=2TU", first=datetime.date(2026, 1, 13)):
    return Schedule.objects.create(
        forum=forum, rule=rule, first_date=first, start_time=datetime.time(9, 0)
    )


@pytest.fixture
def police(db) -> Agency:
    return Agency.objects.get(nomenclature="Unit PPA Polresta")


def future_meeting(the_forum, organiser, days=10, **changes) -> Meeting:
    start = timezone.now() + datetime.timedelta(days=days)
    values = {
        "organised_by": organiser,
        "kind": Meeting.Kind.AD_HOC,
        "title": "Rapat koordinasi",
        "starts_at": start,
        "ends_at": start + datetime.timedelta(hours=2),
        "agencies": list(the_forum.member_agencies.all()),
        "forum": the_forum,
    }
    values.update(changes)
    return services.meeting_schedule(**values)


# --- Recurrence ------------------------------------------------------------------------------


def test_every_second_tuesday_at_nine_wita(forum):
    schedule = monthly(forum)
    found = schedule.occurrences(at(2026, 12, 1), at(2027, 2, 1))
    assert found == [at(2026, 12, 8, 9), at(2027, 1, 12, 9)]
    assert found[0].astimezone(datetime.UTC).hour == 1  # 09:00 WITA is 01:00 UTC


def test_the_same_rule_in_wib_is_an_hour_later_in_utc(forum):
    forum.time_zone = "Asia/Jakarta"
    forum.save()
    found = monthly(forum).occurrences(at(2026, 12, 1), at(2027, 1, 1))
    assert found == [at(2026, 12, 8, 9, zone=WIB)]
    assert found[0].astimezone(datetime.UTC).hour == 2


def test_month_ends_follow_rfc_5545(forum):
    last_day = monthly(forum, "FREQ=MONTHLY;BYMONTHDAY=-1", datetime.date(2027, 1, 31))
    assert [d.date() for d in last_day.occurrences(at(2027, 1, 1), at(2027, 4, 1))] == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
    ]
    the_31st = monthly(forum, "FREQ=MONTHLY;BYMONTHDAY=31", datetime.date(2027, 1, 31))
    assert len(the_31st.occurrences(at(2027, 1, 1), at(2027, 5, 1))) == 2  # Jan, Mar


def test_a_semi_annual_rakor(forum):
    rakor = monthly(forum, "FREQ=MONTHLY;INTERVAL=6", datetime.date(2026, 3, 10))
    found = rakor.occurrences(at(2026, 1, 1), at(2028, 1, 1))
    assert [d.date() for d in found] == [
        datetime.date(2026, 3, 10),
        datetime.date(2026, 9, 10),
        datetime.date(2027, 3, 10),
        datetime.date(2027, 9, 10),
    ]


def test_holidays_and_cancellations_are_skipped(forum):
    schedule = monthly(forum)
    ScheduleException.objects.create(
        schedule=schedule, date=datetime.date(2026, 12, 8), kind="libur"
    )
    assert schedule.occurrences(at(2026, 12, 1), at(2027, 1, 1)) == []


def test_a_bad_rule_is_refused(forum):
    schedule = Schedule(
        forum=forum,
        rule="FREQ=SOMETIMES",
        first_date=datetime.date(2026, 1, 1),
        start_time=datetime.time(9),
    )
    with pytest.raises(ValidationError) as error:
        schedule.full_clean()
    assert "rule" in error.value.message_dict


def test_occurrences_become_meetings_once_and_a_moved_one_stays_moved(forum, fajar):
    monthly(forum, "FREQ=WEEKLY", timezone.localdate() + datetime.timedelta(days=3))
    first = services.forum_meetings_materialize(forum=forum)
    assert first >= 8
    assert services.forum_meetings_materialize(forum=forum) == 0
    meeting = forum.meetings.order_by("starts_at").first()
    assert meeting.invitations.count() == 3
    new_start = meeting.starts_at + datetime.timedelta(hours=3)
    services.meeting_move(
        meeting=meeting,
        moved_by=fajar,
        starts_at=new_start,
        ends_at=new_start + datetime.timedelta(hours=2),
        reason="Bentrok dengan acara wali kota",
    )
    assert services.forum_meetings_materialize(forum=forum) == 0
    meeting.refresh_from_db()
    assert meeting.starts_at == new_start and meeting.sequence == 1
    assert meeting.changes.get().from_starts_at == meeting.occurrence_start


# --- Meetings ------------------------------------------------------------------------------------


def test_bad_times_are_refused_with_nothing_written(forum, fajar):
    past = timezone.now() - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        future_meeting(forum, fajar, starts_at=past, ends_at=past - datetime.timedelta(hours=1))
    assert {"starts_at", "ends_at"} <= set(error.value.message_dict)
    assert not Meeting.objects.exists()


def test_only_coordinators_schedule_a_forums_meeting(forum, ani, gita):
    for outsider in (ani, gita):
        with pytest.raises(PermissionDenied):
            future_meeting(forum, outsider, organised_by=outsider)


def test_a_case_conference_invites_only_agencies_that_see_the_case(forum, dinsos, hadi, budi):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    police = Agency.objects.get(nomenclature="Unit PPA Polresta")
    with pytest.raises(ValidationError) as error:
        future_meeting(
            forum,
            budi,
            forum=None,
            organised_by=budi,
            kind=Meeting.Kind.CASE_CONFERENCE,
            case=case,
            agencies=[dinsos, police],
        )
    assert "agencies" in error.value.message_dict
    meeting = future_meeting(
        forum,
        budi,
        forum=None,
        organised_by=budi,
        kind=Meeting.Kind.CASE_CONFERENCE,
        case=case,
        agencies=[dinsos],
    )
    assert meeting.case == case


def test_agenda_items_are_added_by_runners_about_cases_they_may_see(
    forum, fajar, dinsos, hadi, budi
):
    meeting = future_meeting(forum, fajar)
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(meeting=meeting, added_by=fajar, title="Kasus", case=case)
    assert "case" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(meeting=meeting, added_by=budi, title="Kasus", case=case)
    item = services.agenda_item_add(meeting=meeting, added_by=fajar, title="Data triwulan")
    assert item.position == 1


def test_someone_who_cannot_see_the_case_cannot_call_a_conference(forum, dinsos, hadi, citra):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    with pytest.raises(ValidationError) as error:
        future_meeting(
            forum,
            citra,
            forum=None,
            organised_by=citra,
            kind=Meeting.Kind.CASE_CONFERENCE,
            case=case,
            agencies=[dinsos],
        )
    assert "case" in error.value.message_dict


def test_rsvp_by_an_invitee_and_not_by_anyone_else(forum, fajar, budi):
    meeting = future_meeting(
        forum, fajar, agencies=[forum.member_agencies.get(nomenclature="Dinsos")]
    )
    invitation = services.invitation_answer(meeting=meeting, user=budi, answer="hadir")
    assert invitation.rsvp == Invitation.Rsvp.YES and invitation.responded_by == budi
    sari = type(budi).objects.get(username="sari")
    with pytest.raises(ValidationError):
        services.invitation_answer(meeting=meeting, user=sari, answer="hadir")
    with pytest.raises(ValidationError):
        services.invitation_answer(meeting=meeting, user=budi, answer="entahlah")


def test_a_non_member_agency_sees_neither_the_forum_nor_its_meetings(forum, fajar):
    meeting = future_meeting(forum, fajar)
    police = Agency.objects.get(nomenclature="Unit PPA Polresta")
    from tests.factories import member_of

    officer = member_of(police, "caseworker")
    assert not Forum.objects.visible_to(officer).exists()
    assert not Meeting.objects.visible_to(officer).filter(pk=meeting.pk).exists()


def held_meeting(forum, fajar) -> Meeting:
    meeting = future_meeting(forum, fajar)
    past = timezone.now() - datetime.timedelta(days=4)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    meeting.refresh_from_db()
    return meeting


def test_attendance_is_taken_by_the_secretary_and_the_meeting_is_held(forum, fajar, gita, ani):
    meeting = held_meeting(forum, fajar)
    present = [meeting.invitations.first().pk]
    with pytest.raises(PermissionDenied):
        services.meeting_attendance_record(meeting=meeting, recorded_by=ani, present=present)
    services.meeting_attendance_record(meeting=meeting, recorded_by=gita, present=present)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.invitations.filter(attended=True).count() == 1


# --- Minutes and action items -------------------------------------------------------------------


def test_minutes_naming_a_child_are_flagged_and_cannot_be_approved(
    forum, fajar, gita, dinsos, hadi
):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    child = Person.objects.create(name="Anak Notulen Rahasia", sex="P")
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    meeting = held_meeting(forum, fajar)
    item = meeting.agenda.create(title="Kasus", case=case)
    warnings = notulen.minutes_save(
        meeting=meeting,
        written_by=gita,
        summary="Dibahas kondisi anak notulen rahasia di sekolah.",
        items={item.pk: ("Diskusi", "Keputusan")},
    )
    # gita may not reveal the Dinsos child's identity: she is warned, not told which case.
    assert warnings and warnings.named == () and warnings.unnamed == 1
    with pytest.raises(ValidationError) as refused:
        notulen.minutes_submit(meeting=meeting, submitted_by=gita)
    assert case.code not in str(refused.value)
    assert not notulen.minutes_save(
        meeting=meeting, written_by=gita, summary=f"Dibahas kasus {case.code}.", items={}
    )
    notulen.minutes_submit(meeting=meeting, submitted_by=gita)
    with pytest.raises(PermissionDenied):
        notulen.minutes_approve(meeting=meeting, approved_by=gita)
    assert notulen.minutes_approve(meeting=meeting, approved_by=fajar).status == "disetujui"


def test_action_items_are_shared_after_approval_and_carry_over(forum, fajar, gita, ani, dinsos):
    meeting = held_meeting(forum, fajar)
    action = notulen.action_item_add(
        meeting=meeting,
        added_by=gita,
        title="Dinsos menyiapkan data rumah aman",
        agency=dinsos,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    citra = type(ani).objects.get(username="citra")
    # Draft minutes: nobody but the runners sees the item, not even its own agency.
    assert not ActionItem.objects.visible_to(citra).exists()
    assert not ActionItem.objects.visible_to(ani).exists()
    assert ActionItem.objects.visible_to(gita).filter(pk=action.pk).exists()
    notulen.minutes_save(meeting=meeting, written_by=gita, summary="Ringkas", items={})
    notulen.minutes_submit(meeting=meeting, submitted_by=gita)
    notulen.minutes_approve(meeting=meeting, approved_by=fajar)
    assert ActionItem.objects.visible_to(citra).filter(pk=action.pk).exists()

    following = future_meeting(forum, fajar)
    assert following.agenda.filter(carried_action=action).count() == 1
    assert services.meeting_carry_over(meeting=following) == 0
    with pytest.raises(ValidationError):
        notulen.action_item_status_set(item=action, changed_by=ani, status="dibatalkan")
    notulen.action_item_status_set(item=action, changed_by=ani, status="selesai")
    assert future_meeting(forum, fajar, days=20).agenda.count() == 0


# --- Reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_whatever_how_often_the_sweep_runs(forum, fajar, budi):
    meeting = future_meeting(forum, fajar, days=6)  # inside the 7-day window
    reminders_sweep()
    reminders_sweep()
    from meetings.reminders import reminder_send

    for reminder in Reminder.objects.all():
        reminder_send(reminder_id=reminder.pk)
        assert reminder_send(reminder_id=reminder.pk) is False
    week = Notification.objects.filter(kind="reminder_meeting_7d", recipient=budi)
    assert week.count() == 1
    assert Reminder.objects.filter(kind="undangan_7h", object_id=str(meeting.pk)).count() >= 3
    assert not Notification.objects.filter(kind="reminder_meeting_1d").exists()


def test_the_rsvp_chaser_skips_those_who_answered(forum, fajar, budi, sari):
    meeting = future_meeting(forum, fajar, days=2)
    services.invitation_answer(meeting=meeting, user=budi, answer="hadir")
    reminders_sweep()
    chased = {r.recipient.username for r in Reminder.objects.filter(kind="konfirmasi")}
    assert "sari" in chased and "budi" not in chased


def test_minutes_three_days_late_remind_the_secretary(forum, fajar, gita):
    held_meeting(forum, fajar)
    reminders_sweep()
    assert Reminder.objects.filter(kind="notulen", recipient=gita).count() == 1


def test_a_reminder_is_not_delivered_to_someone_moved_away_since_the_sweep(
    forum, fajar, gita, police
):
    from meetings.reminders import reminder_send

    held_meeting(forum, fajar)
    reminders_sweep()
    minutes_due = Reminder.objects.get(kind="notulen", recipient=gita)
    gita.membership.agency = police  # no member of the forum
    gita.membership.save(update_fields=["agency"])
    assert reminder_send(reminder_id=minutes_due.pk) is False
    assert Reminder.objects.get(pk=minutes_due.pk).status == "dilewati"
    assert not Notification.objects.filter(recipient=gita).exists()


def test_a_person_invited_by_name_answers_only_while_at_the_invited_agency(
    forum, fajar, dinsos, budi, uptd_ppa
):
    meeting = future_meeting(forum, fajar, people=[budi])
    assert services.invitation_for(meeting, budi).user == budi
    budi.membership.agency = uptd_ppa
    budi.membership.save(update_fields=["agency"])
    moved = type(budi).objects.get(pk=budi.pk)
    invitation = services.invitation_for(meeting, moved)
    assert invitation is not None and invitation.user_id is None  # UPTD PPA's own
    assert invitation.agency == uptd_ppa


def test_a_month_without_a_meeting_alerts_the_coordinators_on_the_5th(forum, fajar):
    reminders_sweep(now=at(2026, 12, 4, 12))
    assert not Reminder.objects.filter(kind="tanpa_rapat").exists()
    reminders_sweep(now=at(2026, 12, 5, 9))
    reminders_sweep(now=at(2026, 12, 9, 9))
    alert = Reminder.objects.get(kind="tanpa_rapat")
    assert alert.recipient == fajar and alert.code == "12-2026"


def test_overdue_action_items_make_a_weekly_digest(forum, fajar, gita, dinsos, budi):
    meeting = held_meeting(forum, fajar)
    action = notulen.action_item_add(
        meeting=meeting,
        added_by=gita,
        title="Data",
        agency=dinsos,
        due_on=timezone.localdate(meeting.starts_at),
    )
    ActionItem.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    reminders_sweep()
    assert not Reminder.objects.filter(kind="tindak_lanjut").exists()  # minutes not approved
    notulen.minutes_save(meeting=meeting, written_by=gita, summary="Ringkas", items={})
    notulen.minutes_submit(meeting=meeting, submitted_by=gita)
    notulen.minutes_approve(meeting=meeting, approved_by=fajar)
    reminders_sweep()
    reminders_sweep()
    digest = Reminder.objects.filter(kind="tindak_lanjut", recipient=budi)
    assert digest.count() == 1 and digest.get().code == "1"


def test_reminder_texts_carry_no_case_content(forum, fajar, dinsos, hadi, budi):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    future_meeting(
        forum,
        budi,
        forum=None,
        organised_by=budi,
        kind=Meeting.Kind.CASE_CONFERENCE,
        case=case,
        agencies=[dinsos],
        title="Konferensi kasus",
        days=1,
    )
    reminders_sweep()
    codes = set(Reminder.objects.values_list("code", flat=True))
    assert all(case.code not in code for code in codes)


def test_the_embedded_default_runs_every_periodic_task(forum):
    import io

    from django.core.management import call_command

    from config.celery import app

    monthly(forum, "FREQ=WEEKLY", timezone.localdate() + datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("run_periodic_tasks", "--once", stdout=out)
    assert all(name in out.getvalue() for name in app.conf.beat_schedule)
    assert forum.meetings.exists()  # the sweep made the coming occurrences into meetings


def test_people_are_invited_by_name_only_from_invited_agencies(forum, fajar, dinsos, budi):
    sari = type(budi).objects.get(username="sari")
    with pytest.raises(ValidationError) as error:
        future_meeting(forum, fajar, agencies=[dinsos], people=[sari])
    assert "people" in error.value.message_dict
    meeting = future_meeting(forum, fajar, agencies=[dinsos], people=[budi])
    personal = meeting.invitations.get(user=budi)
    assert personal.agency == dinsos
    assert services.invitation_for(meeting, budi) == personal  # budi answers for himself


def test_the_admin_sets_up_forums_and_schedules(client, eko, forum):
    client.force_login(eko)
    assert client.get(f"/admin/meetings/forum/{forum.pk}/change/").status_code == 200
    assert client.get("/admin/meetings/schedule/add/").status_code == 200


def test_a_forum_is_run_from_its_member_agencies(forum, fajar, gita, dinsos, police):
    from meetings.admin import ForumForm

    def form(**changes):
        data = {
            "name": forum.name,
            "kind": forum.kind,
            "regency": forum.regency_id,
            "time_zone": forum.time_zone,
            "member_agencies": [dinsos.pk, fajar.membership.agency_id],
            "coordinators": [fajar.pk],
            "secretary": gita.pk,
            "default_place": "",
        }
        return ForumForm(data={**data, **changes}, instance=forum)

    assert form().is_valid()
    refused = form(member_agencies=[dinsos.pk, police.pk])  # DP3AKB, the runners' own, left out
    assert not refused.is_valid()
    assert "Fajar" in str(refused.non_field_errors()) and "Gita" in str(refused.non_field_errors())


# --- Review fixes: nothing travels before approval, identity in any spelling -----------------


def test_draft_follow_ups_do_not_travel_and_approved_ones_reach_coming_meetings(
    forum, fajar, gita, dinsos
):
    meeting = held_meeting(forum, fajar)
    action = notulen.action_item_add(
        meeting=meeting,
        added_by=gita,
        title="Data rumah aman",
        agency=dinsos,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    coming = future_meeting(forum, fajar)
    assert not coming.agenda.filter(carried_action=action).exists()  # still a draft
    notulen.minutes_save(meeting=meeting, written_by=gita, summary="Ringkas", items={})
    notulen.minutes_submit(meeting=meeting, submitted_by=gita)
    notulen.minutes_approve(meeting=meeting, approved_by=fajar)
    assert coming.agenda.filter(carried_action=action).count() == 1


def test_community_reporters_and_admins_see_no_meetings(forum, fajar, rina, eko):
    meeting = future_meeting(forum, fajar)  # DP3AKB, their agency, is invited
    for outsider in (rina, eko):
        assert not Meeting.objects.visible_to(outsider).filter(pk=meeting.pk).exists()
        assert not Forum.objects.visible_to(outsider).exists()


def test_a_case_conference_belongs_to_no_forum(forum, fajar, dinsos, hadi):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="tinggi")
    with pytest.raises(ValidationError) as error:
        future_meeting(
            forum, fajar, kind=Meeting.Kind.CASE_CONFERENCE, case=case, agencies=[dinsos]
        )
    assert "case" in error.value.message_dict


@pytest.mark.parametrize(
    "text",
    [
        "Kunjungan ke Jl. Mawar No. 7 RT 02",  # the address
        "nomor ortu 0812-3456-7890",  # the phone, written another way
        "Rahmawati tampak cemas",  # one word of the name
        "NIK 6471 0143 0214 0001",  # the NIK, spaced
        "nomor ortu 0812 3456 7890 2 kali dihubungi",  # the phone next to another number
    ],
)
def test_the_identity_check_catches_other_spellings(forum, fajar, gita, dinsos, hadi, text):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    child = Person.objects.create(
        name="Anak Rahmawati",
        sex="P",
        address="Jl. Mawar No. 7 RT 02",
        phone="+62 812 3456 7890",
        nik="6471014302140001",
    )
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    meeting = held_meeting(forum, fajar)
    meeting.agenda.create(title="Kasus", case=case)
    assert notulen.minutes_save(meeting=meeting, written_by=gita, summary=text, items={})


@pytest.mark.parametrize(
    "text",
    [
        "Rapat di ruang 6471014, nomor surat 302140001",  # the NIK's digits, two numbers
        "Hubungi 0812 3456 78901",  # a longer group holding the phone's last digits
    ],
)
def test_numbers_are_compared_whole(forum, fajar, gita, dinsos, hadi, text):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    child = Person.objects.create(
        name="Anak", sex="P", phone="081234567890", nik="6471014302140001"
    )
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    meeting = held_meeting(forum, fajar)
    meeting.agenda.create(title="Kasus", case=case)
    assert not notulen.minutes_save(meeting=meeting, written_by=gita, summary=text, items={})


# --- The identity check is no oracle: audited, and naming a case only to its entitled ------


@pytest.fixture
def case_with_child(dinsos, hadi):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    child = Person.objects.create(
        name="Anak Kusumawardani", sex="P", school="SDN 012 Balikpapan", nik="6471014302140001"
    )
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    return case


def identity_matches_audited(case, actor) -> list[list[str]]:
    return list(
        AuditEvent.objects.filter(
            case=case, actor=actor, action=AuditEvent.Action.IDENTITY_MATCH
        ).values_list("fields", flat=True)
    )


def test_a_secretary_who_may_not_reveal_the_child_learns_no_case_and_is_audited(
    forum, fajar, gita, case_with_child
):
    meeting = held_meeting(forum, fajar)
    meeting.agenda.create(title="Kasus", case=case_with_child)
    quiet = notulen.minutes_save(meeting=meeting, written_by=gita, summary="Andi", items={})
    assert not quiet and identity_matches_audited(case_with_child, gita) == []
    matches = notulen.minutes_save(
        meeting=meeting, written_by=gita, summary="Kusumawardani di SDN 012 Balikpapan", items={}
    )
    assert matches.named == () and matches.unnamed == 1
    assert case_with_child.code not in matches.describe()
    # The trail holds who checked and which fields matched, never the text or the values.
    assert identity_matches_audited(case_with_child, gita) == [["name", "school"]]
    event = AuditEvent.objects.get(action=AuditEvent.Action.IDENTITY_MATCH)
    assert (event.object_type, event.object_id) == ("meetings.meeting", str(meeting.pk))


def test_a_writer_who_may_reveal_the_child_is_told_which_case(
    forum, fajar, dinsos, budi, case_with_child
):
    # budi supervises at Dinsos, the lead agency, and organises (so writes) the meeting.
    meeting = future_meeting(forum, fajar, forum=None, organised_by=budi, agencies=[dinsos])
    meeting.agenda.create(title="Kasus", case=case_with_child)
    matches = notulen.minutes_save(
        meeting=meeting, written_by=budi, summary="Kusumawardani hadir", items={}
    )
    assert matches.named == (case_with_child.code,) and matches.unnamed == 0
    assert identity_matches_audited(case_with_child, budi) == [["name"]]


def test_a_refused_title_keeps_its_audit_row(forum, fajar, gita, dinsos, budi, case_with_child):
    meeting = future_meeting(forum, fajar, forum=None, organised_by=budi, agencies=[dinsos])
    with pytest.raises(ValidationError):
        services.agenda_item_add(
            meeting=meeting, added_by=budi, title="Soal Kusumawardani", case=case_with_child
        )
    assert identity_matches_audited(case_with_child, budi) == [["name"]]
    assert not meeting.agenda.filter(case=case_with_child).exists()
    held = held_meeting(forum, fajar)
    held.agenda.create(title="Kasus", case=case_with_child)
    with pytest.raises(ValidationError) as refused:
        notulen.action_item_add(
            meeting=held,
            added_by=gita,
            title="Antar Kusumawardani ke sekolah",
            agency=dinsos,
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        )
    assert "title" in refused.value.message_dict
    assert not held.action_items.exists()
    assert identity_matches_audited(case_with_child, gita) == [["name"]]


def test_minutes_cannot_carry_a_list_of_numbers_to_test(forum, fajar, gita, case_with_child):
    meeting = held_meeting(forum, fajar)
    meeting.agenda.create(title="Kasus", case=case_with_child)
    serials = " ".join(f"NIK 647101430214{serial:04d}," for serial in range(1, 80))
    with pytest.raises(ValidationError) as refused:
        notulen.minutes_save(meeting=meeting, written_by=gita, summary=serials, items={})
    assert "summary" in refused.value.message_dict
    assert not Minutes.objects.filter(meeting=meeting).exists()
    assert identity_matches_audited(case_with_child, gita) == []


def test_an_agenda_title_naming_the_child_is_refused(forum, fajar, dinsos, hadi, budi):
    case = case_open(opened_by=hadi, agency=dinsos, reported_at=timezone.now(), risk_level="sedang")
    child = Person.objects.create(name="Anak Judulrahasia", sex="L")
    CaseParty.objects.create(case=case, person=child, part=CaseParty.Part.CHILD)
    meeting = future_meeting(forum, fajar, forum=None, organised_by=budi, agencies=[dinsos])
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(
            meeting=meeting, added_by=budi, title="Soal Judulrahasia", case=case
        )
    assert "title" in error.value.message_dict


def test_a_cancelled_or_moved_meeting_skips_its_stale_reminders(forum, fajar, budi):
    from meetings.reminders import reminder_send

    meeting = future_meeting(forum, fajar, days=6)
    reminders_sweep()
    start = meeting.starts_at + datetime.timedelta(hours=5)
    services.meeting_move(
        meeting=meeting,
        moved_by=fajar,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        reason="Bentrok",
    )
    reminders_sweep()  # reminders under the new time
    for reminder in Reminder.objects.all():
        reminder_send(reminder_id=reminder.pk)
    assert Reminder.objects.filter(status="dilewati").exists()  # the old time's
    assert Notification.objects.filter(kind="reminder_meeting_7d", recipient=budi).count() == 1
    services.meeting_cancel(meeting=meeting, cancelled_by=fajar, reason="Banjir")
    Reminder.objects.update(status="menunggu")
    Notification.objects.all().delete()
    for reminder in Reminder.objects.all():
        assert reminder_send(reminder_id=reminder.pk) is False
    assert not Notification.objects.exists()


def test_the_5th_alert_waits_for_office_hours_and_minutes_fall_back_to_coordinators(forum, fajar):
    reminders_sweep(now=at(2026, 12, 5, 6))
    assert not Reminder.objects.filter(kind="tanpa_rapat").exists()
    forum.secretary = None
    forum.save()
    held_meeting(forum, fajar)
    reminders_sweep()
    assert Reminder.objects.get(kind="notulen").recipient == fajar


def test_meetings_repeat_at_most_daily(forum):
    schedule = Schedule(
        forum=forum,
        rule="FREQ=MINUTELY",
        first_date=datetime.date(2026, 1, 1),
        start_time=datetime.time(9),
    )
    with pytest.raises(ValidationError):
        schedule.full_clean()


def test_meetings_already_made_follow_the_schedule_and_the_membership(forum, fajar, uptd_ppa):
    schedule = monthly(forum, "FREQ=WEEKLY", timezone.localdate() + datetime.timedelta(days=3))
    services.forum_meetings_materialize(forum=forum)
    first = forum.meetings.order_by("starts_at").first()
    ScheduleException.objects.create(
        schedule=schedule, date=timezone.localtime(first.starts_at, WITA).date(), kind="libur"
    )
    police = Agency.objects.get(nomenclature="Unit PPA Polresta")
    forum.member_agencies.remove(uptd_ppa)
    forum.member_agencies.add(police)
    services.forum_meetings_materialize(forum=forum)
    first.refresh_from_db()
    assert first.status == Meeting.Status.CANCELLED and first.changes.count() == 1
    second = forum.meetings.filter(status="dijadwalkan").order_by("starts_at").first()
    invited = set(second.invitations.values_list("agency__nomenclature", flat=True))
    assert "Unit PPA Polresta" in invited and "UPTD PPA" not in invited
    # A changed rule cancels the old, unmoved occurrences instead of doubling them.
    schedule.rule = "FREQ=WEEKLY;BYDAY=FR"
    schedule.save()
    services.forum_meetings_materialize(forum=forum)
    coming = forum.meetings.filter(status="dijadwalkan")
    assert {timezone.localtime(m.starts_at, WITA).weekday() for m in coming} == {4}


def test_meetings_called_before_the_organisers_agency_was_kept_get_it_only_if_invited(
    forum, fajar, dinsos, uptd_ppa, budi
):
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("meetings.migrations.0004_meeting_organiser_agency")
    at_home = future_meeting(forum, fajar, forum=None, organised_by=budi, agencies=[dinsos])
    elsewhere = future_meeting(forum, fajar, forum=None, organised_by=budi, agencies=[uptd_ppa])
    Meeting.objects.update(organiser_agency=None)
    backfill.organisers_current_agency(apps, None)
    assert Meeting.objects.get(pk=at_home.pk).organiser_agency == dinsos
    assert Meeting.objects.get(pk=elsewhere.pk).organiser_agency is None
