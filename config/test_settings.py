"""The settings module under pytest: the one settings module, read with DJANGO_ENV=test."""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from config.settings import *  # noqa: F403
