"""Pages of the intake: paste or upload a document (intake), correct what was read (the review page, shown
in answer to that post), confirm (intake_confirm); and the page of one obligation entered or corrected by
hand. Nothing is written before the clerk confirms."""

import tempfile
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from regulations.models import Conclusion, DocumentItem, Party, Regulation
from regulations.rights import Right, refuse
from regulations.selectors import editable_jurisdictions

from . import intake, selectors
from .extraction import Extraction, ExtractionError, extraction_from_file
from .intake_forms import (
    DocumentForm,
    IntakeForm,
    ObligationEditForm,
    ObligationForm,
    ProposalFormSet,
    intake_max_bytes,
)

DOCUMENT_PREFIX = "doc"
PROPOSALS_PREFIX = "p"


def _jurisdictions_or_403(user):
    jurisdictions = editable_jurisdictions(user)
    if not jurisdictions.exists():
        raise refuse(Right.EDIT)
    return jurisdictions


@require_http_methods(["GET", "POST"])
def intake_start(request):
    """Step 1: the text, pasted or uploaded, and the jurisdiction it is read in. A valid post answers with
    the review page."""
    jurisdictions = _jurisdictions_or_403(request.user)
    if request.method == "GET":
        form = IntakeForm(jurisdictions=jurisdictions, initial={"jurisdiction": jurisdictions.first()})
        return _start_page(request, form)
    # The posted jurisdiction goes through the getter like any object: unseen 404, no right to write 403.
    jurisdiction = selectors.get_editable_jurisdiction_for_user(request.user, request.POST.get("jurisdiction"))
    form = IntakeForm(request.POST, request.FILES, jurisdictions=jurisdictions)
    if form.is_valid():
        upload = form.cleaned_data.get("upload")
        try:
            if upload:
                extraction = _read_upload(upload, suffix=form.upload_suffix, jurisdiction=jurisdiction)
            else:
                extraction = intake.extraction_read(text=form.cleaned_data["text"], jurisdiction=jurisdiction)
        except ExtractionError as error:
            form.add_error("upload" if upload else "text", error.message)
        else:
            return _review_page(request, extraction=extraction, jurisdiction=jurisdiction)
    return _start_page(request, form, status=400)


def _start_page(request, form, status=200):
    return render(
        request,
        "obligations/intake_start.html",
        {"form": form, "max_mb": intake_max_bytes() // (1024 * 1024)},
        status=status,
    )


def _read_upload(upload, *, suffix: str, jurisdiction: Party) -> Extraction:
    """Read an uploaded file through a temporary copy that is gone when the request ends."""
    with tempfile.TemporaryDirectory(prefix="intake-") as folder:
        path = Path(folder) / f"van-ban.{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return extraction_from_file(path=path, jurisdiction=jurisdiction, max_bytes=intake_max_bytes())


class _Review:
    """What the review page and its confirmation share: the parties, the regulations and the proposals."""

    def __init__(self, *, extraction: Extraction, jurisdiction: Party):
        self.extraction = extraction
        self.jurisdiction = jurisdiction
        self.data = extraction.as_dict()
        self.rows = self.data["obligations"]
        self.parties = intake.jurisdiction_parties(jurisdiction=jurisdiction, on=extraction.document.date)
        party_list = list(self.parties)
        self.party_choices = [(p.pk, p.name) for p in party_list]
        self.codes = {p.code: p.pk for p in party_list}
        self.regulations = intake.jurisdiction_regulations(jurisdiction=jurisdiction)

    def document_form(self, data=None):
        initial = intake.document_initial(extraction=self.extraction, jurisdiction=self.jurisdiction)
        return DocumentForm(
            data, prefix=DOCUMENT_PREFIX, initial=initial, parties=self.parties, regulations=self.regulations
        )

    def formset(self, data=None):
        year = self.extraction.document.date.year if self.extraction.document.date else None
        term_end = intake.term_end_year(self.data["subject"] or "") or intake.term_end_year(self.extraction.text)
        if term_end is None and year is not None:
            # The regulations in force in the document's year: the obligations last as long as they do.
            term_end = max((r.term_end for r in self.regulations if r.term_start <= year <= r.term_end), default=None)
        initial = [
            intake.proposal_initial(
                row=row, extraction=self.extraction, jurisdiction=self.jurisdiction, codes=self.codes, term_end=term_end
            )
            for row in self.rows
        ]
        return ProposalFormSet(
            data,
            prefix=PROPOSALS_PREFIX,
            initial=initial,
            form_kwargs={"parties": self.parties, "party_choices": self.party_choices},
        )

    def cards(self, formset):
        text = self.extraction.text
        return [
            {
                "form": form,
                "row": row,
                "excerpt": intake.source_excerpt(text=text, start=row["source_start"], end=row["source_end"]),
            }
            for form, row in zip(formset.forms, self.rows, strict=False)
        ]

    def item_texts(self) -> dict[str, str]:
        """Each item's text: from the first to the last sentence the proposals of that item came from."""
        spans: dict[str, tuple[int, int]] = {}
        for row in self.rows:
            start, end = spans.get(row["item"], (row["source_start"], row["source_end"]))
            spans[row["item"]] = (min(start, row["source_start"]), max(end, row["source_end"]))
        return {label: self.extraction.text[start:end].strip() for label, (start, end) in spans.items()}


def _review_page(request, *, extraction, jurisdiction, review=None, document_form=None, formset=None, status=200):
    review = review or _Review(extraction=extraction, jurisdiction=jurisdiction)
    document_form = document_form or review.document_form()
    formset = formset or review.formset()
    return render(
        request,
        "obligations/intake_review.html",
        {
            "jurisdiction": jurisdiction,
            "payload": intake.payload_sign(text=extraction.text, jurisdiction=jurisdiction),
            "document_form": document_form,
            "formset": formset,
            "cards": review.cards(formset),
            "text": extraction.text,
        },
        status=status,
    )


@require_POST
def intake_confirm(request):
    """Step 3: check everything the clerk kept and corrected, then write it all, or nothing."""
    _jurisdictions_or_403(request.user)
    try:
        payload = intake.payload_read(request.POST.get("payload", ""))
    except intake.IntakeError as error:
        messages.error(request, error.message)
        return redirect("obligations:intake")
    jurisdiction = selectors.get_editable_jurisdiction_for_user(request.user, payload.get("jurisdiction"))
    try:
        extraction = intake.extraction_read(text=payload["text"], jurisdiction=jurisdiction)
    except ExtractionError as error:
        messages.error(request, error.message)
        return redirect("obligations:intake")
    review = _Review(extraction=extraction, jurisdiction=jurisdiction)
    document_form = review.document_form(request.POST)
    formset = review.formset(request.POST)

    def again(message: str):
        messages.error(request, message)
        return _review_page(
            request,
            extraction=extraction,
            jurisdiction=jurisdiction,
            review=review,
            document_form=document_form,
            formset=formset,
            status=400,
        )

    if not formset.is_valid() or len(formset.forms) != len(review.rows):
        if len(formset.forms) != len(review.rows):
            return again(_("Danh sách nhiệm vụ gửi lên không khớp với văn bản; hãy nhập lại văn bản."))
        document_form.is_valid()
        return again(_("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
    kept = [(form, row) for form, row in zip(formset.forms, review.rows, strict=True) if form.kept]
    if not document_form.is_valid():
        return again(_("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
    if not kept:
        return again(_("Chưa giữ nhiệm vụ nào: hãy giữ ít nhất một nhiệm vụ trước khi xác nhận."))
    item_texts = review.item_texts()
    document_data = dict(document_form.cleaned_data)
    document_data["regulations"] = list(document_data.get("regulations") or [])
    document_data["body"] = extraction.text
    proposals = [
        {"item": row["item"], "item_text": item_texts[row["item"]], "fields": form.obligation_fields()}
        for form, row in kept
    ]
    try:
        result = intake.intake_confirm(
            actor=request.user, document_data=document_data, proposals=proposals, jurisdiction=jurisdiction
        )
    except intake.IntakeError as error:
        if error.field and error.field in document_form.fields:
            document_form.add_error(error.field, error.message)
        return again(error.message)
    except ValidationError as error:
        return again("; ".join(error.messages))
    messages.success(
        request,
        _("Đã lưu văn bản %(document)s với %(obligations)d nhiệm vụ phối hợp; đã tạo %(tasks)d nhiệm vụ của đơn vị.")
        % {"document": result.document, "obligations": len(result.obligations), "tasks": result.tasks_created},
    )
    return redirect(result.document)


# --- one obligation -----------------------------------------------------------------------------------


def _source_defaults(source) -> dict:
    if isinstance(source, Regulation):
        start = source.signed_on
        return {"applies_from": start, "applies_to": f"{source.term_end}-12-31", "source_reference": ""}
    if isinstance(source, DocumentItem):
        document = source.document
        start = document.issued_on
        end = intake.term_end_year(document.subject)
        return {
            "applies_from": start,
            "applies_to": f"{end}-12-31" if end else (f"{start.year}-12-31" if start else None),
            "source_reference": _("Mục %(item)s") % {"item": source.label},
            "source_wording": source.text,
        }
    if isinstance(source, Conclusion):
        held = source.meeting.held_on
        return {
            "applies_from": held,
            "applies_to": f"{held.year}-12-31",
            "source_reference": _("Kết luận %(number)s") % {"number": source.number},
            "source_wording": source.text,
        }
    return {}


@require_http_methods(["GET", "POST"])
def obligation_new(request):
    """A new obligation of a document item (?item=), a regulation (?regulation=) or a conclusion (?conclusion=)."""
    source = selectors.get_source_for_editing(
        request.user,
        item=request.GET.get("item"),
        regulation=request.GET.get("regulation"),
        conclusion=request.GET.get("conclusion"),
    )
    jurisdiction = intake.source_owner(source).jurisdiction()
    parties = intake.jurisdiction_parties(jurisdiction=jurisdiction, on=None)
    initial = {"owed_to": jurisdiction.pk, "move_to_working_day": True, **_source_defaults(source)}
    form = ObligationForm(request.POST or None, initial=initial, parties=parties)
    if request.method == "POST" and form.is_valid():
        try:
            saved = intake.obligation_create(actor=request.user, source=source, fields=form.obligation_fields())
        except intake.IntakeError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã lưu nhiệm vụ; đã tạo %(tasks)d nhiệm vụ của đơn vị.") % {"tasks": saved.tasks_created},
            )
            return redirect(saved.obligation)
    if request.method == "POST":
        messages.error(request, _("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
    return render(
        request,
        "obligations/obligation_form.html",
        {"form": form, "source": source, "obligation": None},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def obligation_edit(request, pk):
    """Correct an obligation. Its existing tasks stay; the tasks its new schedule lacks are created."""
    obligation = selectors.get_obligation_for_editing(request.user, pk)
    jurisdiction = selectors.obligation_owner(obligation).jurisdiction()
    parties = intake.jurisdiction_parties(jurisdiction=jurisdiction, on=None)
    form = ObligationEditForm(request.POST or None, instance=obligation, parties=parties)
    has_tasks = obligation.tasks.exists()
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data.get("amendment_reason", "")
        try:
            saved = intake.obligation_update(
                actor=request.user, obligation=obligation, fields=form.obligation_fields(), reason=reason
            )
        except intake.IntakeError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã lưu thay đổi; đã tạo thêm %(tasks)d nhiệm vụ của đơn vị.") % {"tasks": saved.tasks_created},
            )
            if saved.changed and reason:
                # Not stored yet: the sources' own trail comes with the regulations app's history of changes.
                messages.info(request, _("Lý do thay đổi: %(reason)s") % {"reason": reason})
            return redirect(saved.obligation)
    if request.method == "POST":
        messages.error(request, _("Chưa lưu: vui lòng sửa các lỗi bên dưới."))
    return render(
        request,
        "obligations/obligation_form.html",
        {"form": form, "source": obligation.source, "obligation": obligation, "has_tasks": has_tasks},
        status=400 if request.method == "POST" else 200,
    )
