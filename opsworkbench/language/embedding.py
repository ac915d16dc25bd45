"""Static sentence embeddings: what a text is about, beyond the words the corpus has seen.

The corpus cannot name every way people refer to the people they serve ("the lady on ward
3", "growers") or every result an indicator can measure. A static embedding model distilled
from all-MiniLM-L6-v2 with model2vec places a text near texts of similar meaning, so the
linear model can generalise from the corpus to wording it never saw. A text's embedding is
the mean of its tokens' vectors: no neural network runs when scoring, and the same text
always gets the same vector. The model (8 MB) ships in ``opsworkbench/data/minilm-m2v-128``;
``bench/distil_embeddings.py`` is how it was made.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

MODEL_DIR = "minilm-m2v-128"


def model_path():
    """The shipped model's folder (a path inside the installed package)."""
    return resources.files("opsworkbench.data").joinpath(MODEL_DIR)


@functools.cache
def static_model():
    """The static embedding model, loaded once per process (about 0.2 s, 50 MB)."""
    from model2vec import StaticModel

    return StaticModel.from_pretrained(str(model_path()))


class Embeddings(TransformerMixin, BaseEstimator):
    """Each text's unit-length embedding times ``weight`` (stateless; a scikit-learn
    transformer). The weight sets how much the embedding counts beside the word features."""

    def __init__(self, weight: float = 0.5):
        self.weight = weight

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        vectors = static_model().encode([str(t) for t in X], show_progress_bar=False)
        return sparse.csr_matrix(np.asarray(vectors, dtype=np.float64) * self.weight)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"dim{i}" for i in range(static_model().dim)], dtype=object)
