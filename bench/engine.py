"""Orientation engine against simple baselines: accuracy, speed, and classify throughput.

Baselines, run in the same process: the keyword lexicon alone, and TF-IDF + k-means (two
clusters per axis, each cluster named after the majority label of its training texts).
Accuracy: stratified 5-fold cross-validation on the shipped corpus, and the result axis on
../shared/benchmarks/results_statements_dev.csv (never trained on).

Run: .venv/bin/python bench/engine.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from opsworkbench.language.lexicon import keyword_scores
from opsworkbench.language.orientation import OrientationModel, load_corpus, normalise
from opsworkbench.tools.classify import classify_file
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
    "engine": (lambda tr: OrientationModel().fit(tr.text, tr[["focus", "result"]]), _engine_labels),
    "keyword lexicon": (lambda tr: None, lambda _, texts: _keyword_labels(texts)),
    "tf-idf + k-means": (
        lambda tr: KMeansBaseline().fit(tr.text, tr),
        lambda m, texts: m.predict(texts),
    ),
}


def f1(truth, pred) -> float:
    return f1_score(truth, pred, average="macro")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    corpus = load_corpus()
    quadrant = corpus.focus + "/" + corpus.result
    bench = pd.read_csv(BENCH / "results_statements_dev.csv")
    print(
        f"corpus n={len(corpus)}; benchmark n={len(bench)} (result axis, {bench.result.value_counts().to_dict()})\n"
    )
    print(
        f"{'approach':<18} {'CV focus F1':>11} {'CV result F1':>12} {'CV quadrant':>11} "
        f"{'bench result F1':>15} {'bench acc':>9} {'texts/s':>9}"
    )
    speed = pd.concat([bench.text] * 10, ignore_index=True)
    for name, (fit, predict) in APPROACHES.items():
        pred = pd.DataFrame(index=corpus.index, columns=["focus", "result"], dtype=object)
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(corpus, quadrant):
            model = fit(corpus.iloc[tr])
            pred.iloc[te] = predict(model, corpus.text.iloc[te].tolist()).to_numpy()
        model = fit(corpus)
        start = time.perf_counter()
        on_bench = predict(model, speed.tolist()).iloc[: len(bench)]
        rate = len(speed) / (time.perf_counter() - start)
        quad = (pred.focus + "/" + pred.result == quadrant).mean()
        print(
            f"{name:<18} {f1(corpus.focus, pred.focus):>11.3f} {f1(corpus.result, pred.result):>12.3f} "
            f"{quad:>11.3f} {f1(bench.result, on_bench.result):>15.3f} "
            f"{(bench.result == on_bench.result).mean():>9.3f} {rate:>9,.0f}"
        )
    onet = pd.read_csv(BENCH / "onet_task_statements.csv").text
    rows = pd.DataFrame({"id": range(args.rows), "text": np.resize(onet.to_numpy(), args.rows)})
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.csv"
        rows.to_csv(source, index=False)
        for explain in (False, True):
            start = time.perf_counter()
            n = classify_file(source, Path(tmp) / "out.csv", "text", explain=explain)
            took = time.perf_counter() - start
            print(
                f"\nclassify {n:,} rows (O*NET task statements), cues={'on' if explain else 'off'}: "
                f"{took:.1f} s = {n / took:,.0f} rows/s"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this run: {peak:,.0f} MiB (chunks of 50,000 rows)")


if __name__ == "__main__":
    main()
