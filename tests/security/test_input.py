"""Submitted text loses its NUL bytes and invisible characters before a view reads it (issue 13, items 8, 10)."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from config.input import cleaned
from regulations.text import clean_free_text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a\x00b", "ab"),
        ("Hội\u202e Nông dân\u202c", "Hội Nông dân"),  # right-to-left override and its end
        ("Báo\u200bcáo\u200d\ufeff", "Báocáo"),  # zero-width space and joiner, byte-order mark
        ("\u2066isolate\u2069\u200f", "isolate"),
        ("Dòng một\r\nDòng hai\tcột", "Dòng một\r\nDòng hai\tcột"),  # line breaks and tabs stay
        ("Hội Nông dân", "Hội Nông dân"),  # decomposed marks become NFC
        ("", ""),
    ],
)
def test_clean_free_text(typed, stored):
    assert clean_free_text(typed) == stored


def test_passwords_and_clean_data_are_left_alone():
    data = QueryDict("username=an%00h&password=p%00ss&new_password1=x%E2%80%8By")
    result = cleaned(data)
    assert result["username"] == "anh"
    assert result["password"] == "p\x00ss" and result["new_password1"] == "x\u200by"
    plain = QueryDict("q=h%E1%BB%99i&page=2")
    assert cleaned(plain) is plain  # nothing to clean: the same object


def test_a_nul_byte_in_the_search_is_not_an_error(client, users):
    client.force_login(users["hnd"])
    response = client.get(reverse("obligations:search"), {"q": "Hội\x00 Nông dân"})
    assert response.status_code == 200
    assert "Hội Nông dân" in response.content.decode()


@pytest.mark.parametrize("name", ["obligations:task_list", "obligations:obligation_list", "obligations:my_tasks"])
def test_a_nul_byte_in_any_filter_is_not_an_error(client, users, name):
    client.force_login(users["sonoivu"])
    response = client.get(reverse(name), {"q": "a\x00b", "status": "\x00", "page": "1\x00"})
    assert response.status_code == 200


def test_a_form_without_its_csrf_token_gets_a_vietnamese_page(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["hnd"])
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in page and "Không có gì được lưu" in page
    assert "CSRF verification failed" not in page
