from meetings.models.forums import Forum, Schedule, ScheduleException
from meetings.models.meetings import AgendaItem, Invitation, Meeting, MeetingChange
from meetings.models.minutes import ActionItem, Minutes
from meetings.models.reminders import CalendarFeed, Reminder

__all__ = [
    "ActionItem",
    "AgendaItem",
    "CalendarFeed",
    "Forum",
    "Invitation",
    "Meeting",
    "MeetingChange",
    "Minutes",
    "Reminder",
    "Schedule",
    "ScheduleException",
]
