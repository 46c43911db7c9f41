"""Spreadsheet imports of parties, regulations and obligations: preview first, then all or nothing."""

import decimal
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from obligations.models import Obligation
from obligations.resources import ObligationResource, PartyResource
from obligations.services import tasks_generate
from regulations.models import Party
from regulations.resources import RegulationResource
from regulations.rights import Right, require, require_actor

from .models import ImportJob
from .selectors import can_import


def row_type_label(import_type: str) -> str:
    """What django-import-export will do with a row, in the user's words."""
    labels = {"new": _("thêm mới"), "update": _("cập nhật"), "skip": _("không đổi"), "delete": _("xóa")}
    return str(labels.get(import_type, import_type))


RESOURCE_LABELS = {kind.value: kind.label for kind in ImportJob.What}  # the one list of what can be imported
RESOURCES = {
    "parties": PartyResource,
    "regulations": RegulationResource,
    "obligations": ObligationResource,
}


@dataclass
class ImportOutcome:
    ok: bool
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    tasks_created: int = 0

    def as_json(self) -> dict:
        return asdict(self)


def load_dataset(content: bytes, filename: str) -> tablib.Dataset:
    if filename.lower().endswith(".xlsx"):
        return tablib.Dataset().load(content, format="xlsx")
    text = content.decode("utf-8-sig")
    return tablib.Dataset().load(text, format="csv")


MISSING_COLUMNS = (
    "The following fields are declared in 'import_id_fields' but are not present in the file headers:",
    "The following fields are declared in 'import_id_fields' but are not present in the resource fields:",
)


def in_words(text: str) -> str:
    """django-import-export's own English messages in the user's language: it ships no Vietnamese catalogue,
    and formats some messages before it translates them, so no catalogue could catch them."""
    text = str(text)
    for prefix in MISSING_COLUMNS:
        if text.startswith(prefix):
            return _("Tệp thiếu cột bắt buộc: %(columns)s.") % {"columns": text[len(prefix) :].strip()}
    if text == "Value could not be parsed using defined formats.":
        return _("không đọc được ngày; hãy ghi theo dạng YYYY-MM-DD (ví dụ 2026-01-15).")
    if text == "Value could not be parsed.":
        return _("không đọc được giá trị.")
    if "magnitude exceeds the maximum" in text:
        return _("số quá lớn.")
    if text.startswith("Column '") and "not found in dataset" in text:
        return _("tệp thiếu cột %(column)s.") % {"column": text.split("'")[1]}
    return text


def _message(error: Exception) -> str:
    if isinstance(error, ObjectDoesNotExist):
        return _("không tìm thấy đối tượng được tham chiếu (mã không tồn tại)")
    if isinstance(error, ValidationError):
        return "; ".join(in_words(m) for m in error.messages)
    if isinstance(error, decimal.InvalidOperation):
        return _("giá trị không phải là số")
    if in_words(_detail(error)) != _detail(error):  # a missing column, a date that cannot be read
        return in_words(_detail(error))
    return _("giá trị không hợp lệ (%(detail)s)") % {"detail": _detail(error)}


def _detail(error: Exception) -> str:
    return str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)


def _field_label(resource, name: str) -> str:
    """The column as the model names it in Vietnamese ("loại"), followed by the column header ("kind")."""
    try:
        verbose = resource._meta.model._meta.get_field(name).verbose_name
    except Exception:
        return name
    return f"{verbose} ({name})"


def _row_of(message: str) -> int:
    digits = "".join(ch for ch in message.split(":", 1)[0] if ch.isdigit())
    return int(digits or 0)


def run_import(
    *,
    what: str,
    dataset: tablib.Dataset,
    dry_run: bool,
    actor,
    jurisdiction: Party,
    on_row: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import every row or none, into one jurisdiction: a row about anything outside it fails the file. With
    dry_run the database is left as it was, whatever happens. The actor must hold the import right on the
    jurisdiction, whoever calls (the page, a script, a worker), before anything is read or written. on_row
    is told the number of rows done after each row."""
    require_actor(actor, Right.IMPORT)
    require(can_import(actor, jurisdiction), Right.IMPORT)
    # A ModelResource with our mixins (import-export ships no types).
    extra = {"actor": actor} if what == "parties" else {}  # the parties' resource records reorganisations
    resource: Any = RESOURCES[what](jurisdiction=jurisdiction, **extra)
    resource.on_row = on_row
    tasks_created = 0
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
        if what == "obligations" and not dry_run and not result.has_errors() and not result.has_validation_errors():
            # The imported obligations' tasks exist at once, as they do for an obligation entered by hand.
            ids = [row.object_id for row in result.rows if row.import_type in ("new", "update") and row.object_id]
            tasks_created = tasks_generate(obligations=Obligation.objects.filter(pk__in=ids)).created
    errors = []
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(_("Dòng %(row)s: %(message)s") % {"row": number + 1, "message": _message(error.error)})
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            for message in messages:
                label = "" if field_name == "__all__" else f"{_field_label(resource, field_name)}: "
                text = label + in_words(message)
                errors.append(_("Dòng %(row)s: %(message)s") % {"row": invalid.number + 1, "message": text})
    errors.sort(key=_row_of)
    for error in result.base_errors:
        errors.append(_message(error.error))
    preview = []
    for number, row in enumerate(result.rows[:200], start=2):
        preview.append({"line": number, "type": row_type_label(row.import_type), "object": row.object_repr or ""})
    return ImportOutcome(
        ok=not errors,
        tasks_created=tasks_created,
        counts={key: value for key, value in result.totals.items() if value},
        errors=errors,
        preview=preview,
        headers=list(dataset.headers or []),
    )


# --- templates: the columns of each file, explained, with one example row ----------------------------

# (column, what it holds, an example value). The columns are the resources' own, in their order.
TEMPLATE_COLUMNS: dict[str, list[tuple[str, Any, str]]] = {
    "parties": [
        ("code", gettext_lazy("Mã duy nhất, không dấu; dùng để tham chiếu ở các cột khác"), "qn-hnd-son-tinh"),
        ("name", gettext_lazy("Tên đầy đủ"), "Hội Nông dân xã Sơn Tịnh"),
        ("short_name", gettext_lazy("Tên viết tắt"), "HND Sơn Tịnh"),
        ("kind", gettext_lazy("Loại: state, front, socio_political, party_committee"), "socio_political"),
        ("level", gettext_lazy("Cấp: province, district, commune"), "commune"),
        ("parent", gettext_lazy("Mã UBND của địa bàn (thuộc địa bàn)"), "qn-x-sontinh-ubnd"),
        ("is_jurisdiction", gettext_lazy("1 nếu là UBND (cấp chính quyền), 0 nếu không"), "0"),
        ("focal_agency", gettext_lazy("Mã cơ quan đầu mối (chỉ với UBND)"), ""),
        ("email", gettext_lazy("Thư điện tử"), "hnd.sontinh@example.vn"),
        ("valid_from", gettext_lazy("Hiệu lực từ ngày (YYYY-MM-DD)"), "2025-07-01"),
        ("valid_to", gettext_lazy("Hiệu lực đến ngày (để trống nếu còn hoạt động)"), ""),
        ("successor", gettext_lazy("Mã đơn vị kế thừa (khi sáp nhập)"), ""),
        ("superior", gettext_lazy("Mã cơ quan cấp trên về tổ chức, nếu có (sở thuộc UBND tỉnh)"), "qn-hnd"),
        (
            "decision_number",
            gettext_lazy("Số, ký hiệu văn bản quyết định, khi ghi ngày hết hiệu lực hoặc đơn vị kế thừa"),
            "",
        ),
        ("decision_date", gettext_lazy("Ngày ban hành văn bản quyết định (dd/mm/yyyy)"), ""),
    ],
    "regulations": [
        ("id", gettext_lazy("Để trống khi thêm mới; ghi mã số để cập nhật"), ""),
        ("number_symbol", gettext_lazy("Số, ký hiệu"), "12/QCPH-UBND-HND"),
        ("title", gettext_lazy("Trích yếu"), "Quy chế phối hợp giữa UBND tỉnh và Hội Nông dân tỉnh"),
        ("issuer", gettext_lazy("Mã cơ quan ban hành"), "qn-ubnd"),
        ("signed_on", gettext_lazy("Ngày ký (YYYY-MM-DD)"), "2026-01-15"),
        ("term_start", gettext_lazy("Giai đoạn từ năm"), "2026"),
        ("term_end", gettext_lazy("Giai đoạn đến năm"), "2030"),
        ("signatories", gettext_lazy("Mã các bên ký, cách nhau bởi dấu phẩy"), "qn-ubnd,qn-hnd"),
        ("status", gettext_lazy("Tình trạng: draft, in_force, expired, replaced"), "in_force"),
    ],
    "obligations": [
        ("id", gettext_lazy("Để trống khi thêm mới; ghi mã số để cập nhật"), ""),
        ("title", gettext_lazy("Tên nhiệm vụ"), "Báo cáo kết quả thực hiện Quy chế phối hợp"),
        ("description", gettext_lazy("Nội dung phải thực hiện"), ""),
        ("source_regulation", gettext_lazy("Mã số quy chế nguồn (một trong ba cột nguồn)"), "1"),
        ("source_item", gettext_lazy("Mã số mục văn bản nguồn"), ""),
        ("source_conclusion", gettext_lazy("Mã số kết luận cuộc họp nguồn"), ""),
        ("source_reference", gettext_lazy("Trích dẫn nguồn, ví dụ Điều 5, khoản 2"), "Điều 9"),
        ("source_wording", gettext_lazy("Nguyên văn trong văn bản nguồn"), ""),
        ("responsible_rule", gettext_lazy("named: các cơ quan nêu tên; signatory_orgs: mọi tổ chức đã ký"), "named"),
        ("responsible_parties", gettext_lazy("Mã các cơ quan chủ trì, cách nhau bởi dấu phẩy"), "qn-hnd"),
        ("owed_to", gettext_lazy("Mã cơ quan nhận báo cáo"), "qn-ubnd"),
        ("recurrence", gettext_lazy("once, yearly, half-yearly, quarterly, monthly, continuous"), "yearly"),
        ("due_date", gettext_lazy("Ngày cuối cùng của nhiệm vụ một lần (YYYY-MM-DD)"), ""),
        ("due_day", gettext_lazy("Ngày của ngày cuối cùng (“trước ngày 15/12” là 14)"), "14"),
        ("due_month", gettext_lazy("Tháng của ngày cuối cùng"), "12"),
        ("due_wording", gettext_lazy("Thời hạn theo nguyên văn"), "hoàn thành trước ngày 15/12"),
        ("move_to_working_day", gettext_lazy("1: hạn rơi vào ngày nghỉ thì chuyển sang ngày làm việc"), "1"),
        ("deliverable", gettext_lazy("report: báo cáo phải nộp; action: việc phải hoàn thành"), "report"),
        ("applies_from", gettext_lazy("Áp dụng từ ngày (YYYY-MM-DD)"), "2026-01-15"),
        ("applies_to", gettext_lazy("Áp dụng đến ngày (YYYY-MM-DD)"), "2030-12-31"),
        ("is_active", gettext_lazy("1: đang áp dụng"), "1"),
    ],
}


def template_dataset(what: str) -> tablib.Dataset:
    """The columns of an import file and one example row, for the user to fill in."""
    columns = TEMPLATE_COLUMNS[what]
    dataset = tablib.Dataset(headers=[name for name, _help, _example in columns])
    dataset.append([example for _name, _help, example in columns])
    return dataset
