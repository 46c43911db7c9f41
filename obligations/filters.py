import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regulations.filters import SearchFilterSet, _visible_parties

from .models import Obligation, Period, Task

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")


class TaskFilter(django_filters.FilterSet):
    party = django_filters.ModelChoiceFilter(label=_("Đơn vị"), queryset=_visible_parties, empty_label=_("Tất cả"))
    year = django_filters.NumberFilter(label=_("Kỳ (năm)"), field_name="period__year")
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Task.Status.choices, method="filter_status", empty_label=_("Tất cả")
    )
    due_from = django_filters.DateFilter(
        label=_("Hạn từ ngày"), field_name="due_date", lookup_expr="gte", widget=DATE_WIDGET
    )
    due_to = django_filters.DateFilter(
        label=_("Hạn đến ngày"), field_name="due_date", lookup_expr="lte", widget=DATE_WIDGET
    )
    obligation = django_filters.NumberFilter(widget=forms.HiddenInput)

    class Meta:
        model = Task
        fields = ["party", "year", "status", "due_from", "due_to", "obligation"]

    def filter_status(self, queryset, name, value):
        return queryset.with_status_code(value, timezone.now())


class ObligationFilter(SearchFilterSet):
    recurrence = django_filters.ChoiceFilter(
        label=_("Tần suất"), choices=Obligation.Recurrence.choices, empty_label=_("Tất cả")
    )
    deliverable = django_filters.ChoiceFilter(
        label=_("Kết quả phải có"), choices=Obligation.Deliverable.choices, empty_label=_("Tất cả")
    )

    class Meta:
        model = Obligation
        fields = ["q", "recurrence", "deliverable"]


def period_years():
    return list(Period.objects.filter(kind=Period.Kind.YEAR).values_list("year", flat=True).order_by("-year"))
