"""Parties as a document names them: a comparison key that needs no database, and the match to Party codes.

A document rarely names a party by its registered name. It writes a group ("các sở, ban, ngành", "các tổ
chức chính trị - xã hội tỉnh"), an abbreviation ("UBMTTQ", "HLHPN"), or the head of a body ("Thủ trưởng các
sở", "Chủ tịch UBND các huyện"), which for an obligation means the body itself. ``party_key`` folds a name to
one of the group keys below or to its folded name without title and level words; ``parties_match`` turns a key
into the codes of the jurisdiction's parties.
"""

import datetime
import re

from regulations.text import search_key

FRONT = "@front"
SOCIO = "@socio_political"
COMMITTEES = "@party_committees"
DISTRICT_UBND = "@district_people_committees"
DEPARTMENTS = "@departments"
BODIES = "@bodies"
UNITS = "@units"
PEOPLE_COMMITTEE = "@people_committee"
FOCAL = "@focal_agency"

# Heads of a body stand for the body: the duty is the body's.
_TITLES = re.compile(
    r"^(?:ong \(ba\) |ong/ba |ong, ba |dong chi |cac dong chi )?"
    r"(?:thu truong|pho chu tich|chu tich|pho giam doc|giam doc|hieu truong|truong|nguoi dung dau)\s+"
)
_LEVELS = r"(?:tinh|huyen|xa|thanh pho|quan|thi xa|phuong|thi tran)"
_ABBREVIATIONS = {
    "hccb": "hoi cuu chien binh",
    "ldld": "lien doan lao dong",
    "hlhpn": "hoi lien hiep phu nu",
    "hnd": "hoi nong dan",
    "snv": "so noi vu",
    "pnv": "phong noi vu",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "ubmttq": "uy ban mat tran to quoc",
    "mttq": "mat tran to quoc",
    "ctxh": "chinh tri - xa hoi",
    "ct-xh": "chinh tri - xa hoi",
    "qlnn": "quan ly nha nuoc",
}
_GROUPS = [
    (FRONT, re.compile(r"^(?:ban thuong truc )?(?:uy ban )?mat tran to quoc\b|^uy ban mat tran\b")),
    (SOCIO, re.compile(r"^(?:to chuc|doan the)(?: doan the)? chinh tri ?- ?xa hoi\b|^doan the(?: [a-z]+)?$")),
    (
        COMMITTEES,
        re.compile(r"^(?:huyen|huyen uy|quan|thi)(?:, (?:thi|thanh|quan|huyen)(?: uy)?)*, thanh uy\b|^cap uy\b"),
    ),
    (DISTRICT_UBND, re.compile(r"^uy ban nhan dan cac (?:huyen|quan|thi xa|thanh pho)\b")),
    (DEPARTMENTS, re.compile(r"^so, (?:ban, )?nganh\b|^so ban nganh\b|^so, ban\b|^so$|^phong, ban\b")),
    (BODIES, re.compile(r"^co quan, don vi\b|^co quan, to chuc, don vi\b|^co quan$")),
    (UNITS, re.compile(r"^don vi(?: truc thuoc)?$")),
    # The People's Committee answers for its own specialised offices; a document that speaks of "các cơ quan
    # quản lý nhà nước huyện" or "các phòng chuyên môn" addresses the administration as a whole.
    (
        PEOPLE_COMMITTEE,
        re.compile(
            r"^uy ban nhan dan(?: " + _LEVELS + r")?$|^co quan quan ly nha nuoc\b"
            r"|^(?:phong|co quan) chuyen mon\b"
        ),
    ),
    (FOCAL, re.compile(r"^(?:so|phong) noi vu\b")),
]


def _fold(name: str) -> str:
    folded = search_key(name)
    folded = re.sub(r"\s*&\s*", " & ", folded)
    words = [_ABBREVIATIONS.get(word, word) for word in folded.replace(",", " , ").split()]
    return re.sub(r" , ", ", ", " ".join(words)).strip(" ,.;:")


def name_level(name: str) -> str | None:
    """The administrative level a name ends with ("… tỉnh", "… huyện"), if any."""
    folded = search_key(name)
    match = re.search(r"\b(tinh|huyen|xa)$", folded)
    return {"tinh": "province", "huyen": "district", "xa": "commune"}[match.group(1)] if match else None


def party_key(name: str) -> str:
    """A key that two writings of the same party share: a group key (``@…``) or the bare folded name."""
    folded = _TITLES.sub("", _fold(name))
    folded = re.sub(r"^cac ", "", folded)
    # "… tỉnh", "… huyện", "… cùng cấp" say where, not who.
    folded = re.sub(r"\s+(?:" + _LEVELS + r"|cung cap)$", "", folded)
    for key, pattern in _GROUPS:
        if pattern.search(folded):
            return key
    return folded


def jurisdiction_parties(*, jurisdiction, on: datetime.date | None = None) -> list:
    """The parties a document of the jurisdiction can name, in tree order: read once per document."""
    from regulations.models import Party

    subtree = Party.objects.in_subtree_of([jurisdiction])
    if on is not None and subtree.valid_on(on).exists():
        # A party valid on the document's date is preferred: history stays readable after a merger.
        subtree = subtree.valid_on(on)
    return list(subtree.order_by("path").prefetch_related("former_names"))


def parties_match(
    *, names: list[str], jurisdiction, on: datetime.date | None = None, parties: list | None = None
) -> list[str]:
    """The codes of the jurisdiction's parties that the names denote, in tree order. `parties` is
    `jurisdiction_parties(...)` when the caller matches many lists of names against one document."""
    if parties is None:
        parties = jurisdiction_parties(jurisdiction=jurisdiction, on=on)
    codes: dict[str, str] = {}
    for name in names:
        for party in _parties_for(name, parties, jurisdiction):
            codes.setdefault(party.code, party.path)
    return sorted(codes, key=lambda code: codes[code])


def _parties_for(name: str, parties: list, jurisdiction) -> list:
    from regulations.models import Party

    key = party_key(name)
    level = name_level(name) or jurisdiction.level
    same_level = [p for p in parties if p.level == level and p.pk != jurisdiction.pk]
    below = [p for p in parties if p.pk != jurisdiction.pk]

    def departments():
        return [
            p
            for p in same_level
            if p.kind == Party.Kind.STATE
            and not p.is_jurisdiction
            # The People's Council is the elected body the administration answers to, not one of its offices.
            and not search_key(p.name).startswith("hoi dong nhan dan")
        ]

    if key == FRONT:
        return [p for p in same_level if p.kind == Party.Kind.FRONT]
    if key == SOCIO:
        return [p for p in same_level if p.kind == Party.Kind.SOCIO_POLITICAL]
    if key == COMMITTEES:
        return [p for p in below if p.kind == Party.Kind.PARTY_COMMITTEE]
    if key == DISTRICT_UBND:
        return [p for p in below if p.kind == Party.Kind.STATE and p.is_jurisdiction and p.level == "district"]
    if key == DEPARTMENTS:
        return departments()
    if key == BODIES:
        return departments() + [p for p in same_level if p.kind in (Party.Kind.FRONT, Party.Kind.SOCIO_POLITICAL)]
    if key == PEOPLE_COMMITTEE:
        return [jurisdiction] if level == jurisdiction.level else []
    if key == FOCAL:
        if jurisdiction.focal_agency_id:
            return [p for p in parties if p.pk == jurisdiction.focal_agency_id]
    if key.startswith("@"):
        return []
    return [p for p in below if _name_matches(key, p)]


def _names_of(party) -> list[str]:
    """The names a document may use for the body: today's and those it bore before a rename (aliases)."""
    names = [party.name, party.short_name]
    former = getattr(party, "former_names", None)
    if former is not None and hasattr(former, "all"):
        for alias in former.all():
            names += [alias.name, alias.short_name]
    return [name for name in names if name]


def _name_matches(key: str, party) -> bool:
    for written in _names_of(party):
        folded = _fold(written)
        # The registered name carries the place ("Hội Nông dân tỉnh Kon Tum"); the document seldom does.
        bare = re.sub(r"\s+" + _LEVELS + r"\b.*$", "", folded)
        if key in (folded, bare) or (len(key) > 6 and folded.startswith(key)):
            return True
    return False
