"""An indicator's chart: its actual values by year as a line, and its final target across the plot, drawn
by the ratings' server-side SVG geometry (no script, no network)."""

from adal.ratings.charts import Chart, history_chart
from adal.roadmap.selectors import IndicatorView


def indicator_chart(view: IndicatorView) -> Chart | None:
    series = [(y.year, float(y.actual), None, None) for y in view.years if y.actual is not None]
    if not series:
        return None
    target = view.final_target
    values = [v for _, v, _, _ in series] + ([float(target.target)] if target else [])
    values += [float(y.baseline) for y in view.years if y.baseline is not None]
    low, high = min(values), max(values)
    span = max(high - low, abs(high) * 0.1, 1.0)
    scale = (min(0.0, low) if low >= 0 else low - span, high + span)
    return history_chart(series, scale, float(target.target) if target else None)
