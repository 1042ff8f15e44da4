from django.urls import path

from meetings.views import action_items, forums, meeting_page

urlpatterns = [
    path("", forums.ForumListView.as_view(), name="forum-list"),
    path("forum/<int:pk>/", forums.forum_detail, name="forum-detail"),
    path("baru/", forums.meeting_new, name="meeting-new"),
    path("tindak-lanjut/", action_items.MyActionItemListView.as_view(), name="my-action-items"),
    path("tindak-lanjut/<int:pk>/", action_items.action_item_detail, name="action-item-detail"),
    path(
        "tindak-lanjut/<int:pk>/status/", action_items.action_item_status, name="action-item-status"
    ),
    path("<int:pk>/", meeting_page.meeting_detail, name="meeting-detail"),
    path("<int:pk>/<slug:action>/", meeting_page.meeting_action, name="meeting-action"),
]
