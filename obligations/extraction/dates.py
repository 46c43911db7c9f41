"""Deadlines and recurrence as Vietnamese administrative documents write them.

The rules of the design brief: "trước ngày X" means the work must be done before X, so the last day is X−1;
"chậm nhất ngày X", "trong ngày X", "đến ngày X", "hạn ngày X" (and "vào ngày X") mean the last day is X. A time
of day turns "trước" into a limit within that day: "trước 9h00 ngày 23/4/2018" still leaves 23/4 as the last
day. A whole month ("đến hết tháng 3", "trong tháng 3") ends on its last day; "trước tháng 3" on the last day
of February.

When the year is not written (a yearly duty, "trước ngày 15/12"), the arithmetic is done in a common year:
"trước ngày 01/3" gives 28/2. In a leap year the true last day is 29/2; the wording is kept beside the date so
the person confirming the proposal sees it, and the yearly schedule can recompute per year. A monthly "trước
ngày 01 hằng tháng" has no day of its own to give (it is the last day of the previous month): no date then.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

# The year used for day arithmetic when none is written: any common (non-leap) year.
_COMMON_YEAR = 2001

_BEFORE = r"trước"
_ON = (
    r"chậm nhất(?:\s+là)?(?:\s+vào)?(?:\s+trong)?|muộn nhất(?:\s+là)?|hạn chót(?:\s+là)?|hạn(?:\s+là)?"
    r"|đến\s+hết|đến|trong|vào(?:\s+lúc|\s+hồi)?|hết|không\s+quá|không\s+muộn\s+hơn"
)
_TIME = r"\d{1,2}\s*(?:h|giờ)\s*(?:\d{1,2})?(?:\s*phút)?"
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)"
_YEAR = r"(?:19|20)\d{2}"
_NUMERIC = (
    rf"(?P<d1>\d{{1,2}})\s*(?P<sep>[/.\-])\s*(?P<m1>\d{{1,2}})(?:\s*(?P=sep)\s*(?P<y1>{_YEAR}))?(?!\s*[/.\-]?\s*\d)"
)
_WORDS = rf"(?P<d2>\d{{1,2}})\s+tháng\s+(?P<m2>\d{{1,2}})(?:\s*(?:năm\s+|/)(?P<y2>{_YEAR}))?"
_MONTHLY = r"(?P<d3>\d{1,2})\s+(?:hằng|hàng)\s+tháng"

_DAY_DEADLINE = re.compile(
    rf"(?<!\w)(?P<q>{_BEFORE}|{_ON})\s+"
    rf"(?:(?P<time>{_TIME})\s*,?\s*)?"
    rf"(?:{_WEEKDAY}\s*,?\s*)?(?:ngày\s+)?(?:{_WEEKDAY}\s*,?\s*)?"
    rf"(?:{_MONTHLY}|{_WORDS}|{_NUMERIC})",
    re.IGNORECASE,
)
_MONTH_DEADLINE = re.compile(
    rf"(?<!\w)(?P<q>trước|đến\s+hết|trong|hết|chậm\s+nhất(?:\s+là)?(?:\s+trong)?)\s+tháng\s+(?P<m>\d{{1,2}})"
    rf"(?:\s*(?:năm\s+|/)(?P<y>{_YEAR}))?(?!\s*[/.\-]?\d)",
    re.IGNORECASE,
)
# Words just before the qualifier that belong to the deadline's wording ("hoàn thành trước ngày 15/12").
_LEAD_WORDS = re.compile(
    r"(?:thời\s+gian\s+thực\s+hiện\s+xong|thời\s+gian\s+hoàn\s+thành|thời\s+gian\s+thực\s+hiện|thời\s+hạn"
    r"(?:\s+hoàn\s+thành)?|hoàn\s+thành|xong)\s*,?\s*$",
    re.IGNORECASE,
)
_TRAIL_WORDS = re.compile(r"\s+(?:hằng|hàng)\s+(?:năm|quý|tháng)\b", re.IGNORECASE)

RECURRENCES = ("once", "yearly", "half-yearly", "quarterly", "monthly", "continuous")
_RECURRENCE_WORDS = [
    ("half-yearly", re.compile(r"(?<!\w)(?:0?6|sáu)\s+tháng(?!\w)|nửa\s+năm", re.IGNORECASE)),
    ("quarterly", re.compile(r"(?:hằng|hàng|mỗi)\s+quý|định\s+kỳ\s+quý", re.IGNORECASE)),
    ("monthly", re.compile(r"(?:hằng|hàng|mỗi)\s+tháng", re.IGNORECASE)),
    ("yearly", re.compile(r"(?:hằng|hàng|mỗi)\s+năm|báo\s+cáo\s+(?:0?1\s+|một\s+)?năm(?!\s*\d)", re.IGNORECASE)),
    ("continuous", re.compile(r"thường\s+xuyên|liên\s+tục", re.IGNORECASE)),
]
_NEGATION = re.compile(r"(?<!\w)không(?!\w)[^.;]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Deadline:
    start: int
    end: int
    wording: str
    day: int | None
    month: int | None
    year: int | None
    monthly: bool = False

    def as_dict(self) -> dict | None:
        if self.day is None:
            return None
        return {"day": self.day, "month": self.month, "year": self.year}


def _last_day_before(day: int, month: int, year: int | None) -> tuple[int, int, int | None]:
    base = datetime.date(year or _COMMON_YEAR, month, day) - datetime.timedelta(days=1)
    # Crossing into the previous year only changes a written year; an unwritten one stays unwritten.
    return base.day, base.month, (base.year if year else None)


def _valid(day: int, month: int, year: int | None) -> bool:
    if not (1 <= month <= 12):
        return False
    return 1 <= day <= calendar.monthrange(year or _COMMON_YEAR, month)[1]


# "số liệu tính đến ngày 15/10", "thời điểm từ đầu năm học đến ngày 15/10": the end of the period a report
# covers, not the day it is due.
_CUT_OFF = re.compile(
    r"(?:tính|thời\s+điểm[^.;]{0,40}|số\s+liệu[^.;]{0,40}|từ\s+đầu\s+năm(?:\s+học)?)\s*$", re.IGNORECASE
)


def deadlines_find(*, text: str) -> list[Deadline]:
    """Every deadline phrase in the text, in order, with the last day it means."""
    found: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for match in _DAY_DEADLINE.finditer(text):
        qualifier = re.sub(r"\s+", " ", match["q"].lower())
        if qualifier.startswith("đến") and _CUT_OFF.search(text[max(0, match.start() - 60) : match.start()]):
            continue
        before = qualifier == "trước" and not match["time"]
        day: int | None
        month: int | None
        year: int | None
        if match["d3"]:
            day, month, year, monthly = int(match["d3"]), None, None, True
            if not 1 <= day <= 31:
                continue
            if before:
                day = day - 1 if day > 1 else None
        else:
            day, month = int(match["d1"] or match["d2"]), int(match["m1"] or match["m2"])
            written_year = match["y1"] or match["y2"]
            year = int(written_year) if written_year else None
            monthly = False
            if not _valid(day, month, year):
                continue
            if before:
                day, month, year = _last_day_before(day, month, year)
        found.append(_deadline(text, match.start(), match.end(), day, month, year, monthly))
        taken.append((match.start(), match.end()))
    for match in _MONTH_DEADLINE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        month = int(match["m"])
        if not 1 <= month <= 12:
            continue
        year = int(match["y"]) if match["y"] else None
        if match["q"].lower() == "trước":
            month, year = (12, year - 1 if year else None) if month == 1 else (month - 1, year)
        day = calendar.monthrange(year or _COMMON_YEAR, month)[1]
        found.append(_deadline(text, match.start(), match.end(), day, month, year, False))
    return sorted(found, key=lambda deadline: deadline.start)


def _deadline(text: str, start: int, end: int, day, month, year, monthly: bool) -> Deadline:
    lead = _LEAD_WORDS.search(text[max(0, start - 40) : start])
    if lead:
        start -= len(lead.group(0))
    trail = _TRAIL_WORDS.match(text, end)
    if trail and not monthly:
        end = trail.end()
    wording = re.sub(r"\s+", " ", text[start:end]).strip()
    return Deadline(start=start, end=end, wording=wording, day=day, month=month, year=year, monthly=monthly)


def recurrence_words(*, text: str) -> list[tuple[int, str]]:
    """(offset, recurrence) of every recurrence word not under a negation ("không thực hiện báo cáo hàng quý")."""
    found: list[tuple[int, str]] = []
    for name, pattern in _RECURRENCE_WORDS:
        for match in pattern.finditer(text):
            clause_start = max(text.rfind(".", 0, match.start()), text.rfind(";", 0, match.start())) + 1
            if _NEGATION.search(text[clause_start : match.start()]):
                continue
            if name == "half-yearly" and any(s <= match.start() < s + 12 for s, n in found if n == "monthly"):
                continue
            found.append((match.start(), name))
    return sorted(found)


def recurrence_for(*, text: str, deadline: Deadline | None) -> str:
    """The recurrence of a duty whose text is ``text`` (offsets of ``deadline`` are within it)."""
    words = recurrence_words(text=text)
    periodic = [(offset, name) for offset, name in words if name != "continuous"]
    if deadline is None:
        # A standing duty without a date: "thường xuyên" or no word at all both mean continuous.
        return periodic[0][1] if periodic else "continuous"
    if deadline.monthly:
        return "monthly"
    # The word written with the deadline wins: right after it up to the end of its clause, then before it.
    clause_end = len(text)
    for mark in ".;":
        position = text.find(mark, deadline.end)
        if position != -1:
            clause_end = min(clause_end, position)
    after = [name for offset, name in periodic if deadline.end <= offset < clause_end]
    if after:
        return after[0]
    inside = [name for offset, name in periodic if deadline.start <= offset < deadline.end]
    if inside:
        return inside[0]
    clause_start = max(text.rfind(".", 0, deadline.start), text.rfind(";", 0, deadline.start)) + 1
    before = [name for offset, name in periodic if clause_start <= offset < deadline.start]
    if before:
        return before[-1]
    if deadline.year is None and periodic:
        return periodic[0][1]
    return "once"
