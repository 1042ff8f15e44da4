from meetings.urls_calendar import urlpatterns as calendar_urls
from meetings.urls_pages import urlpatterns as page_urls

urlpatterns = page_urls + calendar_urls
