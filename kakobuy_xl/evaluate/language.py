"""Language-detection scores on the public evaluation data (see ``docs/language-detection.md``).

``run(eval_dir)`` reads ``eval_dir / 'langid_lingua/lingua_langid.csv'`` (Lingua's own test set,
drawn from Leipzig web corpora), keeps the languages the issue asks for, detects them with the
default :class:`kakobuy_xl.nlp.language.LanguageDetector` and returns one row per score:

* ``metric='accuracy'`` per kind (``language='all'``) and per kind and language;
* ``metric='texts_per_s'`` (``kind='all'``): texts per second of wall-clock time over the whole
  set, models already loaded, best of ``repeats`` runs.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

#: The languages of the issue ("Message intelligence"): the set the scores are measured on.
EVAL_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "it", "pt", "ja", "ko", "zh", "ru",
                                   "ar", "vi", "th", "id", "tr", "nl", "pl")
DATASET = "lingua_langid"
COLUMNS = ["task", "dataset", "kind", "language", "metric", "value", "n"]


def load(eval_dir: Path, languages: tuple[str, ...] = EVAL_LANGUAGES) -> pd.DataFrame:
    """The rows (lang, kind, text) of the evaluation set in ``languages``."""
    path = Path(eval_dir) / "langid_lingua" / "lingua_langid.csv"
    data = pd.read_csv(path, dtype={"lang": str, "kind": str, "text": str},
                       keep_default_na=False)
    return data[data["lang"].isin(languages)].reset_index(drop=True)


def run(eval_dir: Path, detector=None, repeats: int = 3) -> pd.DataFrame:
    """Accuracy per kind and per language, and throughput, as rows (see the module docstring)."""
    if detector is None:
        from ..nlp.language import LanguageDetector

        detector = LanguageDetector()
    data = load(eval_dir)
    texts = data["text"]
    detector.detect(texts.head(50))  # load the models outside the timing
    best = float("inf")
    result = None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        result = detector.detect(texts)
        best = min(best, time.perf_counter() - start)
    correct = result["language"].to_numpy() == data["lang"].to_numpy()
    data = data.assign(correct=correct)

    rows = []
    for kind, group in data.groupby("kind", sort=True):
        rows.append(("language", DATASET, kind, "all", "accuracy",
                     float(group["correct"].mean()), len(group)))
    for (kind, lang), group in data.groupby(["kind", "lang"], sort=True):
        rows.append(("language", DATASET, kind, lang, "accuracy",
                     float(group["correct"].mean()), len(group)))
    rows.append(("language", DATASET, "all", "all", "accuracy", float(correct.mean()),
                 len(data)))
    rows.append(("language", DATASET, "all", "all", "texts_per_s",
                 float(len(texts) / best) if best > 0 else float("inf"), len(texts)))
    return pd.DataFrame(rows, columns=COLUMNS)


if __name__ == "__main__":  # pragma: no cover - manual use
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parents[3] / "shared" / "eval"
    print(run(folder).to_string(index=False))
