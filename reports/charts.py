"""Charts drawn on the server as inline SVG (no script, no CDN): rates over the years."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class Bar:
    x: float
    y: float
    height: float
    value_label: str
    css: str
    name: str  # what the bar measures: "Tỷ lệ hoàn thành"


@dataclass
class BarGroup:
    label: str
    x_label: float
    bars: list[Bar]
    summary: str  # the year's figures in words, for whoever cannot see the bars


@dataclass
class RateChart:
    width: int
    height: int
    left: int  # where the plot begins: the percentages of the gridlines end just before it
    plot_top: int
    plot_bottom: int
    bar_width: float
    groups: list[BarGroup]
    gridlines: list[tuple[float, str]]

    @property
    def description(self) -> str:
        """The chart's figures as text (its <desc>): "2024: tỷ lệ hoàn thành 80%, tỷ lệ đúng hạn 70%; …"."""
        return "; ".join(group.summary for group in self.groups) + "."


def rate_chart(by_year: dict, *, width: int = 640, height: int = 240) -> RateChart:
    """Two bars per year: reporting rate and on-time rate, 0–100 %."""
    # The left margin holds "100%" in the larger type of a phone too (18 units there, 11 elsewhere: app.css).
    left, top, bottom = 50, 12, height - 28
    years = sorted(by_year)
    plot_width = width - left - 10
    slot = plot_width / max(len(years), 1)
    bar_width = min(28.0, slot / 3)
    groups = []
    for index, year in enumerate(years):
        counts = by_year[year]
        x0 = left + index * slot + (slot - 2 * bar_width - 4) / 2
        bars = []
        measures = [
            (counts.reporting_rate, "bar-reporting", _("Tỷ lệ hoàn thành")),
            (counts.on_time_rate, "bar-on-time", _("Tỷ lệ đúng hạn")),
        ]
        for offset, (rate, css, name) in enumerate(measures):
            value = rate or 0.0
            bar_height = (bottom - top) * value
            bars.append(
                Bar(
                    x=round(x0 + offset * (bar_width + 4), 1),
                    y=round(bottom - bar_height, 1),
                    height=round(bar_height, 1),
                    value_label="—" if rate is None else f"{round(rate * 100)}%",
                    css=css,
                    name=name,
                )
            )
        if counts.reporting_rate is None:  # nothing was expected that year: no rate at all
            summary = _("%(year)s: không có nhiệm vụ phải thực hiện") % {"year": year}
        else:
            summary = _("%(year)s: tỷ lệ hoàn thành %(reporting)s, tỷ lệ đúng hạn %(on_time)s") % {
                "year": year,
                "reporting": bars[0].value_label,
                "on_time": bars[1].value_label,
            }
        groups.append(
            BarGroup(label=str(year), x_label=round(left + index * slot + slot / 2, 1), bars=bars, summary=summary)
        )
    gridlines = [(round(bottom - (bottom - top) * p / 100, 1), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return RateChart(
        width=width,
        height=height,
        left=left,
        plot_top=top,
        plot_bottom=bottom,
        bar_width=round(bar_width, 1),
        groups=groups,
        gridlines=gridlines,
    )
