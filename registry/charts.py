"""Charts drawn on the server as SVG: bars, stacked bars, lines and the tile map of the 18 kecamatan.

Pure functions: numbers and labels in, SVG markup out. Every label is escaped before the markup is
marked safe; each chart has a <title> and a <desc> for screen readers (the page shows the numbers
in a table beside it as well). Colours come from classes in static/css/site.css (the CSP forbids
inline styles), so charts print and need no script.
"""

import zlib

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

# Schematic positions (column, row) of the kecamatan of Kutai Timur: west inland to the east coast.
TILE_POSITIONS = {
    "64.08.06": (0, 0),  # Busang
    "64.08.07": (1, 0),  # Telen
    "64.08.02": (2, 0),  # Muara Wahau
    "64.08.08": (3, 0),  # Kombeng
    "64.08.16": (5, 0),  # Karangan
    "64.08.01": (0, 1),  # Muara Ancalong
    "64.08.18": (1, 1),  # Long Mesangat
    "64.08.17": (2, 1),  # Batu Ampar
    "64.08.09": (3, 1),  # Bengalon
    "64.08.15": (4, 1),  # Kaubun
    "64.08.11": (5, 1),  # Sandaran
    "64.08.03": (1, 2),  # Muara Bengkal
    "64.08.14": (2, 2),  # Rantau Pulung
    "64.08.04": (3, 2),  # Sangatta Utara
    "64.08.10": (4, 2),  # Kaliorang
    "64.08.05": (5, 2),  # Sangkulirang
    "64.08.13": (2, 3),  # Teluk Pandan
    "64.08.12": (3, 3),  # Sangatta Selatan
}
CLASSES = 5  # colour steps of the tile map
LIGHT_TEXT_STEPS = {4, 5}  # the darkest fills carry white text


def _open(width, height, title, desc, css, role="img"):
    """The chart's <svg>: a picture (role img) or, when it holds links, a labelled group of them
    (an img may not contain anything interactive, and its links would be lost to screen readers)."""
    ident = zlib.crc32(f"{title}|{desc}".encode())
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width} {height}" '
        f'role="{role}" aria-labelledby="t{ident} d{ident}">'
        f'<title id="t{ident}">{escape(title)}</title><desc id="d{ident}">{escape(desc)}</desc>'
    )


def _number(value):
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(*, title, desc, items, width=480, bar=22):
    """Horizontal bars: items are (label, value, text shown at the bar's end); None draws no bar."""
    values = [value for _, value, _ in items if value is not None]
    top = max(values, default=0) or 1
    label_width, gap = 170, 6
    height = max(len(items), 1) * (bar + gap) + gap
    parts = [_open(width, height, title, desc, "chart-bars")]
    span = width - label_width - 90
    for index, (label, value, text) in enumerate(items):
        y = gap + index * (bar + gap)
        parts.append(
            f'<text class="chart-label" x="{label_width - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        if value is not None:
            length = max(span * value / top, 1 if value else 0)
            parts.append(f'<rect class="chart-bar" x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}"/>')
            parts.append(f'<text class="chart-value" x="{label_width + length + 4:.1f}" y="{y + bar * 0.7:.1f}">'
                         f"{escape(text)}</text>")
        else:
            parts.append(f'<text class="chart-missing" x="{label_width + 4}" y="{y + bar * 0.7:.1f}">'
                         f"{escape(text)}</text>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bars(*, title, desc, rows, legend, width=480, bar=18):
    """100% stacked bars: rows are (label, [count per segment]); legend is [(label, css class)]."""
    label_width, gap = 150, 6
    legend_height = 22
    height = legend_height + max(len(rows), 1) * (bar + gap) + gap
    parts = [_open(width, height, title, desc, "chart-stacked")]
    x = 0
    for label, css in legend:
        parts.append(f'<rect class="{escape(css)}" x="{x}" y="4" width="12" height="12"/>'
                     f'<text class="chart-legend" x="{x + 16}" y="14">{escape(label)}</text>')
        x += 18 + 7 * len(str(label))
    span = width - label_width - 10
    for index, (label, counts) in enumerate(rows):
        y = legend_height + gap + index * (bar + gap)
        parts.append(f'<text class="chart-label" x="{label_width - 6}" y="{y + bar * 0.75:.1f}" '
                     f'text-anchor="end">{escape(label)}</text>')
        total = sum(counts)
        start = label_width
        for (segment, css), count in zip(legend, counts, strict=True):
            if not total or not count:
                continue
            length = span * count / total
            parts.append(f'<rect class="{escape(css)}" x="{start:.1f}" y="{y}" width="{length:.1f}" height="{bar}">'
                         f"<title>{escape(label)}: {escape(segment)} {count}</title></rect>")
            start += length
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(*, title, desc, years, series, width=560, height=220, axis=str):
    """Lines over years: series are (label, css class, [value or None per year]); None leaves a gap.

    `axis` writes the value of the top and middle grid lines (the reader's number format)."""
    left, right, top, bottom = 96, 12, 12, 40
    values = [v for _, _, points in series for v in points if v is not None]
    high = max(values, default=0) or 1
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(years) - 1, 1)
    parts = [_open(width, height, title, desc, "chart-lines")]
    parts.append(f'<line class="chart-axis" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>')
    for index, year in enumerate(years):
        x = left + index * step
        parts.append(f'<text class="chart-label" x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                     f"{escape(year)}</text>")
    for fraction in (0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line class="chart-grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}"/>')
        if values:
            parts.append(f'<text class="chart-label" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                         f"{escape(axis(high * fraction))}</text>")
    for number, (label, css, points) in enumerate(series):
        segment = []
        for index, value in enumerate([*points, None]):
            if value is None:
                if len(segment) > 1:
                    parts.append(f'<polyline class="chart-line {escape(css)}" points="{" ".join(segment)}"/>')
                segment = []
                continue
            x, y = left + index * step, top + plot_h * (1 - value / high)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle class="chart-dot {escape(css)}" cx="{x:.1f}" cy="{y:.1f}" r="3">'
                         f"<title>{escape(label)} {escape(years[index])}: {_number(value)}</title></circle>")
        key_x = 8 + number * (width - 16) / len(series)
        parts.append(f'<rect class="{escape(css)} chart-key" x="{key_x:.1f}" y="{height - 14}" '
                     f'width="12" height="4"/><text class="chart-legend" x="{key_x + 16:.1f}" '
                     f'y="{height - 9}">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def colour_class(value, low, high):
    """The colour step 1..CLASSES of a value between low and high; 0 for a missing value."""
    if value is None:
        return 0
    if high <= low:
        return CLASSES
    return min(CLASSES, 1 + int((value - low) / (high - low) * CLASSES))


def tile_map(*, title, desc, tiles, tile=92, format_value=str):
    """The 18 kecamatan as tiles: tiles are (code, name, value, text, href); colour by value.

    Below the tiles, a legend: the colour steps from the lowest to the highest value (written with
    `format_value`) and the grey of a kecamatan without a figure. Text on the two darkest steps is
    white, elsewhere dark: at least 4.5:1 on every fill (tests/test_dashboard.py checks the colours).
    """
    values = [value for _, _, value, _, _ in tiles if value is not None]
    low, high = min(values, default=0), max(values, default=0)
    columns, rows = 6, 4
    legend_height = 44
    parts = [_open(columns * tile, rows * tile + legend_height, title, desc, "chart-tiles", role="group")]
    for code, name, value, text, href in tiles:
        column, row = TILE_POSITIONS.get(code, (0, 0))
        x, y = column * tile, row * tile
        step = colour_class(value, low, high)
        ink = " tile-text-light" if step in LIGHT_TEXT_STEPS else ""
        parts.append(
            f'<a href="{escape(href)}"><rect class="tile tile-{step}" x="{x + 2}" y="{y + 2}" width="{tile - 4}" '
            f'height="{tile - 4}" rx="6"><title>{escape(name)}: {escape(text)}</title></rect>'
            f'<text class="tile-name{ink}" x="{x + tile / 2}" y="{y + tile * 0.42:.1f}" text-anchor="middle">'
            f"{escape(name)}</text>"
            f'<text class="tile-value{ink}" x="{x + tile / 2}" y="{y + tile * 0.7:.1f}" text-anchor="middle">'
            f"{escape(text)}</text></a>"
        )
    parts.append(_tile_legend(y=rows * tile + 8, low=format_value(low) if values else "–",
                              high=format_value(high) if values else "–"))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _tile_legend(*, y, low, high, swatch=26):
    """The tile map's key: the five steps between the lowest and the highest value, and "no figure"."""
    parts = ['<g class="tile-legend" aria-hidden="true">']
    parts.append(f'<text class="legend-label" x="4" y="{y + swatch * 0.7:.1f}">{escape(low)}</text>')
    start = 4 + 8 * max(len(str(low)), 3)
    for step in range(1, CLASSES + 1):
        parts.append(f'<rect class="legend-swatch tile-{step}" x="{start + (step - 1) * swatch}" y="{y}" '
                     f'width="{swatch}" height="{swatch}" rx="3"/>')
    end = start + CLASSES * swatch + 6
    parts.append(f'<text class="legend-label" x="{end}" y="{y + swatch * 0.7:.1f}">{escape(high)}</text>')
    missing = end + 8 * max(len(str(high)), 3) + 24
    parts.append(f'<rect class="legend-swatch tile-0" x="{missing}" y="{y}" width="{swatch}" height="{swatch}" '
                 'rx="3"/>')
    parts.append(f'<text class="legend-label" x="{missing + swatch + 6}" y="{y + swatch * 0.7:.1f}">'
                 f'{escape(_("tanpa angka"))}</text>')
    parts.append("</g>")
    return "".join(parts)
