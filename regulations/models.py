"""The legal sources: parties (cơ quan, tổ chức), regulations, documents and meetings."""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import abbreviation, is_acronym, nfc, search_key

# Unique numbers apply once a number is given: a draft's "/TB-UBND" (number left blank) never clashes.
NUMBERED = ~Q(number_symbol="") & ~Q(number_symbol__startswith="/")


def is_numbered(number_symbol: str) -> bool:
    """The same rule as NUMBERED for one value: "" and "/TB-UBND" have no number yet."""
    return bool(number_symbol) and not number_symbol.startswith("/")


def private_upload_to(instance, filename: str) -> str:
    """A safe stored name: a random one under the model's folder, keeping only a known-safe suffix."""
    suffix = PurePath(filename).suffix.lower()
    if not suffix.isascii() or not suffix[1:].isalnum() or len(suffix) > 6:
        suffix = ""
    return f"{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


class SearchableModel(models.Model):
    """Keeps text in NFC and a folded copy for searches that ignore diacritics and case."""

    search_text = models.TextField(editable=False, default="")
    search_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalize_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def normalize_text(self) -> None:
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, nfc(value))
        self.search_text = search_key(" ".join(str(getattr(self, f) or "") for f in self.search_fields))


class PartyQuerySet(models.QuerySet):
    def in_subtree_of(self, parties):
        """Parties at or below any of the given ones (the jurisdiction tree, via the stored path)."""
        condition = Q(pk__in=[])
        for party in parties:
            condition |= Q(path__startswith=party.path)
        return self.filter(condition)

    def valid_on(self, day: datetime.date):
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Party(SearchableModel):
    """A body or organisation (cơ quan, tổ chức). Parties form the tree of a jurisdiction."""

    class Kind(models.TextChoices):
        STATE = "state", _("Cơ quan nhà nước")
        FRONT = "front", _("Mặt trận Tổ quốc")
        SOCIO_POLITICAL = "socio_political", _("Tổ chức chính trị - xã hội")
        PARTY_COMMITTEE = "party_committee", _("Cấp ủy Đảng")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Cấp tỉnh")
        DISTRICT = "district", _("Cấp huyện")
        COMMUNE = "commune", _("Cấp xã")

    code = models.SlugField(_("mã"), max_length=64, unique=True)
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("cấp hành chính"), max_length=10, choices=Level.choices)
    # The territory (địa bàn): province → commune (→ district before 07/2025). A body belongs to the territory
    # of its People's Committee; that is not subordination (the Front and the organisations are not under the
    # People's Committee). The jurisdiction subtree, and so who sees what, follows this tree.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Cấp chính quyền có địa bàn mà cơ quan, tổ chức hoạt động (UBND tỉnh, UBND xã)."),
    )
    # The organisational relation, only where the sources give it: a department under the People's
    # Committee, a commune's organisation under the province's. Never the Front under the People's Committee.
    superior = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        help_text=_(
            "Cơ quan cấp trên về tổ chức, nếu văn bản nêu (sở trực thuộc UBND tỉnh). Mặt trận và các tổ chức "
            "chính trị - xã hội không trực thuộc UBND."
        ),
    )
    # "/12/40/": the ids from the root down to this party, so a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_jurisdiction = models.BooleanField(
        _("là cấp chính quyền"),
        default=False,
        help_text=_("UBND tỉnh/huyện: người theo dõi của cơ quan thuộc cấp này thấy toàn bộ cây bên dưới."),
    )
    focal_agency = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan đầu mối"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Sở Nội vụ / Phòng Nội vụ theo dõi, tổng hợp cho cấp chính quyền này."),
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    is_illustrative = models.BooleanField(
        _("dữ liệu minh họa"), default=False, help_text=_("Đơn vị do bản demo tự đặt ra, không có trong văn bản nguồn.")
    )

    search_fields = ("name", "short_name", "code")
    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="party_valid_to_after_from",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("id")),
                name="party_not_own_successor",
                violation_error_message=_("Một cơ quan không thể là đơn vị kế thừa của chính nó."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._refresh_path()

    def get_absolute_url(self):
        return reverse("obligations:party_detail", args=[self.pk])

    def normalize_text(self) -> None:
        super().normalize_text()
        if self.pk:
            # A body is still found by the names it had (aliases), in search and in document extraction.
            former = PartyName.objects.filter(party_id=self.pk).values_list("name", "short_name")
            extra = " ".join(f"{name} {short}" for name, short in former)
            if extra:
                self.search_text = f"{self.search_text} {search_key(extra)}"

    def name_on(self, day: datetime.date | None) -> str:
        """The name the body bore on a day (history keeps the names of its time)."""
        if day is not None:
            for former in self.former_names.all():
                if day <= former.used_until:
                    return former.name
        return self.name

    @property
    def territory_name(self) -> str:
        """ "tỉnh Quảng Ngãi" for the People's Committee of the territory, from its name."""
        jurisdiction = self if self.is_jurisdiction else self.parent
        if jurisdiction is None:
            return ""
        name = jurisdiction.name
        for prefix in ("Ủy ban nhân dân ", "UBND "):
            if name.startswith(prefix):
                return name[len(prefix) :]
        return name

    def clean(self):
        super().clean()
        if self.pk and self.parent_id:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("Không thể đặt một cơ quan trực thuộc chính cấp dưới của nó.")})
                ancestor = ancestor.parent
        if self.successor_id and not self.valid_to:
            raise ValidationError({"valid_to": _("Cần ghi ngày hết hiệu lực khi đã có đơn vị kế thừa.")})

    def _refresh_path(self) -> None:
        parent_path = Party.objects.values_list("path", flat=True).get(pk=self.parent_id) if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk}/"
        old_path = self.path
        if new_path == old_path:
            return
        if old_path:
            # Re-root the whole subtree in one statement: the descendants keep their tail.
            Party.objects.filter(path__startswith=old_path).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
            )
        else:
            Party.objects.filter(pk=self.pk).update(path=new_path)
        self.path = new_path

    @property
    def abbreviation(self) -> str:
        """The body's abbreviation in symbols and in the "Lưu:" line of what it issues ("SNV", "HND",
        "UBMTTQVN"): the short name's when that starts with one ("HND Quảng Ngãi"), else the initials of the
        name without its territory ("Sở Nội vụ tỉnh Quảng Ngãi" -> "SNV")."""
        first = (self.short_name or "").split(maxsplit=1)[:1]
        if first and is_acronym(first[0]):
            return first[0]
        return abbreviation(self.name) or self.short_name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def jurisdiction(self) -> "Party":
        """The nearest People's Committee at or above this party (itself when it is one)."""
        if self.is_jurisdiction:
            return self
        ancestors = {p.pk: p for p in Party.objects.filter(pk__in=self.ancestor_ids)}
        for pk in reversed(self.ancestor_ids):
            if ancestors[pk].is_jurisdiction:
                return ancestors[pk]
        return self

    def succession(self) -> list["Party"]:
        """This party, then its successor, its successor's successor…: who holds its duties over time."""
        chain, party, seen = [self], self, {self.pk}
        while party.successor is not None and party.successor_id not in seen:
            party = party.successor
            seen.add(party.pk)
            chain.append(party)
        return chain

    def handed_to(self) -> list[tuple["Party", datetime.date]]:
        """The successors down the chain, each with the first day it holds the duties."""
        steps = []
        for previous, party in zip(self.succession(), self.succession()[1:], strict=False):
            if previous.valid_to is not None:
                steps.append((party, previous.valid_to + datetime.timedelta(days=1)))
        return steps

    def holder_on(self, day: datetime.date) -> "Party | None":
        """Who holds this party's duties on a day: itself while valid, else its successor chain."""
        party: Party | None = self
        seen: set[int] = set()
        while party is not None and party.pk not in seen:
            if party.is_valid_on(day):
                return party
            if party.valid_to is not None and day > party.valid_to:
                seen.add(party.pk)
                party = party.successor
            else:
                return None  # not yet in existence on that day
        return None


class PartyName(models.Model):
    """A name a body bore until a rename (alias): history shows it, search still finds it."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField(_("tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    used_until = models.DateField(_("dùng đến ngày"))
    reorganisation = models.ForeignKey(
        "Reorganisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tên gọi trước đây")
        verbose_name_plural = _("tên gọi trước đây")
        ordering = ["used_until"]

    def __str__(self):
        return self.name


class Reorganisation(models.Model):
    """A recorded decision that merges, splits, renames, moves or ends parties from an effective date.

    Recorded by `obligations.reorganisations.reorganisation_record` (the only path that changes validity,
    successor, name or territory of a party), applied on its effective date, undone until then."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển địa bàn")
        END = "end", _("Chấm dứt hoạt động")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Chờ đến ngày hiệu lực")
        APPLIED = "applied", _("Đã thực hiện")
        UNDONE = "undone", _("Đã hủy")

    kind = models.CharField(_("loại thay đổi"), max_length=10, choices=Kind.choices)
    number_symbol = models.CharField(_("số, ký hiệu văn bản"), max_length=100)
    decided_on = models.DateField(_("ngày ban hành"))
    effective_on = models.DateField(_("ngày có hiệu lực"))
    issuer_name = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    summary = models.TextField(_("trích yếu"), blank=True)
    jurisdiction = models.ForeignKey(
        Party, verbose_name=_("cấp chính quyền"), on_delete=models.PROTECT, related_name="reorganisations"
    )
    parties = models.ManyToManyField(Party, verbose_name=_("cơ quan, tổ chức liên quan"), related_name="+")
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.SCHEDULED)
    # What the user asked for (kind-specific: sources, target, new party, names, parent, assignments)…
    plan = models.JSONField(default=dict)
    # …and what applying it changed, so the record tells the story and undo knows what to restore.
    result = models.JSONField(default=dict, blank=True)
    source_note = models.TextField(_("nguồn, ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sắp xếp tổ chức")
        verbose_name_plural = _("sắp xếp tổ chức")
        ordering = ["-effective_on", "-pk"]
        indexes = [models.Index(fields=["state", "effective_on"], name="reorganisation_due_idx")]

    def __str__(self):
        return f"{self.number_symbol} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("obligations:reorganisation_detail", args=[self.pk])

    @property
    def ends_on(self) -> datetime.date:
        """The last day of the old structure."""
        return self.effective_on - datetime.timedelta(days=1)

    @property
    def can_undo(self) -> bool:
        return self.state == self.State.SCHEDULED


class Membership(models.Model):
    """A user works for a party in one of the five roles of the design brief."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Quản trị hệ thống")
        OFFICE = "office", _("Văn phòng UBND")
        FOCAL = "focal", _("Cơ quan đầu mối")
        REPORTER = "reporter", _("Đơn vị báo cáo")
        LEADER = "leader", _("Lãnh đạo")

    OVERSIGHT_ROLES = (Role.ADMIN, Role.OFFICE, Role.FOCAL, Role.LEADER)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    party = models.ForeignKey(Party, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    is_head = models.BooleanField(_("là thủ trưởng"), default=False)

    class Meta:
        verbose_name = _("thành viên cơ quan")
        verbose_name_plural = _("thành viên cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "party", "role"],
                name="membership_unique",
                violation_error_message=_("Người dùng đã có vai trò này tại cơ quan này."),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.party.short_name} · {self.get_role_display()}"

    @property
    def is_oversight(self) -> bool:
        return self.role in self.OVERSIGHT_ROLES


class Regulation(SearchableModel):
    """A coordination regulation (quy chế phối hợp) between a People's Committee and the Front or
    the socio-political organisations, for a term."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        IN_FORCE = "in_force", _("Đang hiệu lực")
        EXPIRED = "expired", _("Hết hiệu lực")
        REPLACED = "replaced", _("Đã được thay thế")

    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500)
    issuer = models.ForeignKey(
        Party, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="issued_regulations"
    )
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    term_start = models.PositiveSmallIntegerField(_("giai đoạn từ năm"))
    term_end = models.PositiveSmallIntegerField(_("giai đoạn đến năm"))
    signatories = models.ManyToManyField(Party, verbose_name=_("các bên ký kết"), related_name="signed_regulations")
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("thay thế quy chế"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.IN_FORCE)
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False, editable=False)
    signed_file = models.FileField(_("bản ký (scan)"), upload_to=private_upload_to, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    search_fields = ("number_symbol", "title")

    class Meta:
        verbose_name = _("quy chế phối hợp")
        verbose_name_plural = _("quy chế phối hợp")
        ordering = ["-term_start", "number_symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number_symbol"],
                condition=NUMBERED,
                name="regulation_number_unique_per_issuer",
                violation_error_message=_("Cơ quan này đã có một quy chế mang số, ký hiệu này."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__gte=F("term_start")),
                name="regulation_term_ordered",
                violation_error_message=_("Năm kết thúc giai đoạn không được trước năm bắt đầu."),
            ),
        ]

    def __str__(self):
        return self.number_symbol or self.title

    def get_absolute_url(self):
        return reverse("obligations:regulation_detail", args=[self.pk])

    @property
    def term_label(self) -> str:
        return f"{self.term_start} - {self.term_end}"


class AddressedMixin:
    """The Kính gửi and Nơi nhận blocks of an administrative document, one name per non-blank line."""

    addressees: str
    distribution: str

    @property
    def addressee_lines(self) -> list[str]:
        return [line for line in self.addressees.splitlines() if line.strip()]

    @property
    def distribution_lines(self) -> list[str]:
        return [line for line in self.distribution.splitlines() if line.strip()]


class Document(AddressedMixin, SearchableModel):
    """An administrative document (văn bản): a directive, a notice of conclusions, a plan or a report."""

    class Kind(models.TextChoices):
        DIRECTIVE = "directive", _("Công văn")
        CONCLUSION_NOTICE = "conclusion_notice", _("Thông báo kết luận")
        PLAN = "plan", _("Kế hoạch")
        REPORT = "report", _("Báo cáo")

    class Authority(models.TextChoices):
        DIRECT = "", _("Ký trực tiếp")
        TM = "TM", _("TM. (thay mặt)")
        KT = "KT", _("KT. (ký thay)")
        TL = "TL", _("TL. (thừa lệnh)")

    kind = models.CharField(_("loại văn bản"), max_length=20, choices=Kind.choices)
    number_symbol = models.CharField(
        _("số, ký hiệu"), max_length=100, blank=True, help_text=_("Để trống khi văn bản còn là dự thảo.")
    )
    issuer = models.ForeignKey(
        Party, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="issued_documents"
    )
    place = models.CharField(_("địa danh"), max_length=100)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    date_text = models.CharField(
        _("ngày tháng như ghi trên văn bản"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: “ngày … tháng 02 năm 2023” khi ngày còn để trống."),
    )
    is_draft = models.BooleanField(_("dự thảo"), default=False)
    is_illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False, editable=False)
    title = models.CharField(_("tên loại"), max_length=200, blank=True, help_text=_("Ví dụ: THÔNG BÁO"))
    subject = models.TextField(_("trích yếu (V/v)"))
    addressees = models.TextField(_("kính gửi"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    body = models.TextField(_("nội dung"), blank=True)
    distribution = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận."))
    signing_authority = models.CharField(
        _("thẩm quyền ký"), max_length=2, choices=Authority.choices, blank=True, default=Authority.DIRECT
    )
    signing_block = models.TextField(
        _("khối chữ ký"), blank=True, help_text=_("Như trên văn bản, ví dụ: TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=100, blank=True)
    regulations = models.ManyToManyField(
        Regulation, verbose_name=_("quy chế liên quan"), blank=True, related_name="documents"
    )
    file = models.FileField(_("tệp văn bản"), upload_to=private_upload_to, blank=True)

    search_fields = ("number_symbol", "title", "subject", "signer_name")

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "number_symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number_symbol"],
                condition=NUMBERED,
                name="document_number_unique_per_issuer",
                violation_error_message=_("Cơ quan này đã có một văn bản mang số, ký hiệu này."),
            ),
        ]

    def __str__(self):
        return self.number_symbol or f"{self.get_kind_display()} ({_('dự thảo')})"

    def get_absolute_url(self):
        return reverse("regulations:document_detail", args=[self.pk])


class DocumentItem(models.Model):
    """A numbered requirement of a document: the source of an obligation."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    label = models.CharField(_("mục"), max_length=30, help_text=_("Ví dụ: 1, 2, đoạn kết"))
    text = models.TextField(_("nội dung"))

    class Meta:
        verbose_name = _("mục của văn bản")
        verbose_name_plural = _("mục của văn bản")
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "order"], name="document_item_unique_order")]

    def __str__(self):
        return f"{self.document} — {_('mục')} {self.label}"

    def save(self, *args, **kwargs):
        self.text, self.label = nfc(self.text), nfc(self.label)
        super().save(*args, **kwargs)


class Meeting(SearchableModel):
    """A conference, briefing, preliminary or final review (hội nghị, giao ban, sơ kết, tổng kết)."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Hội nghị")
        BRIEFING = "briefing", _("Buổi giao ban, làm việc")
        INTERIM_REVIEW = "interim_review", _("Sơ kết")
        FINAL_REVIEW = "final_review", _("Tổng kết")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("tên"), max_length=500)
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    host = models.ForeignKey(
        Party, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="meetings"
    )
    chair_name = models.CharField(_("người chủ trì"), max_length=100, blank=True)
    chair_title = models.CharField(_("chức vụ người chủ trì"), max_length=200, blank=True)
    reviewed_period = models.CharField(_("kỳ được đánh giá"), max_length=100, blank=True)
    reviewed_year = models.PositiveSmallIntegerField(_("năm được đánh giá"), null=True, blank=True)
    results = models.TextField(_("kết quả đạt được"), blank=True)
    limitations = models.TextField(_("tồn tại, hạn chế"), blank=True)
    notice = models.ForeignKey(
        Document,
        verbose_name=_("thông báo kết luận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )

    search_fields = ("title", "chair_name", "reviewed_period")

    class Meta:
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("cuộc họp")
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("regulations:meeting_detail", args=[self.pk])


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("họ tên"), max_length=200, blank=True)
    position = models.CharField(_("chức vụ"), max_length=300)
    party = models.ForeignKey(Party, verbose_name=_("cơ quan"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("thành phần dự họp")
        verbose_name_plural = _("thành phần dự họp")
        ordering = ["meeting", "order"]

    def __str__(self):
        return f"{self.name} - {self.position}" if self.name else self.position


class MeetingIndicator(models.Model):
    """A figure recorded at a meeting: "17/17 chỉ tiêu đạt và vượt", "tăng 14,6%"."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    label = models.CharField(_("chỉ tiêu"), max_length=300)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)
    total = models.DecimalField(_("trên tổng số"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("đơn vị"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu, số liệu")
        verbose_name_plural = _("chỉ tiêu, số liệu")
        ordering = ["meeting", "order"]

    def __str__(self):
        return self.label


class Conclusion(models.Model):
    """A numbered conclusion of a meeting; it can be the source of obligations."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="conclusions")
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    text = models.TextField(_("nội dung kết luận"))

    class Meta:
        verbose_name = _("kết luận")
        verbose_name_plural = _("kết luận")
        ordering = ["meeting", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="conclusion_unique_number")]

    def __str__(self):
        return f"{_('Kết luận')} {self.number} — {self.meeting.title[:60]}"

    def save(self, *args, **kwargs):
        self.text = nfc(self.text)
        super().save(*args, **kwargs)


class SourceEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the trail of the sources is append-only")

    def delete(self):
        raise PermissionError("the trail of the sources is append-only")


class SourceEvent(models.Model):
    """One line of a source's trail (a regulation, a document, a meeting): who created or changed it, when,
    and what changed. Append-only: nothing in the app edits or deletes it, and it outlives its source."""

    class Action(models.TextChoices):
        CREATED = "created", _("Tạo mới")
        CHANGED = "changed", _("Sửa")
        AMENDED = "amended", _("Sửa đổi sau khi đã giao nhiệm vụ")
        APPLIED = "applied", _("Thực hiện sắp xếp tổ chức")
        UNDONE = "undone", _("Hủy quyết định sắp xếp")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    message = models.TextField(blank=True)
    # {field: [old, new]} as a reader sees them (dates dd/mm/yyyy, names, labels); rows of an inline list
    # under "items:<id>", "attendees:<id>", "conclusions:<id>".
    changes = models.JSONField(default=dict, blank=True)

    objects = SourceEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký sửa đổi nguồn")
        verbose_name_plural = _("nhật ký sửa đổi nguồn")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="source_event_of_source")]

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("the trail of the sources is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the trail of the sources is append-only")
