from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:what>.<str:fmt>", views.export, name="export"),
    path("files/<int:pk>/", views.file_status, name="file_status"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
    path("files/<int:pk>/retry/", views.file_retry, name="file_retry"),
    path("consolidated/", views.consolidated_list, name="consolidated_list"),
    path("consolidated/<int:pk>/", views.consolidated_detail, name="consolidated_detail"),
    path("consolidated/<int:pk>/signed.pdf", views.consolidated_signed_download, name="consolidated_signed"),
    path("consolidated/<int:pk>/<str:action>/", views.consolidated_action, name="consolidated_action"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
    path("meetings/<int:pk>/pdf/", views.meeting_pdf, name="meeting_pdf"),
    path("import/", views.import_view, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views.import_job_confirm, name="import_job_confirm"),
    path("import/template/<str:what>.<str:fmt>", views.import_template, name="import_template"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
]
