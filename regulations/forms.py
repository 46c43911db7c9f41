"""The office's forms for the legal sources. They check the shape of the input; the rules (rights, numbers,
terms, rows that obligations point to) are the services', which the views call and whose messages land
under the field they concern."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH, BLANK_CHOICE_LABEL
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .models import Conclusion, Document, DocumentItem, Meeting, MeetingAttendee, Party, Regulation

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")
LINES = {"rows": 4}
TEXT = {"rows": 8}


def _date_field(field: forms.Field) -> None:
    field.widget = DATE_WIDGET
    field.help_text = _("Ngày/tháng/năm, ví dụ 31/12/2020.")


def empty_choice(field: forms.Field) -> None:
    """The blank choice of a select in the site's words, not Django's dashes."""
    label = _("— Chọn —") if field.required else _("— Không chọn —")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return
    if isinstance(field, forms.ModelChoiceField):
        field.empty_label = label
    elif isinstance(field, forms.ChoiceField):
        choices: list = list(field.choices)  # type: ignore[arg-type]  # a model field's choices are a list here
        if choices and choices[0][0] == "" and str(choices[0][1]) in (str(BLANK_CHOICE_LABEL), BLANK_CHOICE_DASH[0][1]):
            field.choices = [("", label), *choices[1:]]


class SourceForm(forms.Form):
    """A form built from the model's fields; `reason` appears once tasks depend on the source."""

    model: type = Regulation
    field_names: tuple[str, ...] = ()
    widgets: dict[str, type[forms.Widget] | forms.Widget] = {}
    reason = forms.CharField(
        label=_("Lý do sửa đổi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Đã có nhiệm vụ được giao theo nguồn này: mọi thay đổi được ghi lại là một lần sửa đổi."),
    )

    def __init__(self, *args, user, instance=None, amendment: bool = False, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(instance, fields=self.field_names)
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names, widgets=self.widgets)
        reason = self.fields.pop("reason")
        self.fields.update({name: generated[name] for name in self.field_names})
        self.amendment = amendment
        if amendment:
            reason.required = True
            reason.error_messages["required"] = _("Đã có nhiệm vụ được giao theo nguồn này: cần ghi lý do sửa đổi.")
            reason.label = _("Lý do sửa đổi *")
            self.fields["reason"] = reason
        self.user = user
        self.instance = instance
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                _date_field(field)
            empty_choice(field)
            if field.required and name != "reason":
                field.label = f"{field.label} *"

    def set_choices(self, name: str, queryset) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def data_for_service(self) -> dict:
        """The model's own fields; the many-to-many ones go to the service by name."""
        return {
            name: self.cleaned_data[name] for name in self.field_names if name not in ("signatories", "regulations")
        }


class RegulationForm(SourceForm):
    model = Regulation
    # The service's fields, with the signatories (set after saving) in the form's order.
    field_names = (*services.REGULATION_FIELDS[:6], "signatories", *services.REGULATION_FIELDS[6:])
    widgets = {
        "title": forms.Textarea(attrs={"rows": 2}),
        "signatories": forms.CheckboxSelectMultiple,
        "note": forms.Textarea(attrs={"rows": 3}),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("issuer", selectors.editable_parties(self.user).order_by("path"))
        signatories = services.signatory_choices(self.user)
        if self.instance is not None:  # a signatory outside the user's reach stays on their regulation
            signatories = signatories | Party.objects.filter(signed_regulations=self.instance)
        self.set_choices("signatories", signatories.distinct().order_by("path"))
        self.fields["signatories"].error_messages["required"] = _("Cần chọn ít nhất một bên ký kết.")
        replaceable = selectors.regulations_visible_to(self.user)
        if self.instance is not None:
            replaceable = replaceable.exclude(pk=self.instance.pk)
        self.set_choices("replaces", replaceable.order_by("-term_start", "number_symbol"))
        self.fields["number_symbol"].help_text = _("Ví dụ 4857/QCPH-UBND-UBMTTQVN; để trống nếu chưa có số.")


SIGNING_HELP = {
    "signing_authority": _(
        "Hình thức ký, để phân loại và tra cứu: TM. (thay mặt tập thể), KT. (cấp phó ký thay người đứng đầu), "
        "TL. (thừa lệnh). Không in ra; dòng in trên văn bản ghi ở ô “Khối chữ ký”."
    ),
    "signing_block": _(
        "Các dòng in phía trên chữ ký, mỗi dòng một dòng in, viết như trên văn bản. Ví dụ: dòng 1 “TM. ỦY BAN "
        "NHÂN DÂN”, dòng 2 “KT. CHỦ TỊCH”. Không ghi họ tên người ký ở đây."
    ),
    "signer_title": _(
        "Chức vụ của chính người ký, in ngay dưới khối chữ ký. Ví dụ: “Phó Chủ tịch”. Khối chữ ký đã kết thúc "
        "bằng chức vụ này thì chỉ in một lần."
    ),
    "signer_name": _("Họ và tên người ký, in dưới chỗ ký và đóng dấu. Ví dụ: “Y Ngọc”."),
}


class DocumentForm(SourceForm):
    model = Document
    field_names = (*services.DOCUMENT_FIELDS, "regulations")
    widgets = {
        "subject": forms.Textarea(attrs={"rows": 2}),
        "addressees": forms.Textarea(attrs=LINES),
        "body": forms.Textarea(attrs=TEXT),
        "distribution": forms.Textarea(attrs=LINES),
        "signing_block": forms.Textarea(attrs={"rows": 3}),
        "regulations": forms.CheckboxSelectMultiple,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("issuer", selectors.editable_parties(self.user).order_by("path"))
        regulations = selectors.regulations_visible_to(self.user)
        if self.instance is not None:
            regulations = regulations | Regulation.objects.filter(documents=self.instance)
        self.set_choices("regulations", regulations.distinct().order_by("-term_start", "number_symbol"))
        self.fields["number_symbol"].help_text = _(
            "Ví dụ 106/UBND-KGVX. Văn bản chưa có số (để trống, hoặc “/TB-UBND”) được lưu là dự thảo."
        )
        # The four signing fields are easy to mix up: each says what it is and what it prints, with an example;
        # the preview under them shows the block as it will print.
        for name, help_text in SIGNING_HELP.items():
            self.fields[name].help_text = help_text


class MeetingForm(SourceForm):
    model = Meeting
    field_names = services.MEETING_FIELDS
    widgets = {
        "title": forms.Textarea(attrs={"rows": 2}),
        "results": forms.Textarea(attrs=TEXT),
        "limitations": forms.Textarea(attrs=LINES),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("host", selectors.editable_parties(self.user).order_by("path"))
        notices = selectors.documents_visible_to(self.user).filter(kind=Document.Kind.CONCLUSION_NOTICE)
        if self.instance is not None and self.instance.notice_id:
            notices = notices | Document.objects.filter(pk=self.instance.notice_id)
        self.set_choices("notice", notices.order_by("-issued_on", "number_symbol"))


# --- the inline rows ---------------------------------------------------------------------------------------


class RowForm(forms.ModelForm):
    def validate_unique(self):
        """The service numbers the rows and checks them against each other once they have moved: a swap of
        two numbers is not a clash."""


class RowFormSet(forms.BaseInlineFormSet):
    """Usable without JavaScript: blank rows to fill in, a delete box on each saved one. A row that
    obligations point to shows it cannot be deleted."""

    name = ""
    row_fields: tuple[str, ...] = ()

    def __init__(self, *args, protected: set[int] | None = None, **kwargs):
        self.protected = protected or set()
        kwargs.setdefault("prefix", self.name)
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            empty_choice(field)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = _("Thứ tự")
            form.fields["ORDER"].widget.attrs["class"] = "order-input"
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Xóa dòng này")
            if form.instance.pk and form.instance.pk in self.protected:
                form.fields["DELETE"].help_text = _("Đang là nguồn của nhiệm vụ: không thể xóa.")

    def validate_unique(self):
        """See RowForm.validate_unique."""

    def rows(self) -> list[services.Row]:
        """What the service is asked to keep, in the order the user gave, and what to delete."""
        forms_in_order = self.ordered_forms if self.can_order else self.forms
        rows = [
            services.Row(
                pk=form.instance.pk,
                values={name: form.cleaned_data.get(name) for name in self.row_fields},
            )
            for form in forms_in_order
            if form not in self.deleted_forms and (form.instance.pk or form.has_changed())
        ]
        return rows + [
            services.Row(pk=form.instance.pk, delete=True) for form in self.deleted_forms if form.instance.pk
        ]


class ItemForm(RowForm):
    class Meta:
        model = DocumentItem
        fields = ["label", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class AttendeeForm(RowForm):
    class Meta:
        model = MeetingAttendee
        fields = ["name", "position", "party"]


class ConclusionForm(RowForm):
    number = forms.IntegerField(
        label=_("Số thứ tự"),
        min_value=1,
        max_value=services.MAX_POSITION,
        required=False,
        help_text=_("Để trống: số tiếp theo."),
    )

    class Meta:
        model = Conclusion
        fields = ["number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class _ItemFormSet(RowFormSet):
    name = "items"
    row_fields = ("label", "text")


class _AttendeeFormSet(RowFormSet):
    name = "attendees"
    row_fields = ("name", "position", "party")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["party"].queryset = selectors.parties_visible_to(self.user).order_by("path")


class _ConclusionFormSet(RowFormSet):
    name = "conclusions"
    row_fields = ("number", "text")


ItemFormSet = cast(
    type[_ItemFormSet],
    forms.inlineformset_factory(
        Document,
        DocumentItem,
        form=ItemForm,
        formset=_ItemFormSet,
        extra=3,
        can_order=True,
        can_delete=True,
        can_delete_extra=False,
    ),
)
AttendeeFormSet = cast(
    type[_AttendeeFormSet],
    forms.inlineformset_factory(
        Meeting,
        MeetingAttendee,
        form=AttendeeForm,
        formset=_AttendeeFormSet,
        extra=3,
        can_order=True,
        can_delete=True,
        can_delete_extra=False,
    ),
)
ConclusionFormSet = cast(
    type[_ConclusionFormSet],
    forms.inlineformset_factory(
        Meeting,
        Conclusion,
        form=ConclusionForm,
        formset=_ConclusionFormSet,
        extra=3,
        can_delete=True,
        can_delete_extra=False,
    ),
)


def show_service_errors(error: ValidationError, form: forms.Form, formsets=()) -> None:
    """Put each of the service's messages under the field, the row or the list it concerns."""
    by_name = {formset.name: formset for formset in formsets}
    for key, messages in error.message_dict.items():
        name, _sep, pk = key.partition(":")
        if name in by_name:
            formset = by_name[name]
            row = next((f for f in formset.forms if pk and str(f.instance.pk) == pk), None)
            if row is not None:
                row.add_error(None, messages)
            else:
                formset.non_form_errors().extend(messages)
        elif key in form.fields:
            form.add_error(key, messages)
        else:  # NON_FIELD_ERRORS, or a field this form does not show
            form.add_error(None, messages)
