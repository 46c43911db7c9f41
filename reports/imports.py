"""Spreadsheet imports of parties, regulations and obligations: preview first, then all or nothing."""

from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from obligations.resources import ObligationResource
from regulations.models import Party
from regulations.resources import PartyResource, RegulationResource
from regulations.rights import Right, require, require_actor

from .selectors import can_import


def row_type_label(import_type: str) -> str:
    """What django-import-export will do with a row, in the user's words."""
    labels = {"new": _("thêm mới"), "update": _("cập nhật"), "skip": _("không đổi"), "delete": _("xóa")}
    return str(labels.get(import_type, import_type))


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


def load_dataset(content: bytes, filename: str) -> tablib.Dataset:
    if filename.lower().endswith(".xlsx"):
        return tablib.Dataset().load(content, format="xlsx")
    text = content.decode("utf-8-sig")
    return tablib.Dataset().load(text, format="csv")


def _message(error: Exception) -> str:
    if isinstance(error, ObjectDoesNotExist):
        return _("không tìm thấy đối tượng được tham chiếu (mã không tồn tại)")
    if isinstance(error, ValidationError):
        return "; ".join(str(m) for m in error.messages)
    return _("giá trị không hợp lệ (%(detail)s)") % {"detail": error}


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


def run_import(*, what: str, dataset: tablib.Dataset, dry_run: bool, actor, jurisdiction: Party) -> ImportOutcome:
    """Import every row or none, into one jurisdiction: a row about anything outside it fails the file. With
    dry_run the database is left as it was, whatever happens. The actor must hold the import right on the
    jurisdiction, whoever calls (the page, a script), before anything is read or written."""
    require_actor(actor, Right.IMPORT)
    require(can_import(actor, jurisdiction), Right.IMPORT)
    # A ModelResource with our mixins (import-export ships no types).
    resource: Any = RESOURCES[what](jurisdiction=jurisdiction)
    result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
    errors = []
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append(_("Dòng %(row)s: %(message)s") % {"row": number + 1, "message": _message(error.error)})
    for invalid in result.invalid_rows:
        for field_name, messages in invalid.error_dict.items():
            for message in messages:
                label = "" if field_name == "__all__" else f"{_field_label(resource, field_name)}: "
                errors.append(_("Dòng %(row)s: %(message)s") % {"row": invalid.number + 1, "message": label + message})
    errors.sort(key=_row_of)
    for error in result.base_errors:
        errors.append(_message(error.error))
    preview = []
    for number, row in enumerate(result.rows[:200], start=2):
        preview.append({"line": number, "type": row_type_label(row.import_type), "object": row.object_repr or ""})
    return ImportOutcome(
        ok=not errors,
        counts={key: value for key, value in result.totals.items() if value},
        errors=errors,
        preview=preview,
        headers=list(dataset.headers or []),
    )
