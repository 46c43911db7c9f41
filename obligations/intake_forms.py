"""Forms of the intake (text → review → confirm) and of one obligation entered or corrected by hand."""

import datetime
from pathlib import PurePath
from typing import cast

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from regulations.forms import empty_choice
from regulations.models import Document, Party

from .extraction import DEFAULT_MAX_BYTES
from .intake import OBLIGATION_FIELDS, PARTY_FIELDS, duplicate_message, number_taken, wording_last_day
from .models import Obligation
from .uploads import safe_display_name

INTAKE_SUFFIXES = {
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"},
    "pdf": {"application/pdf"},
    "txt": set(),  # plain text has no signature: the engine refuses anything that is not UTF-8
}
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def intake_max_bytes() -> int:
    return int(getattr(settings, "INTAKE_MAX_BYTES", DEFAULT_MAX_BYTES))


def _date_widget() -> forms.DateInput:
    """dd/mm/yyyy typed as text: a browser's own date picker shows the order of its interface language
    (mm/dd/yyyy in an English browser), which misleads on 12/01 against 01/12."""
    return forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")


def _vietnamese_blanks(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        empty_choice(field)


def check_intake_upload(upload) -> str:
    """Refuse a file that is too large, not a .docx/.pdf/.txt, or whose bytes are not what its name says;
    returns its suffix."""
    name = safe_display_name(upload.name)
    limit = intake_max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (%(size).1f MB); chỉ nhận tệp đến %(limit).0f MB."),
            code="too_large",
            params={"name": name, "size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024},
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp rỗng, không có nội dung."), code="empty")
    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in INTAKE_SUFFIXES:
        raise ValidationError(
            _(
                "Chỉ nhận tệp Word (.docx), PDF có lớp chữ (.pdf) hoặc văn bản (.txt); "
                "“%(name)s” không thuộc các loại này."
            ),
            code="bad_type",
            params={"name": name},
        )
    if INTAKE_SUFFIXES[suffix]:
        upload.seek(0)
        kind = filetype.guess(upload.read(min(upload.size, 2 * 1024 * 1024)))
        upload.seek(0)
        if kind is None or kind.mime not in INTAKE_SUFFIXES[suffix]:
            raise ValidationError(
                _("Nội dung tệp “%(name)s” không phải là tệp .%(suffix)s thật (có thể tệp đã bị đổi tên)."),
                code="content_mismatch",
                params={"name": name, "suffix": suffix},
            )
    return suffix


class IntakeForm(forms.Form):
    # No empty choice: the page always posts a jurisdiction, which the view fetches through its getter.
    jurisdiction = forms.ModelChoiceField(
        label=_("Cấp chính quyền ban hành"), queryset=Party.objects.none(), empty_label=None
    )
    text = forms.CharField(
        label=_("Toàn văn văn bản"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_("Dán toàn văn công văn, thông báo kết luận hoặc kế hoạch, từ phần đầu đến “Nơi nhận”."),
    )
    upload = forms.FileField(
        label=_("Hoặc tải tệp lên"),
        required=False,
        help_text=_("Tệp .docx, .pdf có lớp chữ (không phải bản quét) hoặc .txt."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.txt"}),
    )

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["jurisdiction"]).queryset = jurisdictions

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.upload_suffix = check_intake_upload(upload)
        return upload

    def clean(self):
        data = super().clean() or {}
        if "upload" not in self.errors and not data.get("upload") and not (data.get("text") or "").strip():
            raise ValidationError(
                {"text": _("Chưa có nội dung văn bản: hãy dán toàn văn hoặc tải tệp lên.")}, code="empty"
            )
        return data


class DocumentForm(forms.ModelForm):
    """The document's fields as the engine read them, for the clerk to correct."""

    issued_on = forms.DateField(
        label=_("Ngày ban hành"), required=False, input_formats=DATE_FORMATS, widget=_date_widget()
    )

    class Meta:
        model = Document
        fields = [
            "kind",
            "number_symbol",
            "issuer",
            "place",
            "issued_on",
            "date_text",
            "subject",
            "signing_authority",
            "signer_name",
            "signer_title",
            "regulations",
        ]
        widgets = {
            "subject": forms.Textarea(attrs={"rows": 2}),
            "regulations": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        }

    def __init__(self, *args, parties, regulations, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["issuer"]).queryset = parties
        cast(forms.ModelMultipleChoiceField, self.fields["regulations"]).queryset = regulations
        _vietnamese_blanks(self)
        self.fields["number_symbol"].help_text = _("Để trống khi văn bản còn là dự thảo (chưa có số).")

    def clean(self):
        data = super().clean() or {}
        number, issuer = data.get("number_symbol") or "", data.get("issuer")
        # Said under the number, before the model's constraint says it for the whole form.
        if issuer is not None and number_taken(issuer=issuer, number=number):
            self.add_error("number_symbol", duplicate_message(number.strip()))
        return data


class ObligationForm(forms.ModelForm):
    """One obligation: what, by whom, how often, by when. The same form serves the intake's review page
    (one per proposal) and the page of one obligation."""

    due_date = forms.DateField(
        label=_("Ngày cuối cùng (một lần)"), required=False, input_formats=DATE_FORMATS, widget=_date_widget()
    )
    applies_from = forms.DateField(label=_("Áp dụng từ ngày"), input_formats=DATE_FORMATS, widget=_date_widget())
    applies_to = forms.DateField(label=_("Áp dụng đến ngày"), input_formats=DATE_FORMATS, widget=_date_widget())

    class Meta:
        model = Obligation
        # The service's fields, the parties after the rule that names them.
        fields = [*OBLIGATION_FIELDS[:4], *PARTY_FIELDS, *OBLIGATION_FIELDS[4:]]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "source_wording": forms.Textarea(attrs={"rows": 3}),
            "responsible_parties": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
            "cooperating_parties": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
            "due_day": forms.NumberInput(attrs={"min": 1, "max": 31}),
            "due_month": forms.NumberInput(attrs={"min": 1, "max": 12}),
        }

    def __init__(self, *args, parties, party_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = party_choices if party_choices is not None else [(p.pk, p.name) for p in parties]
        for name in ("responsible_parties", "cooperating_parties", "owed_to"):
            field = cast(forms.ModelChoiceField, self.fields[name])
            field.queryset = parties
            # The choices are built once per page, not once per form: rendering stays at one query.
            field.choices = choices if name != "owed_to" else [("", _("— Không chọn —")), *choices]
        _vietnamese_blanks(self)
        cast(forms.ModelChoiceField, self.fields["owed_to"]).choices = [("", _("— Không chọn —")), *choices]
        self.fields["responsible_rule"].required = False
        self.fields["verb"].help_text = _(
            "“Giao”, “Yêu cầu”: cơ quan cấp dưới của UBND. “Đề nghị”: Mặt trận Tổ quốc và các tổ chức chính trị - "
            "xã hội, không trực thuộc UBND."
        )
        self.fields["due_day"].help_text = _("Hằng năm, 6 tháng, hằng quý, hằng tháng: ngày cuối cùng.")

    def clean(self):
        data = super().clean() or {}
        recurrence = data.get("recurrence")
        rule = data["responsible_rule"] = data.get("responsible_rule") or Obligation.ResponsibleRule.NAMED
        if rule == Obligation.ResponsibleRule.NAMED and not data.get("responsible_parties"):
            if "responsible_parties" not in self.errors:
                self.add_error("responsible_parties", _("Cần chọn ít nhất một cơ quan chủ trì."))
        self._check_wording(data, recurrence)
        if recurrence == Obligation.Recurrence.ONCE:
            data["due_day"] = data["due_month"] = None
            if data.get("due_date") is None and "due_date" not in self.errors:
                self.add_error("due_date", _("Nhiệm vụ một lần cần ngày cuối cùng."))
        elif recurrence == Obligation.Recurrence.YEARLY:
            data["due_date"] = None
            if data.get("due_day") is None and "due_day" not in self.errors:
                self.add_error("due_day", _("Nhiệm vụ hằng năm cần ngày cuối cùng."))
            if data.get("due_month") is None and "due_month" not in self.errors:
                self.add_error("due_month", _("Nhiệm vụ hằng năm cần tháng của ngày cuối cùng."))
        elif recurrence in Obligation.PERIOD_KIND:
            data["due_date"] = None
            day = data.get("due_day")
            if (day is None or not 1 <= day <= 28) and "due_day" not in self.errors:
                self.add_error(
                    "due_day", _("Nhiệm vụ 6 tháng, hằng quý hoặc hằng tháng cần ngày cuối cùng từ 1 đến 28.")
                )
        elif recurrence == Obligation.Recurrence.CONTINUOUS:
            data["due_date"] = data["due_day"] = data["due_month"] = None
        start, end = data.get("applies_from"), data.get("applies_to")
        if start and end and end < start:
            self.add_error("applies_to", _("Ngày kết thúc áp dụng không được trước ngày bắt đầu."))
        due = data.get("due_date")
        if recurrence == Obligation.Recurrence.ONCE and due and start and end and not start <= due <= end:
            self.add_error("due_date", _("Ngày cuối cùng phải nằm trong thời gian áp dụng."))
        return data

    def _check_wording(self, data: dict, recurrence: str | None) -> None:
        """The last day typed must be the one the wording means; blank dates are filled from the wording."""
        wording = data.get("due_wording") or ""
        deadline = wording_last_day(wording)
        if deadline is None or deadline.day is None or recurrence in (None, Obligation.Recurrence.CONTINUOUS):
            return
        day: int = deadline.day
        month, year = deadline.month, deadline.year
        if recurrence == Obligation.Recurrence.ONCE:
            if month is None:
                return
            due = data.get("due_date")
            if due is None and "due_date" not in self.errors:
                start = data.get("applies_from") or timezone.localdate()
                try:
                    due = datetime.date(year or start.year, month, day)
                    if year is None and due < start:
                        due = datetime.date(start.year + 1, month, day)
                except ValueError:
                    return
                data["due_date"] = due
            elif due is not None and ((due.day, due.month) != (day, month) or (year and year != due.year)):
                self.add_error("due_date", self._mismatch(wording, day, month, year))
            return
        if recurrence == Obligation.Recurrence.YEARLY and month is None:
            return
        typed_day, typed_month = data.get("due_day"), data.get("due_month")
        if typed_day is None and "due_day" not in self.errors:
            data["due_day"] = day
            typed_day = day
        if month is not None and typed_month is None and "due_month" not in self.errors:
            data["due_month"] = month
            typed_month = month
        if typed_day != day or (month is not None and typed_month != month):
            self.add_error("due_day", self._mismatch(wording, day, month, None))

    @staticmethod
    def _mismatch(wording: str, day: int, month: int | None, year: int | None) -> str:
        if month is None:
            when = _gettext("ngày %(day)02d") % {"day": day}
        else:
            when = f"{day:02d}/{month:02d}" + (f"/{year}" if year else "")
        return _gettext(
            "Thời hạn theo nguyên văn “%(wording)s” có ngày cuối cùng là %(when)s, khác với ngày đã nhập."
        ) % {
            "wording": wording,
            "when": when,
        }

    def obligation_fields(self) -> dict:
        """The cleaned values the services take, the parties as lists."""
        data = dict(self.cleaned_data)
        data.pop("keep", None)
        data.pop("amendment_reason", None)
        for name in ("responsible_parties", "cooperating_parties"):
            data[name] = list(data.get(name) or [])
        return data


class ProposalForm(ObligationForm):
    """One proposal of the engine on the review page: kept (and then validated) or dropped."""

    keep = forms.ChoiceField(
        label=_("Giữ hay bỏ"),
        choices=[("keep", _("Giữ")), ("drop", _("Bỏ"))],
        initial="keep",
        widget=forms.RadioSelect(attrs={"class": "keep-choice"}),
    )

    @property
    def kept(self) -> bool:
        if not self.is_bound:
            return True
        return self.data.get(self.add_prefix("keep"), "keep") != "drop"

    def full_clean(self):
        if self.is_bound and not self.kept:
            # A dropped proposal is not checked: nothing of it will be saved.
            self._errors = ErrorDict()
            self.cleaned_data = {"keep": "drop"}
            return
        super().full_clean()


ProposalFormSet = forms.formset_factory(ProposalForm, extra=0)


class ObligationEditForm(ObligationForm):
    amendment_reason = forms.CharField(
        label=_("Lý do thay đổi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi thay đổi cơ quan, tần suất hoặc thời hạn của nhiệm vụ đã có nhiệm vụ của đơn vị."),
    )
