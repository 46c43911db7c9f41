"""The document's own fields: number and symbol, issuer, date, subject, signing authority, signer."""

import datetime
import re
from dataclasses import dataclass, field

from regulations.text import search_key

MOTTO = re.compile(
    r"C[ỘO]NG\s+H[ÒOÀ]A\s+X[ÃA]\s*H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM|Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc",
    re.IGNORECASE,
)
SEPARATOR = re.compile(r"^[\s\-–—_=*.]*$")
NUMBER = re.compile(r"(?<!\w)Số\s*:\s*(?P<number>\d*)\s*(?P<symbol>/[^\s,;]+)?", re.IGNORECASE)
# A news item or an excerpt without its letterhead: "UBND tỉnh ban hành Công văn số 2221 /UBND-TH". Only an
# issuing verb makes it this document's number, not one it cites ("Thực hiện Kế hoạch số 1231/KH-UBND").
NUMBER_IN_TEXT = re.compile(
    r"(?:ban\s+hành|vừa\s+có|đã\s+có)\s+(?:Công\s+văn|Văn\s+bản|Thông\s+báo|Chỉ\s+thị|Kế\s+hoạch)\s+số\s+(?P<number>\d+)\s*(?P<symbol>/[^\s,;.]+)",
    re.IGNORECASE,
)
DATE_LINE = re.compile(
    r"(?P<place>[^,;:\n]{2,40}?)\s*,\s*ngày\s+(?P<day>\d{1,2})?\s*tháng\s+(?P<month>\d{1,2})?\s*năm\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
BARE_DATE = re.compile(r"^\s*(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\s*$")
TITLE_WORDS = ("THÔNG BÁO", "KẾ HOẠCH", "CHỈ THỊ", "CÔNG VĂN", "BÁO CÁO", "QUYẾT ĐỊNH", "HƯỚNG DẪN")
INLINE_TITLE = re.compile(
    r"^(?:Thông\s+báo|Kế\s+hoạch|Chỉ\s+thị|Hướng\s+dẫn)(?P<colon>\s*:)?\s+(?P<rest>\S.*)$", re.IGNORECASE
)
SUBJECT_START = re.compile(r"^\s*(?:V/[vV]|Về\s+việc|Về)\s+\S", re.IGNORECASE)
KINH_GUI = re.compile(r"^\s*Kính\s+gửi\s*:?", re.IGNORECASE)
AUTHORITY = re.compile(r"^\s*(TM|KT|TL|TUQ|Q)\s*\.\s*(\S.*)?$")
SIGN_TITLES = {
    "chu tich": "Chủ tịch",
    "pho chu tich": "Phó Chủ tịch",
    "giam doc": "Giám đốc",
    "pho giam doc": "Phó Giám đốc",
    "p. giam doc": "Phó Giám đốc",
    "chanh van phong": "Chánh Văn phòng",
    "pho chanh van phong": "Phó Chánh Văn phòng",
    "truong phong": "Trưởng phòng",
    "pho truong phong": "Phó Trưởng phòng",
    "hieu truong": "Hiệu trưởng",
    "pho hieu truong": "Phó Hiệu trưởng",
    "bo truong": "Bộ trưởng",
    "thu truong": "Thứ trưởng",
    "cuc truong": "Cục trưởng",
    "pho cuc truong": "Phó Cục trưởng",
    "truong ban": "Trưởng ban",
    "pho truong ban": "Phó Trưởng ban",
    "bi thu": "Bí thư",
    "chanh an": "Chánh án",
    "vien truong": "Viện trưởng",
    "tong giam doc": "Tổng Giám đốc",
}
SIGNED_NOTE = re.compile(r"^\(?\s*(?:đã\s+k[ýỹy]|ký\s+bởi|da\s+ky)[^)]*\)?\.?$", re.IGNORECASE)
LEVEL_WORDS = ("TỈNH", "HUYỆN", "THÀNH PHỐ", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN")
BODY_WORDS = (
    "ỦY BAN NHÂN DÂN",
    "UỶ BAN NHÂN DÂN",
    "UBND",
    "SỞ",
    "BỘ",
    "PHÒNG",
    "TRUNG TÂM",
    "BAN",
    "CỤC",
    "VĂN PHÒNG",
    "HỘI",
    "TRƯỜNG",
    "HỌC VIỆN",
    "VIỆN",
    "LIÊN ĐOÀN",
    "ỦY BAN",
    "CHI CỤC",
    "ĐẢNG ỦY",
)


@dataclass
class Header:
    number_symbol: str = ""
    issuer: str = ""
    date: datetime.date | None = None
    subject: str = ""
    place: str = ""
    signing_authority: str = ""
    signer: str = ""
    signer_title: str = ""
    # Line indexes: where the header ends (first body line), where the closing part starts.
    body_start: int = 0
    body_end: int = 0
    kinh_gui: list[str] = field(default_factory=list)


def _is_upper(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _agency_case(body: str) -> str:
    """Vietnamese capitalisation of an agency name: the kind of body, then each field ("Sở Giáo dục và Đào tạo")."""
    lower = re.sub(r"^ubnd\b", "ủy ban nhân dân", body.lower().strip())
    for kind in ("ủy ban nhân dân", "uỷ ban nhân dân"):
        if lower.startswith(kind):
            return "Ủy ban nhân dân" + lower[len(kind) :]
    kinds = (
        "văn phòng",
        "trung tâm",
        "học viện",
        "liên đoàn",
        "chi cục",
        "sở",
        "bộ",
        "phòng",
        "ban",
        "cục",
        "hội",
        "trường",
        "viện",
    )
    for kind in kinds:
        if lower.startswith(kind + " "):
            head, rest = kind, lower[len(kind) + 1 :]
            rest = re.sub(r"(^|\bvà\s+|-\s*|,\s*)(\w)", lambda m: m.group(1) + m.group(2).upper(), rest)
            return head[0].upper() + head[1:] + " " + rest
    return lower[:1].upper() + lower[1:]


def _place_case(place: str) -> str:
    words = place.strip().split()
    if not words:
        return ""
    lowered = " ".join(words).lower()
    for level in sorted((w.lower() for w in LEVEL_WORDS), key=len, reverse=True):
        if lowered.startswith(level + " ") or lowered == level:
            name = lowered[len(level) :].strip()
            return (level + " " + " ".join(part[:1].upper() + part[1:] for part in name.split())).strip()
    return " ".join(part[:1].upper() + part[1:] for part in lowered.split())


def _split_place(line: str) -> tuple[str, str]:
    """ "UBND TỈNH KON TUM" → ("UBND", "TỈNH KON TUM"); "TỈNH KON TUM" → ("", "TỈNH KON TUM")."""
    upper = line.upper()
    best = None
    for level in LEVEL_WORDS:
        for match in re.finditer(r"(?:^|\s)" + level + r"(?=\s|$)", upper):
            if best is None or match.start() < best:
                best = match.start()
    if best is None:
        return line.strip(), ""
    return line[:best].strip(), line[best:].strip()


def issuer_from_lines(lines: list[str]) -> str:
    bodies, place = [], ""
    for line in lines:
        body, where = _split_place(line)
        if where and not place:
            place = where
        if body:
            bodies.append(body)
    if not bodies:
        return ""
    # The issuer is the last body of the header ("UBND TỈNH X" over "SỞ Y": the issuer is Sở Y, of province X).
    issuer = _agency_case(bodies[-1])
    return f"{issuer} {_place_case(place)}".strip() if place else issuer


def signer_title_case(line: str) -> str:
    folded = search_key(line).rstrip(".")
    if folded in SIGN_TITLES:
        return SIGN_TITLES[folded]
    lower = line.strip().lower()
    return lower[:1].upper() + lower[1:]


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= 5
        and all(word[:1].isupper() for word in words)
        and not _is_upper(line)
        and not any(ch.isdigit() for ch in line)
        and not line.rstrip().endswith((":", ";", "."))
    )


def header_parse(text: str) -> Header:
    """Reads the header and the signature; ``body_start``/``body_end`` are character offsets of the body."""
    lines = text.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    header = Header()
    n = len(lines)
    body_line, inline_start = 0, None
    number_line = date_line = title_line = subject_end = -1
    issuer_lines: list[str] = []
    scan = min(n, 60)
    for i in range(scan):
        line = lines[i]
        stripped = MOTTO.sub(" ", line).strip()
        if number_line < 0 and i < 25 and (m := NUMBER.search(line)):
            header.number_symbol = f"{m['number']}{m['symbol'] or ''}".rstrip(".,;")
            number_line = i
        if date_line < 0 and i < 25 and (m := DATE_LINE.search(line)):
            words = (m["place"] or "").split()
            # "Số: 327/SGDĐT-KHTC Vũng Tàu, ngày …": the place is what follows the symbol.
            slash = max((k for k, word in enumerate(words) if "/" in word), default=-1)
            header.place = " ".join(words[slash + 1 :]).strip(" -–")
            if m["day"] and m["month"]:
                try:
                    header.date = datetime.date(int(m["year"]), int(m["month"]), int(m["day"]))
                except ValueError:
                    header.date = None
            date_line = i
        if KINH_GUI.match(line):
            break
        if (
            number_line < 0
            and date_line < 0
            and stripped
            and _is_upper(stripped)
            and stripped.upper() not in TITLE_WORDS
        ):
            if not SEPARATOR.match(stripped):
                issuer_lines.append(stripped)
    if not header.number_symbol:
        if m := NUMBER_IN_TEXT.search(text):
            header.number_symbol = f"{m['number']}{m['symbol']}"
    header.issuer = issuer_from_lines(issuer_lines)
    if not header.issuer and "UBND" in header.number_symbol.upper() and header.place:
        # No header lines (a draft pasted without its letterhead): the symbol says a People's Committee issued
        # it, the text says which level ("Chủ tịch UBND huyện"), the place line says where.
        levels = re.findall(
            r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+(tỉnh|huyện|thành phố|quận|thị xã|xã|phường)", text
        )
        if levels:
            level = max(set(levels), key=levels.count)
            header.issuer = f"Ủy ban nhân dân {level} {_place_case(header.place)}"

    # Subject: a "V/v …" block anywhere (a PDF may put it at the end), else "Về …" under the number, else the
    # title block after "THÔNG BÁO" / "KẾ HOẠCH".
    for i in range(n):
        if SUBJECT_START.match(lines[i]) and (lines[i].lstrip()[:3].lower() == "v/v" or 0 <= i - number_line <= 2):
            parts, j = [lines[i].strip()], i + 1
            while j < n and j - i <= 8:
                nxt = lines[j].strip()
                if not nxt:
                    j += 1
                    continue
                if (
                    MOTTO.search(nxt)
                    or _is_upper(nxt)
                    or DATE_LINE.search(nxt)
                    or KINH_GUI.match(nxt)
                    or SEPARATOR.match(nxt)
                    or nxt[:1] in "-–+•"
                    or NUMBER.search(nxt)
                ):
                    break
                parts.append(nxt)
                j += 1
            header.subject = re.sub(r"\s+", " ", " ".join(parts))
            if i < 15 or 0 <= i - max(number_line, date_line) <= 3:
                subject_end = max(subject_end, j - 1)
            break
    for i in range(scan):
        stripped = lines[i].strip()
        if stripped.upper() in TITLE_WORDS and stripped == stripped.upper():
            title_line = i
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            parts = []
            while j < n and lines[j].strip():
                parts.append(lines[j].strip())
                j += 1
            if not header.subject:
                header.subject = re.sub(r"\s+", " ", " ".join(parts))
            subject_end = max(subject_end, j - 1)
            break
        if i < 5 and (m := INLINE_TITLE.match(stripped)):
            if not header.subject:
                header.subject = m["rest"].strip() if m["colon"] else stripped
            title_line = i
            break
        if KINH_GUI.match(lines[i]):
            break
    if date_line < 0:
        for i in range(min(n, 8)):
            if m := BARE_DATE.match(lines[i]):
                try:
                    header.date = datetime.date(int(m["year"]), int(m["month"]), int(m["day"]))
                    date_line = i
                except ValueError:
                    pass
                break

    # Kính gửi: the line and the addressee lines under it; a body sentence may follow on the same line.
    for i in range(scan):
        if KINH_GUI.match(lines[i]):
            after = KINH_GUI.sub("", lines[i]).strip()
            addressees = []
            inline_body = re.search(r"\.\s+(?=[A-ZĐÀ-Ỹ])", after)
            if inline_body:
                # "Kính gửi: … trực thuộc. Thực hiện …": the body starts inside this line.
                addressees.append(after[: inline_body.start()])
                header.kinh_gui = [a.strip(" -–;.,") for a in addressees if a.strip(" -–;.,")]
                body_line = i
                inline_start = starts[i] + lines[i].index(after) + inline_body.end()
                break
            if after:
                addressees.append(after)
            j = i + 1
            while j < n:
                nxt = lines[j].strip()
                if not nxt:
                    j += 1
                    continue
                if nxt[:1] in "-–+•":
                    addressees.append(nxt)
                    j += 1
                    continue
                break
            header.kinh_gui = [a.strip(" -–;.,") for a in addressees if a.strip(" -–;.,")]
            body_line = j
            break
    else:
        body_line = max(number_line, date_line, subject_end, title_line) + 1

    # The closing part: "Nơi nhận", a signing authority, a "Trân trọng", or the signer's title alone.
    end = n
    for i in range(body_line, n):
        stripped = lines[i].strip()
        folded = search_key(stripped)
        if (
            re.match(r"^noi nhan\b", folded)
            or re.match(r"^tran trong\b", folded)
            or AUTHORITY.match(stripped)
            or (_is_upper(stripped) and folded.rstrip(".") in SIGN_TITLES)
        ):
            end = i
            break
    header.body_start = (
        inline_start if inline_start is not None else (starts[body_line] if body_line < n else len(text))
    )
    header.body_end = starts[end] if end < n else len(text)

    # Signature: the last authority lines, the title under them, the name at the bottom.
    tail = [line.strip() for line in lines[body_line:] if line.strip()]
    authorities = [(k, line) for k, line in enumerate(tail) if AUTHORITY.match(line) and _is_upper(line)]
    title_index = None
    if authorities:
        k, line = authorities[-1]
        matched = AUTHORITY.match(line)
        kind = matched.group(1) if matched else ""
        # The authority the signer signs under is the innermost one: TM. … / KT. CHỦ TỊCH → KT.
        header.signing_authority = f"{kind}." if kind in ("TM", "KT", "TL") else ""
        if k + 1 < len(tail) and _is_upper(tail[k + 1]) and not AUTHORITY.match(tail[k + 1]):
            title_index = k + 1
        else:
            rest = (matched.group(2) if matched else "") or ""
            header.signer_title = signer_title_case(rest) if rest else ""
            title_index = k
    else:
        for k in range(len(tail) - 1, -1, -1):
            if _is_upper(tail[k]) and search_key(tail[k]).rstrip(".") in SIGN_TITLES:
                title_index = k
                break
    if title_index is not None:
        if not header.signer_title:
            header.signer_title = signer_title_case(tail[title_index])
        for line in tail[title_index + 1 :]:
            if SIGNED_NOTE.match(line) or _is_upper(line):
                continue
            if _looks_like_name(line):
                header.signer = line
                break
    return header
