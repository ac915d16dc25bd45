"""PII scrubber: the new ``opsworkbench.pii`` against the previous regexes, in one process.

Prints, for each scrubber:
- catch share per kind on the planted set (tests/fixtures/planted_pii.csv): a case is caught
  when its planted substring no longer appears in the scrubbed text;
- the share of clean texts (kind ``clean``) that come back changed (false positives);
- how many texts of the real benchmark corpora (../shared/benchmarks/) and of the shipped
  corpus (opsworkbench/data/corpus.csv) change, per replacement token (nearly all of these
  are false positives: those texts hold no personal data), with a sample to inspect;
- throughput (texts per second) and the time for three 128 KB pathological answers.

Run: .venv/bin/python bench/pii.py [--show 25]

The shipped name lists are rebuilt with
    .venv/bin/python bench/pii.py --build-names CENSUS_DIR SSA_PARQUET DICT [DICT ...]
where CENSUS_DIR holds the US Census 1990 files dist.male.first, dist.female.first and
dist.all.last, SSA_PARQUET is the SSA baby-names table (columns name, n) and each DICT is a
SCOWL word list (e.g. /usr/share/dict/british-english-small); see docs/privacy.md.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from opsworkbench.pii import scrub_pii  # noqa: E402

BENCH = ROOT.parent / "shared" / "benchmarks"
PLANTED = ROOT / "tests" / "fixtures" / "planted_pii.csv"
CORPUS = ROOT / "opsworkbench" / "data" / "corpus.csv"
DATA = ROOT / "opsworkbench" / "data"

# ---------------------------------------------------------------- the previous scrubber ---
OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
OLD_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)
OLD_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d ()./-]{7,}\d(?![\w%])")


def _old_phone(match: re.Match) -> str:
    digits = sum(ch.isdigit() for ch in match.group())
    return "[phone]" if digits >= 9 else match.group()


def old_scrub(text: str, names: Iterable[str] = ()) -> str:
    """The scrubber as it was before ``opsworkbench.pii`` (baseline)."""
    if not text:
        return text
    text = OLD_EMAIL.sub("[email]", text)
    text = OLD_URL.sub("[url]", text)
    text = OLD_PHONE.sub(_old_phone, text)
    for name in names:
        name = name.strip()
        if len(name) >= 2 and name.lower() not in ("anonymous", "n/a"):
            text = re.sub(rf"\b{re.escape(name)}\b", "[name]", text, flags=re.IGNORECASE)
    return text


SCRUBBERS = {"old": old_scrub, "new": scrub_pii}
TOKENS = ("[email]", "[url]", "[phone]", "[id]", "[name]")


# ---------------------------------------------------------------------- measurements ---
def planted_scores(scrub, frame: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """(caught, total) per kind; for ``clean``, (unchanged, total)."""
    out: dict[str, list[int]] = {}
    for kind, text, planted in frame[["kind", "text", "planted"]].itertuples(index=False):
        got = scrub(text)
        ok = got == text if kind == "clean" else planted not in got
        cell = out.setdefault(kind, [0, 0])
        cell[0] += ok
        cell[1] += 1
    return {k: (v[0], v[1]) for k, v in out.items()}


def changed_texts(scrub, texts: list[str]) -> tuple[Counter, list[tuple[str, str]]]:
    """Per-token count of texts the scrubber changes, and the changed (before, after) pairs."""
    per_token: Counter = Counter()
    pairs = []
    for text in texts:
        got = scrub(text)
        if got != text:
            pairs.append((text, got))
            for token in TOKENS:
                if got.count(token) > text.count(token):
                    per_token[token] += 1
    return per_token, pairs


def pathological() -> dict[str, str]:
    return {
        "one long word": "x" * 131_072,
        "many digits": "1" * 131_072,
        "many @ and .": "a@b." * 32_768,
        "many dots": "." * 131_072,
        "digits and spaces": "12 " * 43_690,
        "capitalised words": "Ab " * 43_690,
        "thousands": "1,000 " * 21_845,
        "phone numbers": "call 020 7946 0958 " * 6_899,
    }


def timed(scrub, text: str) -> float:
    start = time.perf_counter()
    scrub(text)
    return time.perf_counter() - start


def real_texts() -> dict[str, list[str]]:
    out = {}
    for name in ("onet_task_statements.csv", "results_statements_dev.csv"):
        path = BENCH / name
        if path.exists():
            out[name] = pd.read_csv(path)["text"].astype(str).tolist()
    out["corpus.csv"] = pd.read_csv(CORPUS)["text"].astype(str).tolist()
    return out


def run(show: int, skip_old_slow: bool) -> None:
    frame = pd.read_csv(PLANTED, keep_default_na=False)
    kinds = sorted(set(frame["kind"]) - {"clean"}) + ["clean"]
    print(f"Planted set: {len(frame)} texts ({PLANTED.relative_to(ROOT)})")
    print(f"{'kind':<12}" + "".join(f"{name:>16}" for name in SCRUBBERS))
    scores = {name: planted_scores(s, frame) for name, s in SCRUBBERS.items()}
    for kind in kinds:
        cells = []
        for name in SCRUBBERS:
            ok, total = scores[name][kind]
            cells.append(f"{ok:>4}/{total:<4}{ok / total:>7.1%}")
        label = "clean kept" if kind == "clean" else kind
        print(f"{label:<12}" + "".join(f"{c:>16}" for c in cells))

    print("\nReal text with no planted PII: texts changed, per replacement token")
    texts = real_texts()
    for source, items in texts.items():
        for name, scrub in SCRUBBERS.items():
            per_token, pairs = changed_texts(scrub, items)
            detail = ", ".join(f"{t} {n}" for t, n in sorted(per_token.items())) or "-"
            print(
                f"  {source:<28} {name:<4} {len(pairs):>5}/{len(items):<5} "
                f"({len(pairs) / len(items):.2%})  {detail}"
            )
            if name == "new" and show:
                for before, after in pairs[:show]:
                    print(f"      - {before[:150]!r}\n        {after[:150]!r}")

    print("\nThroughput")
    sample = frame["text"].tolist() * 20 + [t for items in texts.values() for t in items[:2000]]
    for name, scrub in SCRUBBERS.items():
        start = time.perf_counter()
        for text in sample:
            scrub(text)
        elapsed = time.perf_counter() - start
        print(f"  {name:<4} {len(sample) / elapsed:>10,.0f} texts/s ({len(sample)} texts)")
    print("\n128 KB answers (seconds)")
    for label, text in pathological().items():
        cells = []
        for name, scrub in SCRUBBERS.items():
            if (
                name == "old"
                and skip_old_slow
                and label in ("one long word", "many digits", "many dots")
            ):
                cells.append(f"{name} skipped")
                continue
            cells.append(f"{name} {timed(scrub, text):8.3f}")
        print(f"  {label:<20} " + "   ".join(cells))


# ------------------------------------------------------------------ name-list builder ---
def build_names(
    census: Path, ssa: Path, dicts: list[Path], min_births: int = 500, surnames: int = 15_000
) -> None:
    """Write opsworkbench/data/first_names.txt and surnames.txt from public-domain sources.

    First names: every SSA baby name given to at least ``min_births`` children 1880-2017, plus
    every US Census 1990 first name. Surnames: the ``surnames`` most frequent US Census 1990
    surnames. A name that is also a lower-case word of the SCOWL lists is marked `` *``.
    """
    import duckdb

    words: set[str] = set()
    for path in dicts:
        words |= {w.strip() for w in path.read_text(encoding="latin-1").split() if w.islower()}
    counts = duckdb.sql(
        f"select name, sum(n) from read_parquet('{ssa}') group by name having sum(n) >= {min_births}"
    ).fetchall()
    first = {name.lower() for name, _ in counts}
    for part in ("dist.male.first", "dist.female.first"):
        first |= {
            line.split()[0].lower() for line in (census / part).read_text().splitlines() if line
        }
    last = [line.split()[0].lower() for line in (census / "dist.all.last").read_text().splitlines()]
    last = last[:surnames]
    header = (
        "# {what}. Sources: {src}. Public domain (U.S. government works).\n"
        "# A trailing ' *' marks a name that is also a common English word (SCOWL word lists,\n"
        "# Copyright 2000-2011 Kevin Atkinson; see docs/privacy.md).\n"
    )
    (DATA / "first_names.txt").write_text(
        header.format(
            what="First names",
            src=f"US SSA baby names 1880-2017 (>= {min_births} "
            "births) and US Census 1990 first-name lists",
        )
        + "".join(f"{n}{' *' if n in words else ''}\n" for n in sorted(first) if n.isalpha()),
        encoding="utf-8",
    )
    (DATA / "surnames.txt").write_text(
        header.format(
            what=f"Surnames: the {surnames:,} most frequent",
            src="US Census 1990 surname list (dist.all.last)",
        )
        + "".join(f"{n}{' *' if n in words else ''}\n" for n in sorted(set(last)) if n.isalpha()),
        encoding="utf-8",
    )
    print(f"first names {len(first):,}, surnames {len(set(last)):,}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=25, help="changed real texts to print")
    parser.add_argument(
        "--skip-old-slow",
        action="store_true",
        help="do not time the old scrubber on the inputs it is quadratic on",
    )
    parser.add_argument(
        "--build-names", nargs="+", metavar="PATH", help="CENSUS_DIR SSA_PARQUET DICT [DICT ...]"
    )
    args = parser.parse_args()
    if args.build_names:
        census, ssa, *dicts = map(Path, args.build_names)
        build_names(census, ssa, dicts)
    else:
        run(args.show, args.skip_old_slow)
