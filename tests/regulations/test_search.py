import pytest

from regulations.models import Party
from regulations.selectors import search_filter
from regulations.text import nfc, search_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hội Nông dân", "hoi nong dan"),
        ("LIÊN ĐOÀN LAO ĐỘNG", "lien doan lao dong"),
        ("4859/QCPH-UBND-LĐLĐ", "4859/qcph-ubnd-ldld"),
        ("Ủy  ban\tMTTQ", "uy ban mttq"),
    ],
)
def test_search_key_folds_diacritics_case_and_spacing(text, folded):
    assert search_key(text) == folded


def test_decomposed_input_is_stored_in_nfc(make_party):
    decomposed = "Hội Nông dân tỉnh"
    import unicodedata

    decomposed = unicodedata.normalize("NFD", decomposed)
    party = make_party(decomposed)
    party.refresh_from_db()
    assert party.name == nfc(decomposed)
    assert party.name == unicodedata.normalize("NFC", party.name)
    assert len(party.name) < len(decomposed)


def test_hoi_nong_dan_finds_hoi_nong_dan(demo):
    found = set(search_filter(Party.objects.all(), "hoi nong dan").values_list("code", flat=True))
    assert {"kt-hnd", "qn-hnd", "ty-hnd"} <= found
    assert "kt-mttq" not in found


def test_search_page_finds_the_regulation_by_its_number(demo, users, client):
    client.force_login(users["sonoivu"])
    response = client.get("/search/", {"q": "4857"})
    assert response.status_code == 200
    assert "4857/QCPH-UBND-UBMTTQVN" in response.content.decode()


def test_search_page_ignores_diacritics_and_case(demo, users, client):
    client.force_login(users["sonoivu"])
    page = client.get("/search/", {"q": "HOI NONG DAN"}).content.decode()
    assert "Hội Nông dân tỉnh Kon Tum" in page


def test_search_never_shows_what_the_user_may_not_see(demo, users, client):
    client.force_login(users["hnd"])
    page = client.get("/search/", {"q": "quy che"}).content.decode()
    assert "4861/QCPH-UBND-HND" in page
    assert "4857/QCPH-UBND-UBMTTQVN" not in page
    client.force_login(users["tanyen"])
    assert "106/UBND-KGVX" not in client.get("/search/", {"q": "106"}).content.decode()
