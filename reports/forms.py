from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from obligations.models import Period
from regulations.models import Party
from regulations.selectors import Structure

from .import_jobs import size_message
from .models import ConsolidatedReport, ImportJob


class DashboardFilterForm(forms.Form):
    # Left out (an old link), it is "hiện nay": the default the dashboard opens with.
    co_cau = forms.ChoiceField(
        label=_("Cơ cấu tổ chức"), choices=Structure.choices, required=False, initial=Structure.NOW
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("Cấp chính quyền"), queryset=Party.objects.none(), required=False, empty_label=_("Tất cả")
    )
    year = forms.TypedChoiceField(label=_("Kỳ (năm)"), coerce=int, required=False, empty_value=None)
    level = forms.ChoiceField(label=_("Cấp hành chính"), required=False)
    kind = forms.ChoiceField(label=_("Loại cơ quan"), required=False)
    regulation = forms.ModelChoiceField(
        label=_("Quy chế"), queryset=Party.objects.none(), required=False, empty_label=_("Tất cả")
    )

    def __init__(self, *args, jurisdictions, regulations, years, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["jurisdiction"]).queryset = jurisdictions
        cast(forms.ModelChoiceField, self.fields["regulation"]).queryset = regulations
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("Tất cả"))] + [(y, str(y)) for y in years]
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", _("Tất cả")), *Party.Level.choices]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Tất cả")), *Party.Kind.choices]


class ConsolidatedCreateForm(forms.Form):
    # No empty choice: the page always posts a jurisdiction, which the view fetches through its getter.
    jurisdiction = forms.ModelChoiceField(label=_("Cấp chính quyền"), queryset=Party.objects.none(), empty_label=None)
    period = forms.ModelChoiceField(label=_("Kỳ báo cáo"), queryset=Period.objects.filter(kind=Period.Kind.YEAR))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["jurisdiction"]).queryset = jurisdictions
        cast(forms.ModelChoiceField, self.fields["period"]).queryset = Period.objects.filter(
            kind=Period.Kind.YEAR
        ).order_by("-year")


class ConsolidatedForm(forms.ModelForm):
    class Meta:
        model = ConsolidatedReport
        fields = list(ConsolidatedReport.TEXT_FIELDS)
        widgets = {
            "addressees": forms.Textarea(attrs={"rows": 2}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "limitations": forms.Textarea(attrs={"rows": 5}),
            "proposals": forms.Textarea(attrs={"rows": 5}),
            "distribution": forms.Textarea(attrs={"rows": 3}),
            "signing_block": forms.Textarea(attrs={"rows": 2}),
        }
        # The authority and the title are easy to mix up: each says what it prints, with an example; the
        # preview under them shows the block as it will print.
        help_texts = {
            "signing_block": _(
                "Dòng thẩm quyền in trên chữ ký, mỗi dòng một dòng in, viết như trên văn bản. Ví dụ: "
                "“KT. GIÁM ĐỐC” khi cấp phó ký thay, “GIÁM ĐỐC” khi người đứng đầu ký. Không ghi chức vụ, "
                "họ tên người ký ở đây."
            ),
            "signer_title": _(
                "Chức vụ của chính người ký, in dưới dòng thẩm quyền. Ví dụ: “Phó Giám đốc”. Trùng với dòng "
                "cuối của thẩm quyền ký (“GIÁM ĐỐC”) thì chỉ in một lần."
            ),
            "signer_name": _("Họ và tên người ký, in dưới chỗ ký và đóng dấu. Ví dụ: “Nguyễn Văn A”."),
        }


class ImportForm(forms.Form):
    # No empty choice: the page always posts a jurisdiction, which the view fetches through its getter.
    jurisdiction = forms.ModelChoiceField(label=_("Nhập vào"), queryset=Party.objects.none(), empty_label=None)
    what = forms.ChoiceField(
        label=_("Dữ liệu"),
        choices=ImportJob.What.choices,
    )
    file = forms.FileField(label=_("Tệp XLSX hoặc CSV"))

    def __init__(self, *args, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["jurisdiction"]).queryset = jurisdictions

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".xlsx") or name.endswith(".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(size_message())
        return upload
