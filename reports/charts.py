"""Charts drawn on the server as inline SVG (no script, no CDN): rates over the years."""

from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    height: float
    value_label: str
    css: str


@dataclass
class BarGroup:
    label: str
    x_label: float
    bars: list[Bar]


@dataclass
class RateChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    bar_width: float
    groups: list[BarGroup]
    gridlines: list[tuple[float, str]]


def rate_chart(by_year: dict, *, width: int = 640, height: int = 240) -> RateChart:
    """Two bars per year: reporting rate and on-time rate, 0–100 %."""
    left, top, bottom = 40, 12, height - 28
    years = sorted(by_year)
    plot_width = width - left - 10
    slot = plot_width / max(len(years), 1)
    bar_width = min(28.0, slot / 3)
    groups = []
    for index, year in enumerate(years):
        counts = by_year[year]
        x0 = left + index * slot + (slot - 2 * bar_width - 4) / 2
        bars = []
        for offset, (rate, css) in enumerate(
            [(counts.reporting_rate, "bar-reporting"), (counts.on_time_rate, "bar-on-time")]
        ):
            value = rate or 0.0
            bar_height = (bottom - top) * value
            bars.append(
                Bar(
                    x=round(x0 + offset * (bar_width + 4), 1),
                    y=round(bottom - bar_height, 1),
                    height=round(bar_height, 1),
                    value_label="—" if rate is None else f"{round(rate * 100)}%",
                    css=css,
                )
            )
        groups.append(BarGroup(label=str(year), x_label=round(left + index * slot + slot / 2, 1), bars=bars))
    gridlines = [(round(bottom - (bottom - top) * p / 100, 1), f"{p}%") for p in (0, 25, 50, 75, 100)]
    return RateChart(
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        bar_width=round(bar_width, 1),
        groups=groups,
        gridlines=gridlines,
    )
