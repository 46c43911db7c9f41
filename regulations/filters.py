import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Document, Meeting, Party, Regulation
from .selectors import parties_visible_to, search_filter


def _visible_parties(request):
    return parties_visible_to(request.user).order_by("path") if request else Party.objects.none()


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_q",
        widget=forms.TextInput(attrs={"placeholder": _("Từ khóa, không cần dấu"), "type": "search"}),
    )

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, value)


class PartyFilter(SearchFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Loại"), choices=Party.Kind.choices, empty_label=_("Tất cả"))
    level = django_filters.ChoiceFilter(label=_("Cấp"), choices=Party.Level.choices, empty_label=_("Tất cả"))

    class Meta:
        model = Party
        fields = ["q", "kind", "level"]


class RegulationFilter(SearchFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=Regulation.Status.choices, empty_label=_("Tất cả")
    )
    signatory = django_filters.ModelChoiceFilter(
        label=_("Bên ký kết"), field_name="signatories", queryset=_visible_parties, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(label=_("Năm trong giai đoạn"), method="filter_year")

    class Meta:
        model = Regulation
        fields = ["q", "status", "signatory", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(term_start__lte=value, term_end__gte=value)


class DocumentFilter(SearchFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Loại văn bản"), choices=Document.Kind.choices, empty_label=_("Tất cả"))
    issuer = django_filters.ModelChoiceFilter(
        label=_("Cơ quan ban hành"), queryset=_visible_parties, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(label=_("Năm ban hành"), field_name="issued_on", lookup_expr="year")

    class Meta:
        model = Document
        fields = ["q", "kind", "issuer", "year"]


class MeetingFilter(SearchFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Loại"), choices=Meeting.Kind.choices, empty_label=_("Tất cả"))
    host = django_filters.ModelChoiceFilter(
        label=_("Cơ quan chủ trì"), queryset=_visible_parties, empty_label=_("Tất cả")
    )
    year = django_filters.NumberFilter(label=_("Năm"), field_name="held_on", lookup_expr="year")

    class Meta:
        model = Meeting
        fields = ["q", "kind", "host", "year"]
