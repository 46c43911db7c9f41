"""The iCalendar feed of a user's deadlines: the open tasks of the parties they report for."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from obligations.selectors import my_open_tasks

# A feed older than this many days back is noise in a calendar program.
PAST_DAYS = 90


def feed_for(user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//PhốiHợp//Hạn nhiệm vụ//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "PhốiHợp — hạn nhiệm vụ")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    since = timezone.localdate() - datetime.timedelta(days=PAST_DAYS)
    stamp = timezone.now()
    for task in my_open_tasks(user).filter(due_date__gte=since):
        event = Event()
        event.add("uid", f"task-{task.pk}@phoihop")
        event.add("dtstamp", stamp)
        event.add("dtstart", task.due_date)
        event.add("dtend", task.due_date + datetime.timedelta(days=1))
        event.add("summary", f"{task.obligation.title} — {task.party.short_name}")
        description = task.obligation.due_wording or ""
        event.add("description", f"{description}\n{settings.SITE_URL}{task.get_absolute_url()}".strip())
        event.add("url", f"{settings.SITE_URL}{task.get_absolute_url()}")
        calendar.add_component(event)
    return calendar.to_ical()
