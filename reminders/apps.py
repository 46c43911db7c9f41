from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Nhắc việc")

    def ready(self):
        from . import reorganisation, signals  # noqa: F401  (connects the receivers and the preview's lookup)
