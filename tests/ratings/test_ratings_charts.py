from adal.ratings.charts import HEIGHT, WIDTH, history_chart, nice_step


def test_nice_steps():
    assert [nice_step(span) for span in (30, 12, 13, 5, 0.6, 100)] == [5, 2, 2.5, 1, 0.1, 20]


def test_a_gap_in_the_years_breaks_the_line_and_the_band():
    chart = history_chart(
        [(2012, 28, 21, 35), (2013, 26, 20, 31), (2015, 28, 20, 36), (2016, 29, 23, 34)], (0, 100)
    )
    assert len(chart.lines) == 2 and len(chart.bands) == 2
    assert [t.value for t in chart.x_ticks] == [2012, 2013, 2014, 2015, 2016]
    assert chart.points[0].x == chart.left and chart.points[-1].x == chart.right


def test_higher_scores_are_drawn_higher_and_within_the_plot():
    chart = history_chart([(2020, 38, 33, 43), (2021, 37, 32, 42), (2022, 36, 31, 41)], (0, 100))
    ys = [p.y for p in chart.points]
    assert ys == sorted(ys)  # falling scores, so rising y (SVG's y grows downwards)
    for p in chart.points:
        assert chart.top <= p.y_high < p.y < p.y_low <= chart.bottom
    assert 0 < chart.left < chart.right < WIDTH and 0 < chart.top < chart.bottom < HEIGHT


def test_the_axis_stays_on_the_scale_and_shows_the_target():
    chart = history_chart([(2022, 95, 90, 99.5), (2023, 97, 93, 100)], (0, 100), target=90)
    assert chart.y_ticks[-1].value <= 100
    assert chart.target.value == 90
    negative = history_chart([(2022, -0.5, -0.7, -0.3)], (-2.5, 2.5))
    assert negative.tick_decimals == 1 and all(-2.5 <= t.value <= 2.5 for t in negative.y_ticks)


def test_one_year_sits_in_the_middle_with_a_whisker_and_no_line():
    chart = history_chart([(2019, 62.9, None, None)], (0, 100))
    assert chart.lines == [] and chart.bands == []
    assert chart.points[0].x == (chart.left + chart.right) / 2
    assert history_chart([], (0, 100)) is None
