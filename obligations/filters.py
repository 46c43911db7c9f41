import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regulations.filters import SearchFilterSet, _visible_parties
from regulations.selectors import Structure, current_holders, user_scope

from .models import Obligation, Period, Task

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y")


class TaskFilter(django_filters.FilterSet):
    party = django_filters.ModelChoiceFilter(
        label=_("Đơn vị"), queryset=_visible_parties, empty_label=_("Tất cả"), method="filter_party"
    )
    # How the party is read: the tasks given to it (the default), or, as the dashboard's "hiện nay" counts
    # them, with those of the parties whose duties it holds today.
    co_cau = django_filters.ChoiceFilter(
        label=_("Cơ cấu tổ chức"),
        choices=[(Structure.THEN, Structure.THEN.label), (Structure.NOW, Structure.NOW.label)],
        empty_label=None,
        method="filter_structure",
    )
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
        fields = ["party", "co_cau", "year", "status", "due_from", "due_to", "obligation"]

    @property
    def as_now(self) -> bool:
        return self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("co_cau") == Structure.NOW

    @property
    def predecessors(self) -> list:
        """In "hiện nay", the parties whose tasks the chosen party's list takes in (read once)."""
        if not self.as_now or self.form.cleaned_data.get("party") is None:
            return []
        if not hasattr(self, "_predecessors"):
            self._predecessors = current_holders().predecessors(self.form.cleaned_data["party"].pk)
        return self._predecessors

    def filter_party(self, queryset, name, value):
        if self.as_now:
            predecessors = [party.pk for party in self.predecessors]
            if predecessors:
                # The predecessors' tasks the user counts on the dashboard: those of the parties they see.
                seen = user_scope(self.request.user).party_q("party")
                return queryset.filter(Q(party=value) | (Q(party__in=predecessors) & seen))
        return queryset.filter(party=value)

    def filter_structure(self, queryset, name, value):
        return queryset  # it changes how the party is read (filter_party)

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
