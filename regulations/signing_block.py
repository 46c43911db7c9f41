"""The signing block of a decree-30 document (khối chữ ký) as it prints: the authority lines, the signer's
title, a space for the signature and the seal, the signer's name. The printed documents (reports.pdf) and the
forms' preview both read it here, so the preview shows what the paper will say."""


def signing_lines(block: str, title: str) -> list[str]:
    """The signing block in upper case, then the signer's title unless the block already ends with it
    ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" with the title "Phó Chủ tịch" prints "PHÓ CHỦ TỊCH" once)."""
    lines = [line.strip().upper() for line in block.splitlines() if line.strip()]
    title = title.strip().upper()
    if title and (not lines or lines[-1] != title):
        lines.append(title)
    return lines


def signing_preview(form, *, block: str = "signing_block", title: str = "signer_title", name: str = "signer_name"):
    """What the form's signing fields print, from what was typed (a bound form) or what is stored: the preview
    the page shows before any script runs (static/js/signing-preview.js keeps it up to date)."""

    def value(field: str) -> str:
        return str(form[field].value() or "") if field in form.fields else ""

    return {
        "lines": signing_lines(value(block), value(title)),
        "name": value(name).strip(),
        "ids": {key: form[field].auto_id for key, field in (("block", block), ("title", title), ("name", name))},
    }
