"""The form of a reorganisation decision. It checks the shape of the input and builds the service's Plan;
the rules (rights, dates, cycles, every task assigned) are the service's, whose messages land under the
field they concern."""

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regulations.forms import DATE_WIDGET
from regulations.models import Party, Reorganisation
from regulations.selectors import editable_parties

from .models import Obligation, Task
from .reorganisations import MOVING_STATES, NewParty, Plan, new_party_code

Kind = Reorganisation.Kind
DATE_HELP = _("Ngày/tháng/năm, ví dụ 01/07/2025.")


def _date(label, help_text=DATE_HELP):
    return forms.DateField(label=label, widget=DATE_WIDGET, help_text=help_text, input_formats=["%d/%m/%Y"])


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PartiesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ReorganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại thay đổi *"), choices=Kind.choices, widget=forms.RadioSelect)
    number_symbol = forms.CharField(
        label=_("Số, ký hiệu văn bản quyết định *"),
        max_length=100,
        help_text=_("Ví dụ: 202/2025/QH15, 1677/NQ-UBTVQH15, 45/QĐ-UBND."),
    )
    decided_on = _date(_("Ngày ban hành *"))
    effective_on = _date(
        _("Ngày có hiệu lực *"),
        _("Từ ngày này cơ cấu mới áp dụng; ngày hôm trước là ngày cuối cùng của cơ cấu cũ. Ví dụ 01/07/2025."),
    )
    issuer_name = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    summary = forms.CharField(label=_("Trích yếu"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sources = PartiesChoiceField(
        label=_("Cơ quan, tổ chức được sắp xếp *"),
        queryset=Party.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hợp nhất, sáp nhập, chấm dứt hoạt động: chọn một hoặc nhiều; các loại khác: chọn một."),
    )
    target = PartyChoiceField(
        label=_("Sáp nhập vào cơ quan đã có"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("— Không chọn (thành lập cơ quan mới) —"),
    )
    new_name = forms.CharField(
        label=_("Tên mới / tên cơ quan mới"),
        max_length=255,
        required=False,
        help_text=_("Đổi tên: tên mới. Hợp nhất vào cơ quan mới: tên đầy đủ của cơ quan mới."),
    )
    new_short_name = forms.CharField(label=_("Tên viết tắt mới"), max_length=100, required=False)
    new_parent = PartyChoiceField(
        label=_("Địa bàn mới"),
        queryset=Party.objects.none(),
        required=False,
        empty_label=_("— Không chọn —"),
        help_text=_("Chuyển địa bàn: cấp chính quyền mới. Cơ quan mới khi hợp nhất: địa bàn của nó."),
    )
    targets = PartiesChoiceField(
        label=_("Các cơ quan kế thừa khi chia tách"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Cơ quan chọn đầu tiên nhận các việc chung và người dùng của cơ quan cũ."),
    )
    source_note = forms.CharField(label=_("Nguồn, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        current = editable_parties(user).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).order_by("path")
        for name in ("sources", "target", "targets"):
            self.fields[name].queryset = current  # type: ignore[attr-defined]
        self.fields["new_parent"].queryset = current.filter(is_jurisdiction=True)  # type: ignore[attr-defined]
        self.assignment_obligations = self._split_obligations()
        target_choices: list[tuple[str, str]] = [("", str(_("— Chọn cơ quan kế thừa —")))]
        target_choices += [(str(p.pk), p.name) for p in self._chosen_targets()]
        for obligation in self.assignment_obligations:
            self.fields[f"assign_{obligation.pk}"] = forms.ChoiceField(
                label=obligation.title, choices=target_choices, required=False
            )

    # --- a split names a successor for each of the source's obligations ----------------------------

    def _raw(self, name: str):
        if not self.is_bound:
            return self.initial.get(name)
        return self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name)

    def _chosen_targets(self) -> list[Party]:
        ids = [pk for pk in (self._raw("targets") or []) if str(pk).isdigit()]
        by_id = self.fields["targets"].queryset.in_bulk(ids)  # type: ignore[attr-defined]
        return [by_id[int(pk)] for pk in ids if int(pk) in by_id]

    def _split_obligations(self) -> list[Obligation]:
        kind = self._raw("kind")
        kind = kind[0] if isinstance(kind, list) and kind else kind
        ids = [pk for pk in (self._raw("sources") or []) if str(pk).isdigit()]
        if kind != Kind.SPLIT or len(ids) != 1:
            return []
        source = self.fields["sources"].queryset.filter(pk=ids[0]).first()  # type: ignore[attr-defined]
        if source is None:
            return []
        try:
            raw_day = self._raw("effective_on")
            raw_day = raw_day[0] if isinstance(raw_day, list) else raw_day
            day = datetime.datetime.strptime(str(raw_day or ""), "%d/%m/%Y").date()
        except ValueError:
            day = timezone.localdate()
        with_tasks = Task.objects.filter(party=source, state__in=MOVING_STATES, due_date__gte=day).values(
            "obligation_id"
        )
        named = Obligation.objects.filter(is_active=True, responsible_parties=source).filter(
            Q(applies_to__isnull=True) | Q(applies_to__gte=day)
        )
        return list(Obligation.objects.filter(Q(pk__in=with_tasks) | Q(pk__in=named.values("pk"))).order_by("title"))

    @property
    def assignment_fields(self):
        return [self[f"assign_{obligation.pk}"] for obligation in self.assignment_obligations]

    def plan(self) -> Plan:
        """The service's input from the cleaned data (call after is_valid())."""
        data = self.cleaned_data
        sources = list(data["sources"])
        kind = data["kind"]
        new_party = None
        if kind == Kind.MERGE and data.get("target") is None and data.get("new_name"):
            first = sources[0] if sources else None
            new_party = NewParty(
                code=new_party_code(data["new_name"]),
                name=data["new_name"].strip(),
                short_name=(data.get("new_short_name") or data["new_name"]).strip(),
                kind=first.kind if first else Party.Kind.STATE,
                level=first.level if first else Party.Level.PROVINCE,
                parent=data.get("new_parent") or (first.parent if first else None),
                is_jurisdiction=bool(first and first.is_jurisdiction),
            )
        targets = list(data.get("targets") or []) if kind == Kind.SPLIT else []
        by_id = {str(p.pk): p for p in targets}
        assignments = {}
        for obligation in self.assignment_obligations:
            chosen = data.get(f"assign_{obligation.pk}")
            if chosen in by_id:
                assignments[obligation.pk] = by_id[chosen]
        return Plan(
            kind=kind,
            number_symbol=data["number_symbol"],
            decided_on=data["decided_on"],
            effective_on=data["effective_on"],
            issuer_name=data.get("issuer_name", ""),
            summary=data.get("summary", ""),
            source_note=data.get("source_note", ""),
            sources=sources,
            target=data.get("target") if kind == Kind.MERGE else None,
            new_party=new_party,
            targets=targets,
            assignments=assignments,
            new_name=data.get("new_name", "") if kind == Kind.RENAME else "",
            new_short_name=data.get("new_short_name", "") if kind == Kind.RENAME else "",
            new_parent=data.get("new_parent") if kind == Kind.MOVE else None,
        )

    def add_service_errors(self, field_errors: dict[str, list[str]], message: str) -> None:
        placed = False
        for name, messages in field_errors.items():
            name = {"new_code": "new_name"}.get(name, name)
            if name == "assignments":
                name = None  # type: ignore[assignment]
            for text in messages:
                self.add_error(name if name in self.fields else None, text)
                placed = True
        if not placed:
            self.add_error(None, message)
