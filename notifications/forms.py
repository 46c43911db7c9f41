from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferenceForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Cách nhận thư điện tử"), choices=NotificationPreference.Mode.choices, widget=forms.RadioSelect
    )
