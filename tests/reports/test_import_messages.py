"""django-import-export's own messages reach the user in Vietnamese (issue 13, item 4): a date or a number
that cannot be read, a missing column."""

import pytest

from reports.imports import load_dataset, run_import

pytestmark = pytest.mark.django_db

ENGLISH = ("The following fields", "Value could not be parsed", "ConversionSyntax", "not found in dataset")


def _errors(users, demo, what, text):
    dataset = load_dataset(text.encode(), "x.csv")
    outcome = run_import(what=what, dataset=dataset, dry_run=True, actor=users["tanyen"], jurisdiction=demo["ty-ubnd"])
    assert not outcome.ok
    assert not any(word in error for error in outcome.errors for word in ENGLISH), outcome.errors
    return outcome.errors


def test_a_date_that_cannot_be_read_is_explained_in_vietnamese(users, demo):
    errors = _errors(
        users,
        demo,
        "parties",
        "code,name,short_name,kind,level,parent,is_jurisdiction,valid_from\n"
        "ty-moi,Hội Mới,HM,socio_political,district,ty-ubnd,0,31/02/2026x\n",
    )
    assert errors == [
        "Dòng 2: hiệu lực từ (valid_from): không đọc được ngày; hãy ghi theo dạng YYYY-MM-DD (ví dụ 2026-01-15)."
    ]


def test_a_number_that_cannot_be_read_is_explained_in_vietnamese(users, demo):
    errors = _errors(
        users,
        demo,
        "regulations",
        "number_symbol,title,issuer,signed_on,term_start,term_end,signatories,status\n"
        "1/QC,Quy chế,ty-ubnd,2026-01-02,hai nghìn,2030,ty-ubnd,in_force\n",
    )
    assert errors == ["Dòng 2: giai đoạn từ năm (term_start): giá trị không phải là số."]


def test_a_missing_key_column_is_named_in_vietnamese(users, demo):
    errors = _errors(users, demo, "parties", "name,short_name\nHội Mới,HM\n")
    assert "Tệp thiếu cột bắt buộc: code." in errors
