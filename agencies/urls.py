from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from agencies.views import auth, notifications, pages, regions

urlpatterns = [
    path("", pages.landing, name="landing"),
    path("beranda/", pages.home, name="home"),
    path("masuk/", auth.SignInView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", auth.set_language, name="set-language"),
    path("sandi/lupa/", auth.PasswordResetView.as_view(), name="password_reset"),
    path(
        "sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "sandi/atur/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "sandi/atur/selesai/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("wilayah/<str:code>/", regions.region_children, name="region-children"),
    path("notifikasi/", notifications.notification_list, name="notification-list"),
    path("notifikasi/<int:pk>/", notifications.notification_open, name="notification-open"),
    path(
        "notifikasi/baca-semua/", notifications.notification_read_all, name="notification-read-all"
    ),
]
