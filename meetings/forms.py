"""Forms of the meeting pages. Choices offer only what the user may pick; the services in
``meetings.services`` and ``meetings.notulen`` check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from agencies.roles import Role, agency_of
from cases.models import Case
from meetings.models import ActionItem, AgendaItem, Invitation, Meeting

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_TEXT = forms.Textarea(attrs={"rows": 3})
_CHECK = {"class": "form-check-input"}

# Who may be named on an action item: agency staff, never a community reporter or an admin.
_STAFF_ROLES = (
    Role.INTAKE,
    Role.CASEWORKER,
    Role.SUPERVISOR,
    Role.HEAD,
    Role.DATA_OFFICER,
    Role.COORDINATOR,
)


def _agency_label(agency: Agency) -> str:
    return agency.nomenclature or agency.name


class MeetingForm(forms.Form):
    """An ad-hoc meeting or a case conference. Times are read in ``zone`` (the forum's, or
    the organiser's agency's): the view parses the form inside ``timezone.override``."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Meeting.Kind.AD_HOC, Meeting.Kind.AD_HOC.label),
            (Meeting.Kind.CASE_CONFERENCE, Meeting.Kind.CASE_CONFERENCE.label),
        ],
        widget=forms.RadioSelect(attrs=_CHECK),
        initial=Meeting.Kind.AD_HOC,
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Never a child's or family's name: use the case code."),
    )
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=_DATETIME)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=200, required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("Invited agencies"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=_CHECK),
        required=False,  # "invite at least one agency" comes from the service, in its words
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Also invite by name (optional)"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=_CHECK),
        required=False,
    )
    case_code = forms.CharField(
        label=_("Case code (case conference only)"), max_length=40, required=False
    )

    def __init__(self, *args, user, agencies, forum=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.forum = forum
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].label_from_instance = _agency_label
        self.fields["people"].queryset = (
            User.objects.filter(
                is_active=True,
                membership__agency__in=agencies,
                membership__roles__role__in=_STAFF_ROLES,
            )
            .select_related("membership__agency")
            .distinct()
            .order_by("full_name")
        )
        self.fields["people"].label_from_instance = lambda person: (
            f"{person.full_name} · {_agency_label(person.membership.agency)}"
        )

    def clean_case_code(self):
        """The case is looked up only among those the user may see; an unknown code and
        another agency's case read the same."""
        code = self.cleaned_data["case_code"].strip().upper()
        if not code:
            return None
        case = Case.objects.visible_to(self.user).filter(code=code).first()
        if case is None:
            raise forms.ValidationError(_("Choose a case you may see."))
        return case

    def clean(self):
        cleaned = super().clean()
        own = agency_of(self.user)
        invited = cleaned.get("agencies")
        # Without a forum, the organiser sees the meeting only through an invitation.
        if self.forum is None and invited and own not in invited:
            self.add_error(
                "agencies",
                _("Invite your own agency too: a meeting is shown to the agencies it invites."),
            )
        return cleaned


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Invitation.Rsvp.YES, Invitation.Rsvp.YES.label),
            (Invitation.Rsvp.NO, Invitation.Rsvp.NO.label),
            (Invitation.Rsvp.MAYBE, Invitation.Rsvp.MAYBE.label),
        ],
        widget=forms.RadioSelect(attrs=_CHECK),
    )


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("New start"), widget=_DATETIME)
    ends_at = forms.DateTimeField(label=_("New end"), widget=_DATETIME)
    reason = forms.CharField(label=_("Reason for the move"), max_length=300)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=300)


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=Invitation.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=_CHECK),
        required=False,
    )

    def __init__(self, *args, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = invitations
        self.fields["present"].label_from_instance = lambda invitation: (
            _agency_label(invitation.agency)
            + (f" · {invitation.user.full_name}" if invitation.user_id else "")
        )


class MinutesForm(forms.Form):
    """The summary, and a discussion and decisions field per agenda item."""

    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.agenda = list(agenda)
        self.fields["summary"].required = False
        for item in self.agenda:
            self.fields[f"discussion_{item.pk}"] = forms.CharField(
                label=_("Discussion"), widget=_TEXT, required=False, initial=item.discussion
            )
            self.fields[f"decisions_{item.pk}"] = forms.CharField(
                label=_("Decisions"), widget=_TEXT, required=False, initial=item.decisions
            )

    def agenda_fields(self):
        """(agenda item, discussion field, decisions field) in agenda order."""
        return [
            (item, self[f"discussion_{item.pk}"], self[f"decisions_{item.pk}"])
            for item in self.agenda
        ]

    def items(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.pk: (data[f"discussion_{item.pk}"], data[f"decisions_{item.pk}"])
            for item in self.agenda
        }


class ActionItemForm(forms.Form):
    title = forms.CharField(
        label=_("What must be done"),
        max_length=300,
        help_text=_("Never a child's or family's name: use the case code."),
    )
    agency = forms.ModelChoiceField(label=_("Responsible agency"), queryset=Agency.objects.none())
    assignee = forms.ModelChoiceField(
        label=_("Responsible person (optional)"), queryset=User.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Due on"), widget=_DATE)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item (optional)"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        invited = Agency.objects.filter(
            pk__in=meeting.invitations.values("agency_id"), is_active=True
        ).order_by("name")
        self.fields["agency"].queryset = invited
        self.fields["agency"].label_from_instance = _agency_label
        self.fields["assignee"].queryset = (
            User.objects.filter(
                is_active=True,
                membership__agency__in=invited,
                membership__roles__role__in=_STAFF_ROLES,
            )
            .select_related("membership__agency")
            .distinct()
            .order_by("full_name")
        )
        self.fields["assignee"].label_from_instance = lambda user: (
            f"{user.full_name} · {_agency_label(user.membership.agency)}"
        )
        self.fields["agenda_item"].queryset = meeting.agenda.all()


class ActionItemStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    reason = forms.CharField(
        label=_("Reason (required to drop the item)"), max_length=300, required=False
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    case_code = forms.CharField(
        label=_("Case code (optional)"),
        max_length=24,
        required=False,
        help_text=_("The case is shown to the other invitees by its code and pseudonym only."),
    )
