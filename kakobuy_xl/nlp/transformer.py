"""Optional sentiment backend: a Hugging Face sequence-classification model.

For users who can download a model (for example a multilingual tweet-sentiment model)
and want more accuracy than the built-in one at the cost of speed. Never the default.
Install with ``pip install 'kakobuy-xl[transformer]'``, download the model yourself
(it is only ever loaded from a local folder or the local Hugging Face cache: nothing is
fetched at run time), then set ``sentiment_backend`` to ``transformer:<folder or model
id>`` on the Settings sheet.

The score is the expected value of the model's labels mapped onto [-1, 1]: labels named
negative / neutral / positive (or 1..5 stars) are recognised; any other set of labels is
spread evenly from -1 (first) to 1 (last).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..errors import BackendError

_POLARITY = {"negative": -1.0, "neg": -1.0, "neutral": 0.0, "neu": 0.0, "positive": 1.0,
             "pos": 1.0, "very negative": -1.0, "very positive": 1.0}


def label_values(labels: list[str]) -> np.ndarray:
    """Where each label of the model sits on [-1, 1]."""
    names = [str(l).strip().lower().replace("_", " ") for l in labels]
    if all(n in _POLARITY for n in names):
        return np.array([_POLARITY[n] for n in names])
    stars = [re.match(r"(\d)\s*stars?", n) for n in names]
    if all(stars):
        values = np.array([int(m.group(1)) for m in stars], dtype=float)  # type: ignore[union-attr]
        return (values - 3.0) / 2.0
    return np.linspace(-1.0, 1.0, len(names)) if len(names) > 1 else np.zeros(1)


class TransformerSentiment:
    """Sentiment from a local transformer model, batched over a whole column."""

    name = "transformer"

    def __init__(self, model: str, batch_size: int = 32, max_length: int = 128) -> None:
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise BackendError(
                f"the transformer backend needs extra packages ({exc.name} is missing): "
                "pip install 'kakobuy-xl[transformer]'"
            ) from None
        try:
            # local_files_only: offline by design; the user downloads the model once.
            self._tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=True)
            self._model = AutoModelForSequenceClassification.from_pretrained(
                model, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise BackendError(
                f"the transformer model '{model}' cannot be loaded from this computer ({exc}). "
                "Download it first, then give its folder in sentiment_backend."
            ) from None
        self._model.eval()
        self._torch = torch
        config = self._model.config
        labels = [config.id2label[i] for i in range(config.num_labels)]
        self._values = label_values(labels)
        self.version = f"{model}@{getattr(config, '_commit_hash', None) or 'local'}"
        self.batch_size, self.max_length = batch_size, max_length

    def score(self, texts: pd.Series, languages: pd.Series | None = None) -> pd.Series:
        values = texts.tolist()
        out = np.full(len(values), np.nan)
        filled = [i for i, v in enumerate(values) if isinstance(v, str) and v.strip()]
        torch = self._torch
        with torch.no_grad():
            for start in range(0, len(filled), self.batch_size):
                rows = filled[start:start + self.batch_size]
                batch = self._tokenizer([values[i] for i in rows], padding=True, truncation=True,
                                        max_length=self.max_length, return_tensors="pt")
                probs = torch.softmax(self._model(**batch).logits, dim=-1).numpy()
                out[rows] = probs @ self._values
        return pd.Series(np.clip(out, -1.0, 1.0), index=texts.index)


def make(spec: str) -> Any:
    """The factory behind ``transformer:<model>`` names in Settings."""
    return TransformerSentiment(spec)
