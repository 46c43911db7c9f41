from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.open_entry, name="open"),
    path("<int:pk>/read/", views.mark_one_read, name="read"),
    path("read-all/", views.read_all, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/new/", views.matter_raise, name="matter_raise"),
    path("matters/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("matters/<int:pk>/answer/", views.matter_answer, name="matter_answer"),
    path("matters/<int:pk>/forward/", views.matter_forward, name="matter_forward"),
    path("matters/<int:pk>/close/", views.matter_close, name="matter_close"),
]
