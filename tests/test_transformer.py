"""The optional transformer sentiment backend, against a tiny model this test builds."""

import numpy as np
import pandas as pd
import pytest

from kakobuy_xl import nlp
from kakobuy_xl.errors import BackendError
from kakobuy_xl.nlp.transformer import label_values

transformers = pytest.importorskip(
    "transformers", reason="the transformer extra is not installed (pip install '.[transformer]')")
torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A 1-layer BERT with random weights and a 30-word vocabulary, saved like a download."""
    folder = tmp_path_factory.mktemp("tiny-sentiment")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "great", "bad", "parcel", "never",
             "arrived", "love", "it", "broken", "thanks", "where", "is", "my", "order", "?", "!"]
    (folder / "vocab.txt").write_text("\n".join(words), encoding="utf-8")
    tokenizer = transformers.BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = transformers.BertConfig(
        vocab_size=len(words), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64, num_labels=3,
        id2label={0: "negative", 1: "neutral", 2: "positive"},
        label2id={"negative": 0, "neutral": 1, "positive": 2})
    transformers.BertForSequenceClassification(config).save_pretrained(folder)
    return folder


def test_the_real_loading_code_scores_a_column(tiny_model):
    model = nlp.backend("sentiment", f"transformer:{tiny_model}")
    texts = pd.Series(["great, love it!", None, "  ", "parcel never arrived"] * 20,
                      index=range(10, 90))
    scores = model.score(texts)
    assert list(scores.index) == list(texts.index)
    assert scores.isna().tolist() == [False, True, True, False] * 20
    filled = scores.dropna()
    assert ((filled >= -1) & (filled <= 1)).all()
    # Deterministic, and batched the same as one by one.
    again = model.score(texts.iloc[:1])
    assert again.iloc[0] == pytest.approx(scores.iloc[0], abs=1e-6)


def test_a_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(BackendError, match="cannot be loaded from this computer"):
        nlp.backend("sentiment", f"transformer:{tmp_path / 'nope'}")


def test_label_values():
    assert label_values(["negative", "neutral", "positive"]).tolist() == [-1, 0, 1]
    assert label_values(["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]).tolist() == \
        [-1, -0.5, 0, 0.5, 1]
    assert np.allclose(label_values(["LABEL_0", "LABEL_1"]), [-1, 1])
