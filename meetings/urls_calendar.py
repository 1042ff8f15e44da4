from django.urls import path, re_path

from meetings import calendar_views

urlpatterns = [
    path("kalender/", calendar_views.feed_settings, name="calendar-feed-settings"),
    path("kalender/tautan-baru/", calendar_views.feed_issue, name="calendar-feed-issue"),
    path("kalender/cabut/", calendar_views.feed_revoke, name="calendar-feed-revoke"),
    re_path(
        r"^kalender/(?P<token>[A-Za-z0-9_-]{1,128})\.ics$",
        calendar_views.feed,
        name="calendar-feed",
    ),
    path("<int:pk>/rapat.ics", calendar_views.meeting_ics, name="meeting-ics"),
]
