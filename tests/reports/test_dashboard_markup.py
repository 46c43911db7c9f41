"""The dashboard's markup as machines and screen readers read it (issue 14): the chart's numbers are written
with a decimal point in every language, its description gives the figures, and each count link says what
it counts.

The world of conftest.py: 2021 — 3 tasks expected, 3 done, 2 on time (100%, 67%); 2022 — 4 expected, 1 done,
none on time (25%, 0%)."""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reports import charts
from reports.selectors import Counts

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
# Attributes a browser reads as numbers; a decimal comma in any of them draws nothing.
NUMERIC = {"x", "y", "x1", "x2", "y1", "y2", "width", "height"}
# Attributes read by people, where "12,5" may be right; every other attribute is read by a machine.
FOR_PEOPLE = {"aria-label", "title", "alt", "placeholder"}


class Elements(HTMLParser):
    """Every start tag of a page as (tag, attributes), the text of each <a> as its last item."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict, list[str]]] = []
        self._open_links: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        text: list[str] = []
        self.found.append((tag, dict(attrs), text))
        if tag == "a":
            self._open_links.append(text)

    def handle_endtag(self, tag):
        if tag == "a" and self._open_links:
            self._open_links.pop()

    def handle_data(self, data):
        for text in self._open_links:
            text.append(data)


def page(client, user, language="vi", **params) -> str:
    client.force_login(user)
    if language != "vi":
        client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    return response.content.decode()


def svg_of(html: str) -> ET.Element:
    """The chart's <svg> (the page has icons too)."""
    start = html.index("<svg", html.index('<section aria-labelledby="chart-title"'))
    # The page is our own, rendered in the test: no untrusted XML.
    return ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])  # noqa: S314


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_number_of_the_chart_parses_as_a_number(client, world, frozen, language):
    """Both languages write decimals with a comma ("133,3"): the SVG must not, or chromium draws no bar."""
    svg = svg_of(page(client, world["users"]["focal"], language))
    assert [float(part) for part in svg.attrib["viewBox"].split()] == [0.0, 0.0, 640.0, 240.0]
    checked = 0
    for element in svg.iter():
        for name in NUMERIC & element.attrib.keys():
            float(element.attrib[name])  # raises ValueError on "133,3"
            checked += 1
    heights = [float(rect.attrib["height"]) for rect in svg.iter(f"{SVG}rect")]
    # Two bars a year; 2022's on-time bar is 0%, the others are drawn, one of them at a fraction of a pixel.
    assert len(heights) == 4 and sum(height > 0 for height in heights) == 3
    assert any(not height.is_integer() for height in heights)
    assert checked > 20


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_attribute_a_machine_reads_holds_a_localised_number(client, world, frozen, language):
    """data-*, style, value, SVG geometry…: a number there is "0.5", never "0,5" (nor "1.234" for 1234)."""
    html = page(client, world["users"]["focal"], language)
    parser = Elements()
    parser.feed(html)
    localised = [
        (tag, name, value)
        for tag, attrs, _text in parser.found
        for name, value in attrs.items()
        if name not in FOR_PEOPLE and name != "href" and value and re.search(r"\d,\d", value)
    ]
    assert localised == []
    assert any(name.startswith("data-") for _tag, attrs, _text in parser.found for name in attrs)


def test_the_chart_description_gives_each_years_figures(client, world, frozen):
    svg = svg_of(page(client, world["users"]["focal"]))
    assert svg.attrib["aria-describedby"] == "chart-desc"
    desc = svg.find(f"{SVG}desc")
    assert desc is not None and desc.attrib["id"] == "chart-desc"
    text = desc.text or ""
    assert "2021: tỷ lệ hoàn thành 100%, tỷ lệ đúng hạn 67%" in text
    assert "2022: tỷ lệ hoàn thành 25%, tỷ lệ đúng hạn 0%" in text
    # Each bar's tooltip says which rate it shows.
    titles = [title.text for title in svg.iter(f"{SVG}title")]
    assert "2021 — Tỷ lệ đúng hạn: 67%" in titles and "2022 — Tỷ lệ hoàn thành: 25%" in titles


def counts(**by_status) -> Counts:
    result = Counts()
    for status, n in by_status.items():
        result.add(status, n)
    return result


def test_a_year_with_nothing_expected_is_described_as_such():
    chart = charts.rate_chart({2023: counts(excused=1), 2024: counts(done_on_time=1)})
    assert chart.description == (
        "2023: không có nhiệm vụ phải thực hiện; 2024: tỷ lệ hoàn thành 100%, tỷ lệ đúng hạn 100%."
    )


def test_each_count_link_says_what_it_counts_and_whose(client, world, frozen):
    """A screen reader reads "1 nhiệm vụ quá hạn của Hội Nông dân tỉnh Thử Nghiệm", not a bare "1"."""
    html = page(client, world["users"]["focal"], year=2022)
    table = html[html.index('id="party-table"') : html.index("</table>", html.index('id="party-table"'))]
    parser = Elements()
    parser.feed(table)
    names = {}
    for tag, attrs, text in parser.found:
        if tag == "a":
            label = attrs.get("aria-label", "")
            # The name begins with the figure shown (WCAG 2.5.3, the visible label is in the name).
            assert label.startswith("".join(text).strip() + " "), (label, text)
            names[
                re.search(r"status=(\w+)", attrs["href"]).group(1), re.search(r"party=(\d+)", attrs["href"]).group(1)
            ] = label
    a, b, c = (str(world[key].pk) for key in ("a", "b", "c"))
    assert names == {
        ("overdue", a): "1 nhiệm vụ quá hạn của Hội Nông dân tỉnh Thử Nghiệm",
        ("submitted", b): "1 nhiệm vụ của Hội Liên hiệp Phụ nữ tỉnh Thử Nghiệm đã nộp, chờ xem xét",
        ("done_late", c): "1 nhiệm vụ hoàn thành trễ hạn của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thử Nghiệm",
        ("pending", str(world["focal"].pk)): "1 nhiệm vụ chưa hoàn thành, còn hạn của Sở Nội vụ tỉnh Thử Nghiệm",
    }


def test_the_total_count_links_say_what_they_count(client, world, frozen):
    html = page(client, world["users"]["focal"])
    parser = Elements()
    parser.feed(html[html.index('class="dashboard-summary"') : html.index('aria-labelledby="chart-title"')])
    labels = {
        attrs["href"].rsplit("status=", 1)[1]: attrs.get("aria-label")
        for tag, attrs, _ in parser.found
        if tag == "a" and "status=" in attrs["href"]
    }
    assert labels["done_on_time"] == "2 nhiệm vụ hoàn thành đúng hạn"
    assert labels["excused"] == "1 nhiệm vụ được miễn"
    assert labels["returned"] == "0 nhiệm vụ bị trả lại để chỉnh sửa"
    assert len(labels) == 7
