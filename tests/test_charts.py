import pandas as pd

from opsworkbench import charts


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


def test_metric_stage_chart_says_when_there_is_no_inventory():
    empty = pd.DataFrame(
        {"stage": ["measured"], "quadrant": ["factory_floor"], "metrics": [0], "share": [0.0]}
    )
    spec = charts.metric_stage_chart(empty).to_dict()
    assert spec["mark"]["type"] == "text"
