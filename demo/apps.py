from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (both seeds, the demo accounts): the top layer, it may use every app."""

    name = "demo"
    verbose_name = _("Dữ liệu minh họa")
