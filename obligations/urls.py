from django.urls import path

from . import contribution_views, intake_views, reorganisation_views, source_views, views

app_name = "obligations"

urlpatterns = [
    path("obligations/", views.obligation_list, name="obligation_list"),
    path("obligations/<int:pk>/", views.obligation_detail, name="obligation_detail"),
    path("obligations/new/", intake_views.obligation_new, name="obligation_new"),
    path("obligations/<int:pk>/edit/", intake_views.obligation_edit, name="obligation_edit"),
    # From a document's text to obligations: paste or upload, review (the answer to that post), confirm.
    path("intake/", intake_views.intake_start, name="intake"),
    path("intake/confirm/", intake_views.intake_confirm, name="intake_confirm"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("tasks/<int:pk>/compare/", views.version_compare, name="version_compare"),
    path("tasks/<int:pk>/review/", views.task_review, name="task_review"),
    path("tasks/<int:pk>/excuse/", views.task_excuse, name="task_excuse"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("review/", views.review_list, name="review_list"),
    # Co-operating parties' input into the lead's task (see contribution_views).
    path("tasks/<int:pk>/contribute/", contribution_views.task_contribute, name="task_contribute"),
    path("contributions/files/<int:pk>/", contribution_views.contribution_file_download, name="contribution_file"),
    # The sources' pages that show what they oblige (see source_views).
    path("parties/<int:pk>/", source_views.party_detail, name="party_detail"),
    path("regulations/<int:pk>/", source_views.regulation_detail, name="regulation_detail"),
    path("search/", source_views.search, name="search"),
    # Reorganisations: merges, splits, renames, moves and ends of parties, as recorded decisions.
    path("reorganisations/", reorganisation_views.reorganisation_list, name="reorganisation_list"),
    path("reorganisations/new/", reorganisation_views.reorganisation_new, name="reorganisation_new"),
    path("reorganisations/<int:pk>/", reorganisation_views.reorganisation_detail, name="reorganisation_detail"),
    path("reorganisations/<int:pk>/undo/", reorganisation_views.reorganisation_undo_view, name="reorganisation_undo"),
]
