"""Charts that read at a glance: the heatmap's change view, the trend's axis and its lines."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.charts import heatmap_figure, trend_figure

LABELS = {
    key: key
    for key in (
        "hidden", "colour_bar", "ci", "n", "change", "significant", "x_axis", "y_axis",
        "change_point", "p_adjusted", "effect", "points", "shift", "shift_from",
    )
}  # fmt: skip


def _cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_label": ["Syd", "Nord"],
            "construct_label": ["Medspil", "Medspil"],
            "n": [80, 90],
            "mean": [41.0, 63.0],
            "ci_low": [37.0, 60.0],
            "ci_high": [45.0, 66.0],
            "hidden": [False, False],
            "difference": [-22.0, 1.5],
            "significant": [True, False],
        }
    )


def test_the_change_view_colours_the_change_not_the_level() -> None:
    figure = heatmap_figure(_cells(), labels=LABELS, mode="change")
    heat = figure.data[0]
    assert [row[0] for row in heat.z] == [-22.0, 1.5]
    assert (heat.zmin, heat.zmax) == (-20.0, 20.0)
    assert [row[0] for row in heat.text] == ["−22 ▼", "+2"]
    level = heatmap_figure(_cells(), labels=LABELS)
    assert [row[0] for row in level.data[0].z] == [41.0, 63.0]


def test_the_trend_axis_ends_at_the_last_wave_and_lines_start_off_for_several() -> None:
    opens = [dt.date(2026, 1, 5) + dt.timedelta(days=14 * i) for i in range(4)]
    rows = []
    for construct in ("mening", "medspil"):
        for i, day in enumerate(opens):
            rows.append(
                {
                    "construct": construct, "construct_label": construct, "opens": day,
                    "wave_label": f"M{i}", "n": 20, "mean": 60.0, "ci_low": 55.0,
                    "ci_high": 65.0, "hidden": False, "difference": None, "p_adjusted": None,
                    "cohens_d": None, "significant": False,
                }
            )  # fmt: skip
    phases = pd.DataFrame(
        {
            "phase_label": ["Udvikling"], "involvement": ["information"],
            "involvement_label": ["Information"], "starts": [opens[0]],
            "ends": [opens[-1] + dt.timedelta(days=90)],
        }
    )  # fmt: skip
    points = pd.DataFrame(
        {"construct": ["medspil"], "construct_label": ["medspil"], "opens": [opens[2]]}
    )
    figure = trend_figure(pd.DataFrame(rows), phases=phases, changepoints=points, labels=LABELS)
    end = pd.Timestamp(figure.layout.xaxis.range[1])
    assert end <= pd.Timestamp(opens[-1]) + pd.Timedelta(days=7)
    line = next(trace for trace in figure.data if str(trace.name).startswith("change_point"))
    assert line.visible == "legendonly"
    assert max(y for y in line.y if y is not None) < 90  # below the phase labels' strip
    assert figure.layout.legend.y > 1  # above the plot: clear of the x-axis title
