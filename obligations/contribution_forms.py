"""The form a co-operating party's staff fill on the lead's task page (kept apart from forms.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from regulations.models import Party

from . import selectors
from .contributions import CLOSED_STATES
from .uploads import check_upload

TEXT_REQUIRED = _("Cần nhập nội dung ý kiến phối hợp.")


class ContributionForm(forms.Form):
    party = forms.ModelChoiceField(label=_("Góp ý kiến với tư cách"), queryset=Party.objects.none(), empty_label=None)
    text = forms.CharField(
        label=_("Ý kiến phối hợp"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": TEXT_REQUIRED},
    )
    upload = forms.FileField(label=_("Gửi kèm tài liệu"), required=False)

    def __init__(self, *args, parties: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Party.objects.filter(pk__in=[party.pk for party in parties]).order_by("path")
        self.single_party = parties[0] if len(parties) == 1 else None
        if self.single_party is not None:  # one party to write for: nothing to choose
            field.initial = self.single_party.pk
            field.widget = forms.HiddenInput()
            field.required = False

    def clean_party(self):
        return self.cleaned_data.get("party") or self.single_party

    def clean_text(self):
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            raise forms.ValidationError(TEXT_REQUIRED, code="required")
        return text

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_upload(upload, signed_scan=False)  # the service checks again; the form says it beside the field
        return upload


def blank_form(user, task, cooperation) -> ContributionForm | None:
    """The form for a user who may give input on this open task, filled with their party's current text;
    None for everyone else (the lead, reviewers, readers) and once the task is closed."""
    if task.state in CLOSED_STATES:
        return None
    parties = selectors.contributing_parties(user, task)
    if not parties:
        return None
    current = {row.party.pk: row.text for row in cooperation}
    return ContributionForm(parties=parties, initial={"party": parties[0].pk, "text": current.get(parties[0].pk, "")})
