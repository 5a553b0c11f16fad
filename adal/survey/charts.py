"""Geometry of the survey's inline SVG charts, computed here so the templates only place shapes.

Coordinates are given as strings with a decimal point, so that a page in a language with a decimal
comma cannot break the SVG."""

import textwrap

LABEL_WIDTH = 230  # room for a region's name left of the bars
PLOT_WIDTH = 340  # the 0–100 scale
ROW = 26
LINE = 15  # a label's line height
LABEL_CHARS = 24  # what fits in LABEL_WIDTH at the labels' font size; a longer label wraps
TICKS = (0, 25, 50, 75, 100)


def _x(score: float) -> str:
    return f"{LABEL_WIDTH + PLOT_WIDTH * min(max(score, 0.0), 100.0) / 100:.1f}"


def ranked_bars(rows: list[dict]) -> dict:
    """Bars on the index's 0–100 scale with the confidence interval drawn across each bar's end.

    ``rows`` hold ``label`` and ``estimate`` (a dict with estimate, ci_low, ci_high), in the order to
    draw; rows without an estimate are left out."""
    bars = []
    y = 0
    for row in (r for r in rows if r.get("estimate")):
        e = row["estimate"]
        # A long name wraps onto lines of its own row, so that it never runs under its bar.
        lines = textwrap.wrap(str(row["label"]), LABEL_CHARS) or [""]
        row_height = max(ROW, LINE * len(lines) + 11)
        mid = y + row_height // 2
        bars.append(
            {
                "label": row["label"],
                "lines": [
                    {"text": line, "y": str(mid + 5 + LINE * (n * 2 - len(lines) + 1) // 2)}
                    for n, line in enumerate(lines)
                ],
                "estimate": e["estimate"],
                "ci_low": e["ci_low"],
                "ci_high": e["ci_high"],
                "y": str(y),
                "text_y": str(mid + 4),
                "bar_y": str(mid - 7),
                "mid_y": str(mid),
                "cap_top": str(mid - 6),
                "cap_bottom": str(mid + 6),
                "x0": str(LABEL_WIDTH),
                "width": f"{float(_x(e['estimate'])) - LABEL_WIDTH:.1f}",
                "ci_x1": _x(e["ci_low"]),
                "ci_x2": _x(e["ci_high"]),
                "value_x": f"{float(_x(e['ci_high'])) + 6:.1f}",
            }
        )
        y += row_height
    height = y
    return {
        "bars": bars,
        "height": str(height + 22),
        "axis_y": str(height + 4),
        "ticks": [{"x": _x(t), "label": str(t)} for t in TICKS],
        "tick_label_y": str(height + 18),
    }
