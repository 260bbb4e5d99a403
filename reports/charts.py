"""Charts drawn on the server as SVG by pygal (pinned, pure Python, no JavaScript needed:
its optional tooltip script is switched off), so the page and the PDF show the very same
picture and nothing is fetched from outside. Labels use the Vietnamese number forms."""

from __future__ import annotations

import base64
import re

import pygal
from pygal.style import Style

from chqs.text import format_int, format_number

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#000",
    foreground_subtle="#ccc",
    colors=("#2e6b3a", "#c0392b", "#2c5d8f", "#d68910", "#7d3c98"),
    font_family="Liberation Serif, Times New Roman, serif",
    label_font_size=11,
    major_label_font_size=11,
    value_font_size=11,
    title_font_size=14,
    legend_font_size=11,
    no_data_font_size=22,
)


def _whole(value) -> str:
    """1122 → "1.122"; the axis ticks pygal puts between whole numbers stay blank."""
    if value is None or value != int(value):
        return ""
    return format_int(int(value))


CONFIG = {
    "style": STYLE,
    "js": [],  # no script: a static picture (and nothing from a CDN)
    "disable_xml_declaration": True,
    "width": 640,
    "height": 300,
    "print_values": True,
    "no_data_text": "Chưa có số liệu",
    "show_legend": False,
    "value_formatter": lambda v: _whole(v),
}

# Vertical bars: pygal labels every tick of the value axis (16 of them for 0–1.500);
# keep about six. Not for horizontal bars, whose y labels are the categories.
FEW_TICKS = {"show_minor_y_labels": False, "y_labels_major_count": 6}


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _svg(chart) -> str:
    # pygal always embeds its tooltip configuration as a <script>, even without the
    # tooltip library: drop it, the picture is static.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def data_uri(svg: str) -> str:
    """An <img src> for an SVG: the same markup in the browser and in WeasyPrint."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def strength_by_kind(figures: dict) -> str:
    items = [k for k in figures["members"]["by_kind"] if k["count"]]
    chart = pygal.HorizontalBar(**CONFIG, title="Quân số theo thành phần")
    chart.x_labels = [k["name"] for k in items]
    chart.add("Quân số", [k["count"] for k in items])
    return _svg(chart)


def training_by_agency(figures: dict, limit: int = 15) -> str:
    rows = [r for r in figures["rows"] if r["training_quota"]]
    rows.sort(key=lambda r: r["rate"] or 0)
    rows = rows[:limit]
    config = {**CONFIG, "value_formatter": lambda v: f"{v:.0f}%".replace(".", ",")}
    chart = pygal.HorizontalBar(
        **config, title="Tỷ lệ huấn luyện theo cơ quan (thấp nhất)", range=(0, 100)
    )
    chart.x_labels = [r["name"][:40] for r in rows]
    chart.add("Tỷ lệ", [r["rate"] or 0 for r in rows])
    return _svg(chart)


def man_days_by_month(figures: dict) -> str:
    months = figures["duty"].get("by_month", [])
    # Man-days may be fractional (6.502,5): print them whole or with their decimals.
    config = {
        **CONFIG,
        **FEW_TICKS,
        "value_formatter": lambda v: "" if v is None else format_number(v),
    }
    chart = pygal.Bar(**config, title="Ngày công trực theo tháng")
    chart.x_labels = [m["month"] for m in months]
    chart.add("Ngày công", [m["man_days"] for m in months])
    return _svg(chart)


def returns_status(counts: dict[str, int]) -> str:
    """counts: {"Đã phê duyệt": n, "Đã trình": n, "Chưa nộp": n, "Quá hạn": n}."""
    chart = pygal.Bar(**CONFIG, **FEW_TICKS, title="Tình hình nộp báo cáo")
    chart.x_labels = list(counts)
    chart.add("Số đơn vị", list(counts.values()))
    return _svg(chart)


def report_charts(figures: dict) -> list[str]:
    """The charts of a return, as <img> sources."""
    charts = [strength_by_kind(figures)]
    if figures["duty"].get("by_month"):
        charts.append(man_days_by_month(figures))
    if any(r["training_quota"] for r in figures["rows"]):
        charts.append(training_by_agency(figures))
    return [data_uri(svg) for svg in charts]
