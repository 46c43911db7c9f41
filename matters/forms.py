from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _


class MatterForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Đơn vị gửi"), coerce=int)
    subject = forms.CharField(label=_("Tiêu đề"), max_length=300)
    body = forms.CharField(label=_("Nội dung phản ánh, kiến nghị"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {party.pk: party for party in parties}
        cast(forms.TypedChoiceField, self.fields["party"]).choices = [(party.pk, party.name) for party in parties]

    def clean_party(self):
        return self.parties[self.cleaned_data["party"]]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea(attrs={"rows": 4}))


class ForwardForm(forms.Form):
    message = forms.CharField(label=_("Ý kiến khi chuyển"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    message = forms.CharField(label=_("Ghi chú khi đóng"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
