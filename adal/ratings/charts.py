"""The geometry of a history chart — a score line over the years with its 90% interval as a band — for a
template to draw as inline SVG. Server-side, so the chart needs no script and no network.

Years a country was not rated break the line and the band; every point also gets a whisker from its
lower to its upper bound, so a lone year still shows its interval.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32  # margins for the axes' labels
NICE_STEPS = (1, 2, 2.5, 5)
MAX_TICKS = 6


@dataclass(frozen=True)
class Point:
    year: int
    score: float
    low: float | None
    high: float | None
    x: float
    y: float
    y_low: float | None
    y_high: float | None


@dataclass(frozen=True)
class Tick:
    at: float  # the pixel position along its axis
    value: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int  # the x of the plot's right edge
    top: int
    bottom: int  # the y of the plot's bottom edge
    points: list[Point]
    lines: list[str]  # SVG path data, one per run of consecutive years
    bands: list[str]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    tick_decimals: int
    target: Tick | None  # a score to reach, drawn across the plot


def nice_step(span: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^n giving at most MAX_TICKS intervals over `span`."""
    raw = span / MAX_TICKS
    power = 10 ** math.floor(math.log10(raw))
    return next((m * power for m in NICE_STEPS if m * power >= raw), 10 * power)


def value_range(values: Sequence[float], scale: tuple[float, float]) -> tuple[float, float, float]:
    """Bounds on tick steps around the values, inside the index's scale, and the step."""
    low, high = min(values), max(values)
    pad = max((high - low) * 0.1, (scale[1] - scale[0]) * 0.02)
    low, high = max(low - pad, scale[0]), min(high + pad, scale[1])
    step = nice_step(high - low)
    return max(math.floor(low / step) * step, scale[0]), min(math.ceil(high / step) * step, scale[1]), step


def runs(points: list[Point], has) -> list[list[Point]]:
    """Maximal runs of consecutive years whose points satisfy `has`."""
    found: list[list[Point]] = []
    for p in points:
        if not has(p):
            continue
        if found and found[-1][-1].year == p.year - 1:
            found[-1].append(p)
        else:
            found.append([p])
    return found


def path(points: Sequence[tuple[float, float]], close: bool = False) -> str:
    d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(points))
    return d + (" Z" if close else "")


def history_chart(
    series: Sequence[tuple[int, float, float | None, float | None]],
    scale: tuple[float, float],
    target: float | None = None,
) -> Chart | None:
    """`series` is (year, score, lower, upper) by year; None when there is nothing to draw."""
    if not series:
        return None
    values = [v for _, score, low, high in series for v in (score, low, high) if v is not None]
    lo, hi, step = value_range([*values, *([target] if target is not None else [])], scale)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    first, last = series[0][0], series[-1][0]

    def x(year: int) -> float:
        return (
            (LEFT + right) / 2 if first == last else LEFT + (year - first) * (right - LEFT) / (last - first)
        )

    def y(value: float | None) -> float | None:
        return None if value is None else bottom - (value - lo) * (bottom - TOP) / ((hi - lo) or 1)

    points = [Point(yr, s, low, high, x(yr), y(s), y(low), y(high)) for yr, s, low, high in series]
    lines = [path([(p.x, p.y) for p in run]) for run in runs(points, lambda p: True) if len(run) > 1]
    bands = [
        path([(p.x, p.y_high) for p in run] + [(p.x, p.y_low) for p in reversed(run)], close=True)
        for run in runs(points, lambda p: p.low is not None and p.high is not None)
        if len(run) > 1
    ]
    year_step = max(1, math.ceil((last - first + 1) / 12))  # at most a dozen year labels
    x_ticks = [Tick(x(yr), yr) for yr in range(first, last + 1, year_step)]
    count = round((hi - lo) / step)
    y_ticks = [Tick(y(v), v) for v in (round(lo + i * step, 6) for i in range(count + 1))]
    decimals = len(f"{step:.6f}".rstrip("0").partition(".")[2])  # 2.5 → 1, 0.25 → 2, 10 → 0
    target_tick = Tick(y(target), target) if target is not None and lo <= target <= hi else None
    return Chart(
        WIDTH, HEIGHT, LEFT, right, TOP, bottom, points, lines, bands, x_ticks, y_ticks, decimals, target_tick
    )
