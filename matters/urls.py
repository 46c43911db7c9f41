from django.urls import path

from . import views

app_name = "matters"

urlpatterns = [
    path("", views.matter_list, name="matter_list"),
    path("new/", views.matter_raise, name="matter_raise"),
    path("<int:pk>/", views.matter_detail, name="matter_detail"),
    path("<int:pk>/answer/", views.matter_answer, name="matter_answer"),
    path("<int:pk>/forward/", views.matter_forward, name="matter_forward"),
    path("<int:pk>/close/", views.matter_close, name="matter_close"),
]
