"""The demo city's child-protection forum: a monthly schedule, two past meetings with
approved minutes and action items, and the coming ones."""

import datetime

from django.utils import timezone

from agencies.models import Agency, User
from meetings import notulen
from meetings.models import Forum, Invitation, Meeting, Schedule
from meetings.services import forum_meetings_materialize

FORUM_NAME = "Forum Koordinasi Perlindungan Anak Kota Balikpapan"


def demo_meetings_seed() -> int:
    """Create the forum once; returns how many meetings exist for it afterwards."""
    if Forum.objects.filter(name=FORUM_NAME).exists():
        return 0
    people = {u.username: u for u in User.objects.filter(username__in=["fajar", "gita"])}
    agencies = list(Agency.objects.filter(regency__code="64.71", is_active=True))
    forum = Forum.objects.create(
        name=FORUM_NAME,
        regency=agencies[0].regency,
        time_zone="Asia/Makassar",
        secretary=people["gita"],
        default_place="Ruang Rapat DP3AKB Kota Balikpapan",
    )
    forum.member_agencies.set(agencies)
    forum.coordinators.set([people["fajar"]])
    Schedule.objects.create(
        forum=forum,
        rule="FREQ=MONTHLY;BYDAY=2TU",
        first_date=datetime.date(2026, 1, 13),
        start_time=datetime.time(9, 0),
    )
    for months_ago in (2, 1):
        _past_meeting(forum, people, agencies, months_ago)
    forum_meetings_materialize(forum=forum)
    return forum.meetings.count()


def _past_meeting(forum, people, agencies, months_ago: int) -> None:
    start = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0) - datetime.timedelta(
        days=30 * months_ago
    )
    meeting = Meeting.objects.create(
        forum=forum,
        kind=Meeting.Kind.SCHEDULED,
        title=forum.name,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place=forum.default_place,
        status=Meeting.Status.HELD,
        organised_by=people["fajar"],
        organiser_agency=people["fajar"].membership.agency,
    )
    for index, agency in enumerate(agencies):
        Invitation.objects.create(
            meeting=meeting, agency=agency, rsvp="hadir", attended=index % 4 != 3
        )
    item = meeting.agenda.create(position=1, title="Evaluasi penanganan kasus bulan lalu")
    notulen.minutes_save(
        meeting=meeting,
        written_by=people["gita"],
        summary="Rapat rutin bulanan (data demo). Kasus dibahas dengan kode kasus saja.",
        items={item.pk: ("Rujukan ke rumah sakit perlu dipercepat.", "Disepakati SOP rujukan.")},
    )
    by_type = {agency.type: agency for agency in agencies}
    action = notulen.action_item_add(
        meeting=meeting,
        added_by=people["gita"],
        title="Menyusun daftar kontak petugas rujukan tiap instansi (data demo)",
        agency=by_type.get("dinsos", agencies[0]),
        due_on=timezone.localdate(start) + datetime.timedelta(days=14),
        agenda_item=item,
    )
    notulen.minutes_submit(meeting=meeting, submitted_by=people["gita"])
    notulen.minutes_approve(meeting=meeting, approved_by=people["fajar"])
    if months_ago == 2:
        notulen.action_item_status_set(item=action, changed_by=people["fajar"], status="selesai")
