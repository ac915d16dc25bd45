"""Compare the text of two folders of rendered reports, timestamps aside.

    python bench/compare_reports.py BEFORE_DIR AFTER_DIR

Prints, per report, whether its readable text is the same, and the first differing lines when
it is not. Exit status 1 when any report differs or is missing.
"""

from __future__ import annotations

import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?|\d{1,2} \w+ \d{4},? \d{2}:\d{2}"
)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def report_text(path: Path) -> list[str]:
    """The readable lines of a report page (charts' SVG text included), timestamps masked."""
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return [STAMP.sub("<time>", line) for line in parser.parts]


def main(before: Path, after: Path) -> int:
    differing = 0
    for old in sorted(before.glob("*/*/report.html")):
        name = old.relative_to(before)
        new = after / name
        if not new.exists():
            print(f"{name}: missing after")
            differing += 1
            continue
        a, b = report_text(old), report_text(new)
        if a == b:
            print(f"{name}: same text ({len(a)} lines)")
            continue
        differing += 1
        diff = list(difflib.unified_diff(a, b, lineterm="", n=0))
        print(f"{name}: differs ({len(diff)} diff lines)")
        print("\n".join(diff[:20]))
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
