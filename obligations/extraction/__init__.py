"""Rule-based extraction of document fields and proposed obligations from a Vietnamese administrative text.

Pure Python over text; the only database use is matching the names a document writes to a jurisdiction's
parties (``parties.parties_match``). Entry points: ``extraction_from_text`` and ``extraction_from_file``.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExtractionError
from .parser import ParsedDocument, document_parse
from .reading import DEFAULT_MAX_BYTES, text_clean, text_read

__all__ = ["DEFAULT_MAX_BYTES", "Extraction", "ExtractionError", "extraction_from_file", "extraction_from_text"]


@dataclass
class Extraction:
    document: ParsedDocument
    jurisdiction: object | None = None

    @property
    def text(self) -> str:
        """The cleaned text the proposals' ``source_start``/``source_end`` point into."""
        return self.document.text

    def as_dict(self) -> dict:
        from .parties import jurisdiction_parties, parties_match

        doc = self.document
        obligations = []
        known = (
            jurisdiction_parties(jurisdiction=self.jurisdiction, on=doc.date) if self.jurisdiction is not None else []
        )
        for proposal in doc.obligations:
            row: dict[str, Any] = {
                "item": proposal.item,
                "verb": proposal.verb,
                "lead": proposal.lead,
                "cooperating": proposal.cooperating,
            }
            if self.jurisdiction is not None:
                row["lead_codes"] = parties_match(names=proposal.lead, jurisdiction=self.jurisdiction, parties=known)
                row["cooperating_codes"] = [
                    code
                    for code in parties_match(names=proposal.cooperating, jurisdiction=self.jurisdiction, parties=known)
                    if code not in row["lead_codes"]
                ]
            row.update(
                {
                    "action": proposal.action,
                    "recurrence": proposal.recurrence,
                    "deadline_text": proposal.deadline.wording if proposal.deadline else None,
                    "deadline": proposal.deadline.as_dict() if proposal.deadline else None,
                    "deliverable": proposal.deliverable,
                    "source_start": proposal.source_start,
                    "source_end": proposal.source_end,
                }
            )
            obligations.append(row)
        return {
            "number_symbol": doc.number_symbol,
            "issuer": doc.issuer,
            "date": doc.date.isoformat() if doc.date else None,
            "subject": doc.subject,
            "signing_authority": doc.signing_authority,
            "signer": doc.signer,
            "signer_title": doc.signer_title,
            "obligations": obligations,
        }


def extraction_from_text(*, text: str, jurisdiction=None) -> Extraction:
    """Parse a text (cleaned here: NFC, markdown emphasis and leading "#" lines removed)."""
    return Extraction(document=document_parse(text=text_clean(text=text)), jurisdiction=jurisdiction)


def extraction_from_file(*, path: Path, jurisdiction=None, max_bytes: int = DEFAULT_MAX_BYTES) -> Extraction:
    """Read a .txt, .docx or text-layer .pdf and parse it; refusals are ExtractionError."""
    return Extraction(
        document=document_parse(text=text_read(path=Path(path), max_bytes=max_bytes)), jurisdiction=jurisdiction
    )
