from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Attachment, Obligation, Submission, Task
from .services import SECTION_LABELS, required_sections
from .uploads import check_upload

FIGURE_ERRORS = {
    "invalid": _("Số liệu phải là một số (ví dụ 12 hoặc 12,5)."),
    "min_value": _("Số liệu không được là số âm."),
    "max_digits": _("Số liệu quá lớn."),
    "max_decimal_places": _("Số liệu chỉ được có tối đa 2 chữ số thập phân."),
    "max_whole_digits": _("Số liệu quá lớn."),
}


class SubmissionForm(forms.Form):
    """The report form: the sections such reports have, the figures the obligation asks for, and a file."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    results = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 8}))
    limitations = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    directions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    proposals = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    upload = forms.FileField(label=_("Đính kèm tệp"), required=False)
    upload_kind = forms.ChoiceField(
        label=_("Loại tệp"), choices=Attachment.Kind.choices, initial=Attachment.Kind.SIGNED_SCAN, required=False
    )

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        required = required_sections(task)
        for name in Submission.SECTION_FIELDS:
            field = self.fields[name]
            field.label = SECTION_LABELS[name]
            if name in required:
                field.label = f"{field.label} *"
        if task.obligation.deliverable == Obligation.Deliverable.ACTION:
            self.fields["results"].label = _("Kết quả thực hiện *")
            for name in ("limitations", "directions"):
                del self.fields[name]
        self.figure_definitions = list(task.obligation.figures.all())
        for figure in self.figure_definitions:
            label = f"{figure.label} ({figure.unit})" if figure.unit else figure.label
            self.fields[f"fig_{figure.code}"] = forms.DecimalField(
                label=f"{label} *" if figure.required else label,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                localize=True,
                error_messages=FIGURE_ERRORS,
            )

    @property
    def figure_fields(self):
        return [self[f"fig_{figure.code}"] for figure in self.figure_definitions]

    @property
    def section_fields(self):
        return [self[name] for name in Submission.SECTION_FIELDS if name in self.fields]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            kind = self.data.get("upload_kind") or Attachment.Kind.SIGNED_SCAN
            self.checked_upload = check_upload(upload, signed_scan=kind == Attachment.Kind.SIGNED_SCAN)
        return upload

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") or "" for name in Submission.SECTION_FIELDS}

    def figures(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for figure in self.figure_definitions:
            value = self.cleaned_data.get(f"fig_{figure.code}")
            if value is not None:
                values[figure.code] = format(Decimal(value).normalize(), "f")
        return values


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Tiếp nhận")), ("return", _("Trả lại để chỉnh sửa"))])
    comment = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            raise ValidationError({"comment": _("Cần ghi ý kiến khi trả lại báo cáo.")})
        return data


class ExcuseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do miễn"), widget=forms.Textarea(attrs={"rows": 2}))
