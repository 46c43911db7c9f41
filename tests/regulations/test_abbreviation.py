"""A body's abbreviation, as symbols and the "Lưu:" line of decree 30 write it."""

import pytest

from regulations.models import Party
from regulations.text import abbreviation


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Sở Nội vụ tỉnh Quảng Ngãi", "SNV"),
        ("Phòng Nội vụ huyện Tân Yên", "PNV"),
        ("Ủy ban nhân dân thành phố Kon Tum", "UBND"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Kon Tum", "UBMTTQVN"),
        ("Liên đoàn Lao động tỉnh Quảng Ngãi", "LĐLĐ"),
        ("Hội Liên hiệp Phụ nữ tỉnh Quảng Ngãi", "HLHPN"),
        ("Sở Lao động - Thương binh và Xã hội tỉnh Kon Tum", "SLĐTBXH"),
        ("Sở Văn hóa, Thể thao và Du lịch tỉnh Kon Tum", "SVHTTDL"),
        ("Văn phòng HĐND và UBND huyện Tân Yên", "VPHĐNDUBND"),
        ("Huyện ủy Tân Yên", "HU"),
        ("Sở Nội vụ", "SNV"),
    ],
)
def test_the_initials_of_the_name_without_its_territory(name, short):
    assert abbreviation(name) == short


def test_a_short_name_that_starts_with_an_abbreviation_gives_it(demo):
    assert Party.objects.get(code="qn-hnd").abbreviation == "HND"  # "HND Quảng Ngãi"
    assert Party.objects.get(code="qn-ubnd").abbreviation == "UBND"  # "UBND tỉnh Quảng Ngãi"
    # "Sở Nội vụ Quảng Ngãi" and "Ủy ban MTTQ Quảng Ngãi" do not start with one: the name's initials.
    assert Party.objects.get(code="qn-snv").abbreviation == "SNV"
    assert Party.objects.get(code="qn-mttq").abbreviation == "UBMTTQVN"
