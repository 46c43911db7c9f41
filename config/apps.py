from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself: wiring that belongs to no domain app (the login audit receivers)."""

    name = "config"
    label = "project"
    verbose_name = "PhốiHợp"

    def ready(self):
        from . import security  # noqa: F401  (connects the login audit receivers)
