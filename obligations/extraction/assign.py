"""Who a sentence assigns: the verb ("Giao", "Yêu cầu", "Đề nghị"), the lead parties and the co-operating ones.

Vietnamese directives assign in two ways. With a verb and the parties after it: "Giao Sở Nội vụ làm đầu mối…",
"Đề nghị Ủy ban MTTQ … phối hợp với các đơn vị…". Or with the parties as the subject: "Thủ trưởng các cơ
quan, đơn vị … thường xuyên trao đổi…". A list of parties is read chunk by chunk: a chunk starts with the head
of a body ("Sở", "Ủy ban", "các tổ chức", "Chủ tịch"), a few words continue a name across a comma ("các sở,
ban, ngành", "các huyện, thành phố"), and the first verb of the action ends the list.
"""

import re
from dataclasses import dataclass, field

_TITLE = (
    r"(?:Thủ\s+trưởng|thủ\s+trưởng|Phó\s+Chủ\s+tịch|Chủ\s+tịch|chủ\s+tịch|Phó\s+Giám\s+đốc|Giám\s+đốc|giám\s+đốc"
    r"|Hiệu\s+trưởng|hiệu\s+trưởng|Trưởng|trưởng|Người\s+đứng\s+đầu|người\s+đứng\s+đầu|[Cc]án\s+bộ)"
)
_BODY = (
    r"(?:Ủy\s+ban|Uỷ\s+ban|UBND|UBMTTQ|UB\.?MTTQ|MTTQ|Mặt\s+trận|Sở|sở|Phòng|phòng|Ban|Hội|Liên\s+đoàn|Huyện\s+đoàn"
    r"|Tỉnh\s+đoàn|Thành\s+đoàn|Đoàn|Công\s+đoàn|Huyện\s+(?:ủy|uỷ)|Thành\s+(?:ủy|uỷ)|Tỉnh\s+(?:ủy|uỷ)|Đảng\s+(?:ủy|uỷ)"
    r"|Văn\s+phòng|Trung\s+tâm|Chi\s+cục|Cục|Bộ|Công\s+an|Trường|Học\s+viện|Viện|Công\s+ty|Thường\s+trực|HĐND"
    r"|Hội\s+đồng|Tổ(?!\s+chức)|Nhà\s+trường|Đại\s+học|Bệnh\s+viện|Kho\s+bạc|Chi\s+nhánh|Đài|Bộ\s+Chỉ\s+huy)"
)
_GROUP_NOUNS = (
    r"(?:sở|Sở|ban|Ban|ngành|cơ\s+quan|đơn\s+vị|tổ\s+chức|đoàn\s+thể|huyện|quận|thị\s+xã|thành\s+phố|xã|phường"
    r"|thị\s+trấn|trường\s+học|trường|khoa|phòng|Phòng|hội|Hội|địa\s+phương|cơ\s+sở|[Tt]rung\s+tâm|[Bb]ộ|Ủy\s+ban"
    r"|UBND|cấp\s+(?:ủy|uỷ)|chi\s+bộ|thành\s+viên|doanh\s+nghiệp|chủ\s+đầu\s+tư|nhà\s+trường|[A-ZĐ][A-ZĐ&]{1,}\w*)"
)
_HONORIFIC = r"(?:(?:[Ôô]ng|[Bb]à)\s*\(\s*[Bb]à\s*\)\s+|[Ôô]ng/[Bb]à\s+|[Đđ]ồng\s+chí\s+)"
HEAD = re.compile(
    rf"(?P<honorific>{_HONORIFIC})?(?P<head>(?:{_TITLE}\s+)?(?:[Cc]ác\s+{_GROUP_NOUNS}|{_BODY})(?!\w)"
    rf"|{_TITLE}\s+(?:cơ\s+sở|cơ\s+quan|đơn\s+vị|trường)(?!\w)|{_TITLE}(?=\s+[A-ZĐÀ-Ỹ]))"
)
_CONTINUATION = re.compile(
    r"(?:ban|ngành|thành\s+phố|thị\s+xã|thị\s+trấn|huyện|quận|xã|phường|thành\s+(?:ủy|uỷ)|viện|đơn\s+vị|địa\s+phương"
    r"|đoàn\s+thể|trường\s+học|cơ\s+sở|doanh\s+nghiệp)(?![\w])|[A-ZĐ][A-ZĐ&]{1,}[\w&]*(?![\w])"
)
# The first words of an action: they end a list of parties. Lowercase only: "Ban Chỉ đạo" is a name.
_ACTIONS = (
    "phối hợp",
    "chủ trì",
    "thực hiện",
    "triển khai",
    "tổ chức",
    "quan tâm",
    "làm",
    "theo dõi",
    "tổng hợp",
    "báo cáo",
    "xây dựng",
    "rà soát",
    "chỉ đạo",
    "tiếp tục",
    "tăng cường",
    "hoàn thiện",
    "hoàn thành",
    "tiếp thu",
    "khẩn trương",
    "nghiên cứu",
    "tham mưu",
    "kiểm tra",
    "đôn đốc",
    "thường xuyên",
    "chủ động",
    "phải",
    "cần",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "gửi",
    "nộp",
    "lập",
    "cử",
    "chuẩn bị",
    "vận động",
    "tuyên truyền",
    "đẩy mạnh",
    "nâng cao",
    "giải quyết",
    "giải trình",
    "bảo đảm",
    "đảm bảo",
    "thống kê",
    "đánh giá",
    "cung cấp",
    "lấy ý kiến",
    "lưu ý",
    "nghiêm túc",
    "thông báo",
    "vệ sinh",
    "sắp xếp",
    "chọn",
    "lựa chọn",
    "nắm",
    "tạo điều kiện",
    "quán triệt",
    "phổ biến",
    "hướng dẫn",
    "ban hành",
    "trình",
    "tiến hành",
    "xem xét",
    "phê duyệt",
    "duy tu",
    "trồng",
    "mời",
    "góp ý",
    "cho ý kiến",
    "xử lý",
    "bố trí",
    "thẩm định",
    "hỗ trợ",
    "định kỳ",
    "hàng năm",
    "hằng năm",
    "hàng tháng",
    "hằng tháng",
    "hàng quý",
    "hằng quý",
    "sẽ",
    "kịp thời",
    "dừng",
    "rà",
    "đề xuất",
    "cập nhật",
    "tập trung",
    "phát huy",
    "khắc phục",
    "ngoài",
    "giao",
    "yêu cầu",
    "đề nghị",
    "phân công",
)
_OTHER_STOPS = (
    "theo",
    "có",
    "được",
    "đã",
    "để",
    "nếu",
    "khi",
    "cùng",
    "về",
    "tại",
    "là",
    "nào",
    "với",
    "cho",
    "trước",
    "chậm nhất",
    "đến",
    "từ",
    "bằng",
    "nhằm",
)
_STOP = re.compile(
    r"(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _ACTIONS + _OTHER_STOPS) + r")(?![\w])"
)
# A proper name that holds an action word: "Trung tâm Giáo dục thường xuyên".
_NAME_EXCEPTIONS = re.compile(r"Giáo\s+dục\s+thường\s+xuyên")
# After a subject these are not a duty: the issuer's own acts, or a verb that starts an assignment of its own.
_NOT_SUBJECT_NEXT = ("sẽ", "giao", "yêu cầu", "đề nghị", "phân công", "ban hành")
_VALID_AFTER_SUBJECT = re.compile(
    r"(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _ACTIONS if w not in _NOT_SUBJECT_NEXT) + r"|theo"
    r")(?![\w])|\s*:"
)
VERB = re.compile(
    r"(?<![\w])(giao\s+cho|giao|yêu\s+cầu|đề\s+nghị|phân\s+công\s+cho|phân\s+công)(?![\w])", re.IGNORECASE
)
_INTRO = re.compile(
    r"^(?:Trong\s+quá\s+trình\s+[^,]{0,60},|Nhận\s+được\s+(?:công\s+văn|văn\s+bản|thông\s+báo|kế\s+hoạch)(?:\s+này)?,"
    r"|Trên\s+cơ\s+sở\s+[^,]{0,80},|Sau\s+(?:khi\s+)?[^,]{0,60},|Căn\s+cứ\s+[^,]{0,80},|Để\s+[^,]{0,80},"
    r"|Ngoài\s+[^,]{0,80},|Theo\s+đó,|Đồng\s+thời,|Trước\s+khi\s+[^,]{0,40},)\s*"
)
_COOPERATE = re.compile(r"(?:chủ\s+trì\s*(?:,|và)\s*)?phối\s+hợp\s+(?:chặt\s+chẽ\s+)?với\s+", re.IGNORECASE)


def verb_name(word: str) -> str:
    folded = re.sub(r"\s+", " ", word.lower())
    if folded.startswith(("giao", "phân công")):
        return "Giao"
    return "Yêu cầu" if folded == "yêu cầu" else "Đề nghị"


@dataclass
class Assignment:
    kind: str | None = None  # "verb", "subject" or None (the sentence names no party)
    verb: str = ""
    lead: list[str] = field(default_factory=list)
    cooperating: list[str] = field(default_factory=list)
    action_start: int = 0


def parties_parse(text: str, pos: int) -> tuple[list[str], int]:
    """Names of parties written from ``pos`` on, and where the list ends."""
    names: list[str] = []
    i = pos
    while True:
        while i < len(text) and text[i] == " ":
            i += 1
        match = HEAD.match(text, i)
        if not match:
            break
        name_start = match.start("head")
        j = match.end()
        name_end, j, separator = _scan_name(text, name_start, j)
        names.append(text[name_start:name_end].strip())
        # Continuations across a separator ("các sở, ban, ngành"), then the next party or the end of the list.
        while separator == ",":
            k = j
            while k < len(text) and text[k] == " ":
                k += 1
            cont = _CONTINUATION.match(text, k)
            if cont and not HEAD.match(text, k):
                name_end, j, separator = _scan_name(text, name_start, cont.end())
                names[-1] = text[name_start:name_end].strip()
                continue
            break
        if separator in (",", ";", "và", "hoặc"):
            k = j
            while k < len(text) and text[k] == " ":
                k += 1
            if HEAD.match(text, k):
                i = k
                continue
            return names, name_end
        return names, name_end
    return names, i


def _scan_name(text: str, name_start: int, j: int) -> tuple[int, int, str]:
    """From ``j`` inside a name, find where it ends: (end of name, position after the separator, separator)."""
    words = 0
    while j < len(text):
        while j < len(text) and text[j] == " ":
            j += 1
        if j >= len(text):
            return len(text), j, ""
        ch = text[j]
        # "Ban chỉ đạo phòng, chống dịch": the comma of this fixed phrase does not end the name.
        if text.startswith("phòng, chống", j):
            j += len("phòng, chống")
            words += 2
            continue
        # "các đơn vị và phòng ban được phân công": who is meant, not what they do.
        if qualifier := re.match(r"được\s+(?:phân\s+công|giao)(?![\w])", text[j:]):
            j += qualifier.end()
            words += 1
            continue
        if ch in ",;":
            return j, j + 1, ch
        if ch in '.:()"“”' or (ch in "-–" and text[j : j + 2] in ("- ", "– ") and words == 0):
            return j, j, ""
        # The word after "Ban", "Tổ", "Hội đồng" names what the body does: "Ban kiểm tra", "Tổ công tác".
        names_its_task = re.search(r"(?<![\w])(?:Ban|Tổ|Hội\s+đồng)$", text[name_start:j].rstrip())
        if not names_its_task and _STOP.match(text, j) and not _NAME_EXCEPTIONS.match(text, max(name_start, j - 9)):
            return j, j, ""
        for joiner in ("và", "hoặc"):
            if text.startswith(joiner + " ", j) and HEAD.match(text, j + len(joiner) + 1):
                return j, j + len(joiner) + 1, joiner
        end = j
        while end < len(text) and not text[end].isspace() and text[end] not in ",;:()":
            end += 1
        if text[end - 1 : end] == "." and end < len(text) and text[end].isspace():
            return end - 1, end - 1, ""
        j = end
        words += 1
        if words > 14:
            return j, j, ""
    return len(text), j, ""


def _after_list(text: str, end: int) -> str:
    return text[end:].lstrip(" ,")


def assignment_find(clause: str) -> Assignment:
    """The assignment a clause makes, if any."""
    found_verb = ""
    for match in VERB.finditer(clause):
        before = clause[max(0, match.start() - 7) : match.start()].lower()
        after = clause[match.end() :]
        if re.match(r"\s+của\b", after) or re.search(r"(?:được|theo|xét)\s+$", before):
            continue
        found_verb = found_verb or verb_name(match.group(1))
        start = match.end()
        while start < len(clause) and clause[start] == " ":
            start += 1
        names, end = parties_parse(clause, start)
        if names:
            assignment = Assignment(kind="verb", verb=verb_name(match.group(1)), lead=names, action_start=end)
            assignment.cooperating = _cooperating(clause, end)
            return assignment
    for start in _subject_positions(clause):
        names, end = parties_parse(clause, start)
        if names and _VALID_AFTER_SUBJECT.match(_after_list(clause, end)):
            if VERB.match(_after_list(clause, end)):
                continue  # the issuer is the subject ("Ủy ban nhân dân tỉnh yêu cầu:"), handled above
            assignment = Assignment(kind="subject", verb=found_verb, lead=names, action_start=end)
            assignment.cooperating = _cooperating(clause, end)
            return assignment
    assignment = Assignment(verb=found_verb)
    assignment.cooperating = _cooperating(clause, 0)
    return assignment


_TIME_WORDS = ("định kỳ", "hàng năm", "hằng năm", "hàng tháng", "hằng tháng", "hàng quý", "hằng quý")
_ACTION_ANY_CASE = re.compile(
    r"(?<![\w])(?:"
    + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in _ACTIONS if w not in _TIME_WORDS)
    + r")(?![\w])",
    re.IGNORECASE,
)
_CONDITION = re.compile(r"^(?:[Cc]ác|[Nn]hững)\s+\S+(?:\s+\S+)?\s+(?:có|nào|chưa|không)\b")


def _subject_positions(clause: str) -> list[int]:
    """Where a subject may start: the clause's start, after an introductory phrase, or after a comma that closes
    a phrase with no action of its own ("Các đơn vị có nhu cầu cung cấp cây giống, trưởng các đơn vị lập …")."""
    positions = [0]
    if intro := _INTRO.match(clause):
        positions.append(intro.end())
    for match in list(re.finditer(r",\s*", clause[:120]))[:3]:
        prefix = clause[: match.start()]
        # "Tạo điều kiện … để Ủy ban MTTQ, các tổ chức … thực hiện": the parties after "để" are not the subject.
        if _CONDITION.match(prefix) or not (
            _ACTION_ANY_CASE.search(prefix) or re.search(r"(?<![\w])để(?![\w])", prefix)
        ):
            if match.end() not in positions:
                positions.append(match.end())
    return positions


def _cooperating(clause: str, lead_end: int) -> list[str]:
    """Parties after "phối hợp với", when it is the lead's own co-operation, not another party's."""
    for match in _COOPERATE.finditer(clause, lead_end):
        between = clause[lead_end : match.start()]
        # "…báo cáo Ủy ban nhân dân tỉnh phối hợp với…": another party co-operates, not the lead.
        if HEAD.search(between) and not re.fullmatch(r"[\s,]*", between):
            tail = between.rstrip(" ,")
            if re.search(r"(?:" + _BODY + r"|" + _TITLE + r")[^,;]*$", tail):
                continue
        names, _end = parties_parse(clause, match.end())
        if names:
            return names
    return []
