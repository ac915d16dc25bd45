import pandas as pd

from opsworkbench.present import charts


def test_quadrant_map_drops_suppressed_units_and_fixes_axes():
    units = pd.DataFrame(
        {
            "unit": ["A", "B"],
            "respondents": [20, None],
            "focus": [0.3, None],
            "result": [-0.2, None],
            "quadrant": ["customer_activity", None],
        }
    )
    spec = charts.quadrant_map(units).to_dict()
    points = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "circle"][0]
    assert points["encoding"]["x"]["scale"]["domain"] == [-1, 1]
    values = spec["datasets"][points["data"]["name"]]
    assert [v["name"] for v in values] == ["A"]


def test_quadrant_bars_use_fixed_quadrant_colours():
    shares = pd.DataFrame(
        {
            "question": ["work"] * 4,
            "quadrant": [
                "factory_floor",
                "customer_activity",
                "customer_outcome",
                "business_result",
            ],
            "share": [0.4, 0.3, 0.2, 0.1],
        }
    )
    spec = charts.quadrant_bars(shares, category="question", category_title="Q").to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == charts.QUADRANT_COLOURS
    assert spec["encoding"]["x"]["stack"] == "normalize"


def test_charts_draw_nothing_when_there_is_nothing_to_draw():
    """The report text says why; an empty chart would only repeat it in grey."""
    empty = pd.DataFrame(
        {"stage": ["measured"], "quadrant": ["factory_floor"], "metrics": [0], "share": [0.0]}
    )
    assert charts.metric_stage_chart(empty) is None
    hidden = pd.DataFrame(
        {
            "unit": ["A"],
            "respondents": [None],
            "focus": [None],
            "result": [None],
            "quadrant": [None],
        }
    )
    assert charts.quadrant_map(hidden) is None
    assert charts.index_intervals(pd.DataFrame(columns=["unit", "index", "low", "high"])) is None
    assert charts.quadrant_bars(pd.DataFrame(), category="question", category_title="Q") is None


def test_capability_chain_prints_no_number_in_blank_cells():
    chain = pd.DataFrame(
        {
            "capability": ["Fix", "Fix"],
            "stage_order": [1, 1],
            "source": ["people", "metrics"],
            "n": [0, 2],
            "index": [float("nan"), 40.0],
        }
    )
    spec = charts.capability_chain_chart(chain).to_dict()
    text = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"][0]
    assert {"filter": "isValid(datum.index)"} in text["transform"]


def test_labels_of_points_close_together_do_not_cover_one_another():
    names = ["validate FNOL forms", "run the daily MI pack", "process new claims"]
    names += ["indemnity checks", "close down finished files", "chase missing documents"]
    frame = pd.DataFrame(
        {
            "name": names,
            "focus": [-0.7, -0.68, -0.66, -0.72, -0.7, -0.69],
            "result": [-0.6, -0.58, -0.61, -0.59, -0.62, -0.6],
            "n": [30, 29, 28, 27, 26, 25],
        }
    )
    placed = charts._label_heights(frame)
    rows = placed["label_y"] * charts.MAP_SIZE[1] / 2  # in pixels
    assert rows.round(6).nunique() == len(names)  # every label on its own line
    assert (rows.sort_values().diff().dropna() >= 16 - 1e-9).all()
    assert placed["label_y"].between(-1, 1).all()
