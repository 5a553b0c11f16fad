"""The survey's bar chart: a long name wraps in its own row instead of running under its bar."""

from adal.survey.charts import LABEL_CHARS, ranked_bars

ESTIMATE = {"estimate": 51.5, "ci_low": 50.7, "ci_high": 52.4}


def test_a_long_label_wraps_onto_lines_that_fit_left_of_the_bar():
    chart = ranked_bars([{"label": "Сыбайлас жемқорлыққа қарсы жұмысқа сенім", "estimate": ESTIMATE}])
    lines = chart["bars"][0]["lines"]
    assert len(lines) == 2
    assert all(len(line["text"]) <= LABEL_CHARS for line in lines)


def test_a_row_with_a_wrapped_label_is_taller_and_the_next_row_starts_below_it():
    chart = ranked_bars(
        [
            {"label": "Сыбайлас жемқорлыққа қарсы жұмысқа сенім", "estimate": ESTIMATE},
            {"label": "Пара беру тәжірибесі", "estimate": ESTIMATE},
        ]
    )
    first, second = chart["bars"]
    assert int(second["y"]) > max(int(line["y"]) for line in first["lines"])
    assert len(second["lines"]) == 1
