"""Indicators, the working-day calendar and control charts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from review.exceptions import ParameterError
from review.stats.calendar import bank_holidays, working_days_between
from review.stats.indicators import DEFINITIONS, indicator_table, timeliness
from review.stats.spc import p_chart, xmr_chart

D = dt.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [   # gov.uk / proclamations: England and Wales
        (2008, ["2008-01-01", "2008-03-21", "2008-03-24", "2008-05-05", "2008-05-26", "2008-08-25", "2008-12-25", "2008-12-26"]),
        (2009, ["2009-01-01", "2009-04-10", "2009-04-13", "2009-05-04", "2009-05-25", "2009-08-31", "2009-12-25", "2009-12-28"]),
        (2010, ["2010-01-01", "2010-04-02", "2010-04-05", "2010-05-03", "2010-05-31", "2010-08-30", "2010-12-27", "2010-12-28"]),
        (2011, ["2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29",
                "2011-12-26", "2011-12-27"]),
        (2012, ["2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27",
                "2012-12-25", "2012-12-26"]),
    ],
)
def test_bank_holidays(year, expected):
    assert [d.isoformat() for d in bank_holidays(year)] == expected


def test_working_days_skip_weekends_and_easter():
    # Thursday 9 April 2009 to Thursday 16 April 2009: Good Friday and Easter Monday are holidays.
    assert working_days_between([D(2009, 4, 9)], [D(2009, 4, 16)]).tolist() == [3]
    assert working_days_between([D(2009, 4, 3)], [D(2009, 4, 6)]).tolist() == [1]  # Friday to Monday
    assert working_days_between([D(2009, 4, 6)], [D(2009, 4, 6)]).tolist() == [0]


def test_ni59_timeliness_from_dates():
    definition = DEFINITIONS[("NI59", "NI-2008")]
    starts = [D(2009, 4, 9), D(2009, 4, 9), D(2009, 3, 2)]
    ends = [D(2009, 4, 22), D(2009, 4, 23), D(2009, 3, 2)]  # 7 and 8 working days over Easter, and same day
    out = timeliness(starts, ends, definition)
    assert out["working_days"].tolist() == [7, 8, 0]
    assert (out["numerator"], out["denominator"]) == (2, 3)
    assert out["result"].method == "wilson"
    with pytest.raises(ParameterError, match="not a timeliness measure"):
        timeliness(starts, ends, DEFINITIONS[("NI62", "NI-2008")])
    with pytest.raises(ParameterError, match="case 1 ends before it starts"):
        timeliness([D(2009, 4, 9)], [D(2009, 4, 1)], definition)


def test_versions_side_by_side_and_honest_certainty():
    assert DEFINITIONS[("NI59", "NI-2008")].threshold_working_days == 7
    assert DEFINITIONS[("NI59", "NI-2009")].threshold_working_days == 10
    assert DEFINITIONS[("SA45", "WT-2013")].threshold_working_days == 45
    assert "NOT FOUND" in DEFINITIONS[("NI66", "NI-2008")].certainty
    assert "NOT FOUND" in DEFINITIONS[("NI61", "NI-2008")].certainty


def test_indicator_table_compares_with_target_and_neighbours():
    data = pd.DataFrame([
        {"cycle": "2009-Q3", "indicator": "NI59", "definition_version": "NI-2008", "numerator": 60, "denominator": 100,
         "target": 0.8, "neighbour_average": 0.72},
        {"cycle": "2009-Q4", "indicator": "NI59", "definition_version": "NI-2008", "numerator": 85, "denominator": 100,
         "target": 0.8, "neighbour_average": 0.72},
        {"cycle": "2009-Q4", "indicator": "NI65", "definition_version": "NI-2008", "numerator": 20, "denominator": 100,
         "target": 0.12, "neighbour_average": 0.13},
    ])
    table = indicator_table(data, cycle="2009-Q4").set_index("indicator")
    assert table.loc["NI59", "rate"] == 0.85
    assert table.loc["NI59", "previous_rate"] == 0.6
    assert table.loc["NI59", "meets_target"]
    assert table.loc["NI59", "vs_neighbours"] == "better"
    assert not table.loc["NI65", "meets_target"]  # lower is better for repeat plans
    assert table.loc["NI65", "vs_neighbours"] == "worse"
    with pytest.raises(ParameterError, match="no definition NI59 version 'NI-1999'"):
        indicator_table(data.assign(definition_version="NI-1999"), cycle="2009-Q4")


# --- control charts ------------------------------------------------------------------------------

def test_xmr_limits_by_hand():
    values = [10, 12, 11, 13, 12, 14]
    # mean 12; moving ranges 2, 1, 2, 1, 2 -> 1.6; limits 12 +/- 2.66 * 1.6 = 7.744, 16.256
    chart = xmr_chart(values, improvement="increase")
    assert chart.centre == 12
    assert chart.points.upper.iloc[0] == pytest.approx(16.256)
    assert chart.points.lower.iloc[0] == pytest.approx(7.744)
    assert chart.trial
    assert chart.signals.empty


def test_rules_fire_where_they_should():
    base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
    outside = xmr_chart([*base, 30], improvement="increase", baseline=12)
    assert outside.signals.label.tolist() == ["13"]
    assert outside.points.signal.iloc[-1] == "improvement"
    assert not outside.trial

    run = xmr_chart([*base, 10.5, 10.6, 10.4, 10.7, 10.5, 10.6, 10.8], improvement="decrease", baseline=12)
    assert run.points.run.iloc[-7:].all()
    assert not run.points.run.iloc[:-7].any()
    assert set(run.signals.signal) == {"concern"}

    trend = xmr_chart([*base, 11.5, 9.1, 9.3, 9.5, 9.7, 9.9, 10.1, 10.3], improvement="increase", baseline=12)
    assert trend.points.trend.iloc[-7:].all()
    assert not trend.points.trend.iloc[:-7].any()

    sigma_band = xmr_chart([*base, 10, 13.5, 10, 13.6], improvement="neutral", baseline=12)
    assert sigma_band.points.two_of_three.iloc[-3:].tolist() == [True, False, True]
    assert set(sigma_band.signals.signal) == {"neutral"}


def test_a_run_of_six_is_not_a_signal():
    base = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]
    chart = xmr_chart([*base, 10.5, 10.6, 10.4, 10.7, 10.5, 10.6], improvement="increase", baseline=12)
    assert not chart.points.run.any()


def test_p_chart_limits_vary_with_the_denominator():
    k, n = [30, 40, 20, 75], [50, 60, 40, 100]
    chart = p_chart(k, n, improvement="increase")
    p = 165 / 250
    assert chart.centre == pytest.approx(p)
    assert chart.points.upper.tolist() == pytest.approx([min(1, p + 3 * np.sqrt(p * (1 - p) / m)) for m in n])
    assert chart.points.value.tolist() == pytest.approx([0.6, 40 / 60, 0.5, 0.75])


def test_demo_ni59_shift_is_flagged(root):
    from review.data import load_evidence

    ni = load_evidence(root / "data" / "demo").table("indicators")
    s = ni[ni.indicator == "NI59"].sort_values("cycle")
    chart = p_chart(s.numerator.tolist(), s.denominator.tolist(), labels=s.cycle.tolist(), improvement="increase",
                    baseline=9)
    assert chart.signals.label.tolist() == ["2009-Q2", "2009-Q3", "2009-Q4"]
    assert set(chart.signals.signal) == {"improvement"}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: xmr_chart([1, 2, 3], improvement="up"), r"`improvement` must be one of"),
        (lambda: xmr_chart([1], improvement="increase"), r"at least 2 finite values"),
        (lambda: xmr_chart([1, 2], labels=["a"], improvement="increase"), r"`labels` has 1 entries for 2 values"),
        (lambda: p_chart([5], [3], improvement="increase"), r"0 <= k <= n"),
        (lambda: xmr_chart([1, 2, 3], improvement="increase", baseline=9), r"`baseline` must be between 2 and 3"),
    ],
)
def test_chart_errors(call, message):
    with pytest.raises(ParameterError, match=message):
        call()
