from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from obligations.views import home

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", home, name="home"),
    path("notifications/", include("notifications.urls")),
    path("matters/", include("matters.urls")),
    path("reports/", include("reports.urls")),
    path("", include("obligations.urls")),
    path("", include("regulations.urls")),
]
