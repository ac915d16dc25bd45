"""Orientation engine against the previous engine and simple baselines: accuracy on text
in no corpus, speed, and classify throughput and memory.

Baselines, run in the same process: engine 1 (the previous engine: words and cue groups,
trained on the first corpus), the keyword lexicon alone, and TF-IDF + k-means (two clusters
per axis, each named after the majority label of its training texts).
Accuracy: stratified 5-fold cross-validation on the shipped corpus (engine 1 trains on the
engine-1 rows of each training fold); the result axis on
../shared/benchmarks/results_statements_dev.csv (never trained on), overall and by donor;
and the labelled sets in opsworkbench/data/heldout (never trained on).

Run: .venv/bin/python bench/engine.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from opsworkbench.language import orientation
from opsworkbench.language.lexicon import keyword_scores
from opsworkbench.language.orientation import OrientationModel, load_corpus, normalise
from opsworkbench.tools.evaluation import (
    PREVIOUS_ORIGIN,
    PURE,
    heldout,
    previous_model,
    quadrants,
)
from opsworkbench.vocabulary import AXES

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "benchmarks"


class KMeansBaseline:
    """TF-IDF + k-means with two clusters per axis, clusters named by training majority."""

    def fit(self, texts, labels: pd.DataFrame):
        self.vec = TfidfVectorizer(preprocessor=normalise, stop_words="english").fit(texts)
        X = self.vec.transform(texts)
        self.models = {}
        for axis in AXES:
            km = KMeans(2, n_init=10, random_state=0).fit(X)
            names = (
                pd.Series(labels[axis].to_numpy())
                .groupby(km.labels_)
                .agg(lambda s: s.value_counts().idxmax())
            )
            self.models[axis] = (km, names.to_dict())
        return self

    def predict(self, texts) -> pd.DataFrame:
        X = self.vec.transform(texts)
        return pd.DataFrame(
            {
                axis: [names.get(c, AXES[axis][0]) for c in km.predict(X)]
                for axis, (km, names) in self.models.items()
            }
        )


def _engine_labels(model, texts) -> pd.DataFrame:
    p = model.predict_axes(texts)
    return pd.DataFrame(
        {axis: np.where(p[axis] >= 0.5, pos, neg) for axis, (neg, pos) in AXES.items()}
    )


def _keyword_labels(texts) -> pd.DataFrame:
    s = keyword_scores(texts)
    return pd.DataFrame(
        {
            "focus": np.where(s.focus > 0, "external", "internal"),
            "result": np.where(s.result > 0, "outcome", "output"),
        }
    )


APPROACHES = {
    "engine 2": (
        lambda tr: OrientationModel().fit(tr.text, tr[["focus", "result"]]),
        _engine_labels,
    ),
    "engine 1": (previous_model, _engine_labels),
    "keyword lexicon": (lambda tr: None, lambda _, texts: _keyword_labels(texts)),
    "tf-idf + k-means": (
        lambda tr: KMeansBaseline().fit(tr.text, tr),
        lambda m, texts: m.predict(texts),
    ),
}


def f1(truth, pred) -> float:
    return f1_score(truth, pred, average="macro")


def donor(source: str) -> str:
    """The publishing donor named in a benchmark row's source."""
    found = re.search(r"publisher\(donor\)=([^|]+?)\s*(?:\||$)", source)
    return found.group(1) if found else "other"


def _quadrant(labels: pd.DataFrame) -> pd.Series:
    return pd.Series(quadrants(labels.focus, labels.result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to classify, cues off")
    args = parser.parse_args()
    corpus = load_corpus()
    quadrant = corpus.focus + "/" + corpus.result
    bench = pd.read_csv(BENCH / "results_statements_dev.csv")
    bench["donor"] = bench.source.map(donor)
    sets = {name: pd.read_csv(spec["path"]) for name, spec in heldout().items()}
    onet_text = pd.read_csv(BENCH / "onet_task_statements.csv").text
    labels = pd.read_csv(ROOT / "bench" / "data" / "onet_labels.csv")
    sets["onet"] = labels.assign(text=onet_text.iloc[labels.row].to_numpy())
    print(
        f"corpus n={len(corpus)} ({(corpus.origin == PREVIOUS_ORIGIN).sum()} of them engine 1's); "
        f"benchmark n={len(bench)} (result axis, {bench.result.value_counts().to_dict()}); "
        + "; ".join(f"held-out {k} n={len(v)}" for k, v in sets.items())
        + "\n"
    )
    header = ["CV focus F1", "CV result F1", "CV quadrant", "bench result F1", "bench acc"]
    header += ["answers focus", "answers result", "pure", "O*NET focus", "O*NET result"]
    header += ["indicators result F1", "texts/s"]
    print(f"{'approach':<16} " + " ".join(f"{h:>{max(len(h), 7)}}" for h in header))
    speed = pd.concat([bench.text] * 10, ignore_index=True)
    by_donor = {}
    for name, (fit, predict) in APPROACHES.items():
        pred = pd.DataFrame(index=corpus.index, columns=["focus", "result"], dtype=object)
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(corpus, quadrant):
            model = fit(corpus.iloc[tr])
            pred.iloc[te] = predict(model, corpus.text.iloc[te].tolist()).to_numpy()
        model = fit(corpus)
        start = time.perf_counter()
        on_bench = predict(model, speed.tolist()).iloc[: len(bench)]
        rate = len(speed) / (time.perf_counter() - start)
        by_donor[name] = bench.assign(p=on_bench.result.to_numpy()).groupby("donor")
        row = [
            f1(corpus.focus, pred.focus),
            f1(corpus.result, pred.result),
            (pred.focus + "/" + pred.result == quadrant).mean(),
            f1(bench.result, on_bench.result),
            (bench.result == on_bench.result).mean(),
        ]
        answers = predict(model, sets["answers"].text.tolist())
        pure = _quadrant(sets["answers"]).isin(PURE).to_numpy()
        onet = predict(model, sets["onet"].text.tolist())
        indicators = predict(model, sets["indicators"].text.tolist())
        row += [
            (answers.focus == sets["answers"].focus).mean(),
            (answers.result == sets["answers"].result).mean(),
            (_quadrant(answers)[pure] == _quadrant(sets["answers"])[pure]).mean(),
            (onet.focus == sets["onet"].focus).mean(),
            (onet.result == sets["onet"].result).mean(),
            f1(sets["indicators"].result, indicators.result),
        ]
        cells = " ".join(f"{v:>{max(len(h), 7)}.3f}" for h, v in zip(header, row, strict=False))
        print(f"{name:<16} {cells} {rate:>7,.0f}")
    print("\nbenchmark result macro-F1 by donor (a gain that holds across publishers):")
    print(f"  {'donor':<14} {'n':>5} " + " ".join(f"{n:>16}" for n in by_donor))
    for d, group in by_donor["engine 2"]:
        if len(group) < 40:
            continue
        scores = [f1(g.result, g.p) for g in (by_donor[n].get_group(d) for n in by_donor)]
        print(f"  {d:<14} {len(group):>5} " + " ".join(f"{v:>16.3f}" for v in scores))
    texts = pd.concat([onet_text, bench.text, corpus.text] * 3, ignore_index=True).tolist()
    print(f"\nscoring {len(texts):,} texts with cues off (score_texts):")
    for name, model in (
        ("engine 1", previous_model(corpus)),
        ("engine 2", OrientationModel().fit(corpus.text, corpus[["focus", "result"]])),
    ):
        for cores in (1, 2):
            orientation.PARALLEL_BATCH = 10**9 if cores == 1 else 10_000
            model.score_texts(texts[:20_000], explain=False)  # start the workers
            start = time.perf_counter()
            model.score_texts(texts, explain=False)
            rate = len(texts) / (time.perf_counter() - start)
            print(f"  {name}, {cores} core{'s' if cores > 1 else ''}: {rate:>9,.0f} texts/s")
    orientation.PARALLEL_BATCH = 10_000
    rows = pd.DataFrame(
        {"id": range(args.rows), "text": np.resize(onet_text.to_numpy(), args.rows)}
    )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.csv"
        rows.to_csv(source, index=False)
        for explain in (False, True):
            n = args.rows if not explain else min(args.rows, 100_000)
            if n < args.rows:
                rows.head(n).to_csv(source, index=False)
            took, peak = _classify(source, Path(tmp) / "out.csv", explain)
            print(
                f"\nopsworkbench classify, {n:,} rows (O*NET task statements), "
                f"cues={'on' if explain else 'off'}: {took:.1f} s = {n / took:,.0f} rows/s, "
                f"peak memory of the command and its workers {peak:,.0f} MiB"
            )


def _classify(source: Path, out: Path, explain: bool) -> tuple[float, float]:
    """Run the classify command as a user would; its time and the peak of the summed
    resident memory of it and its worker processes (sampled every 0.1 s)."""
    command = [str(Path(sys.executable).with_name("opsworkbench")), "classify", str(source)]
    command += ["--text-column", "text", "-o", str(out)] + ([] if explain else ["--no-cues"])
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.1)
    if process.returncode:
        raise SystemExit(f"classify failed with exit code {process.returncode}")
    return time.perf_counter() - start, peak / 2**20


if __name__ == "__main__":
    main()
