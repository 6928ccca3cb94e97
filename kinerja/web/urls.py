from django.contrib.auth import views as auth_views
from django.urls import path

from kinerja.web import notifications, periods, views

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("tim/", views.team, name="team"),
    path("akun/", views.account, name="account"),
    path("akun/kata-sandi/", views.password_change, name="password_change"),
    path("akun/token/", views.tokens, name="tokens"),
    path("akun/token/<int:pk>/cabut/", views.token_revoke_view, name="token_revoke"),
    path("audit/", views.audit, name="audit"),
    path("notifikasi/", notifications.notifications, name="notifications"),
    path("notifikasi/<int:pk>/baca/", notifications.notification_open, name="notification_open"),
    path("notifikasi/baca-semua/", notifications.notifications_read_all,
         name="notifications_read_all"),
    path("periode/", periods.periods, name="periods"),
    path("periode/<int:year>/", periods.period_update, name="period_update"),
    path("periode/<int:year>/tutup/", periods.period_close_view, name="period_close"),
    path("periode/<int:year>/buka-kembali/", periods.period_reopen_view, name="period_reopen"),
    path("periode/<int:year>/bulan/<int:month>/tutup/", periods.month_close_view,
         name="period_month_close"),
    path("periode/<int:year>/bulan/<int:month>/buka-kembali/", periods.month_reopen_view,
         name="period_month_reopen"),
]
