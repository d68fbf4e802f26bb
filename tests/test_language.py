"""Language detection: chat-message edge cases, the prior, and accuracy floors on public data."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("lingua", reason="needs lingua-language-detector==2.1.1 (a dependency)")
pytest.importorskip("fasttext", reason="needs fasttext-predict==0.9.2.4 (a dependency)")

from kakobuy_xl.nlp.language import LanguageDetector, normalise_language  # noqa: E402

EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
LANGID_CSV = EVAL_DIR / "langid_lingua" / "lingua_langid.csv"

# Measured on the 17 issue languages (docs/language-detection.md): word-pairs 0.962,
# sentences 0.998, single-words 0.874. Floors: the measured value less a small margin, and never
# below the targets (0.95 word-pairs, 0.99 sentences).
FLOOR = {"word-pairs": 0.955, "sentences": 0.995, "single-words": 0.86}


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


def detect(detector, texts, prior=None, index=None):
    s = pd.Series(texts, dtype=object, index=index)
    p = None if prior is None else pd.Series(prior, dtype=object, index=s.index)
    return detector.detect(s, p)


def test_api_shape_and_index(detector):
    idx = pd.Index([10, 3, 3, 7], name="row")
    out = detect(detector, ["where is my order??", "ok", "ok", None], index=idx)
    assert list(out.columns) == ["language", "confidence"]
    assert out.index.equals(idx)
    assert out["language"].map(type).eq(str).all()
    assert out["confidence"].between(0, 1).all()
    assert out["language"].isin(detector.languages).all()
    assert detector.name == "kakobuy"
    for code in "en es fr de it pt ja ko zh ru ar vi th id tr nl pl und".split():
        assert code in detector.languages


def test_empty_column(detector):
    out = detector.detect(pd.Series([], dtype=object))
    assert out.empty and list(out.columns) == ["language", "confidence"]


@pytest.mark.parametrize("text", ["", "   ", None, np.nan, "😀😀👍", "🙏", "12345", 123, 4.5,
                                  "#1001-23", "ORD-2024-000123", "https://shop.example.com/o/1234",
                                  "+86 138 0013 8000", "!!!???", "ok", "OK!!", "ok ok", "lol",
                                  "hmm...", "k"])
def test_no_signal_is_und_or_the_prior(detector, text):
    out = detect(detector, [text])
    assert out["language"].iloc[0] == "und"
    assert out["confidence"].iloc[0] == 0.0
    with_prior = detect(detector, [text], prior=["de"])
    assert with_prior["language"].iloc[0] == "de"
    assert 0.0 < with_prior["confidence"].iloc[0] < 0.5


def test_english_chat_abbreviations(detector):
    out = detect(detector, ["thx!!", "ok thx", "pls asap"])
    assert out["language"].tolist() == ["en", "en", "en"]
    # Too little to overrule the customer's preferred language.
    out = detect(detector, ["thx!!", "ok thx"], prior=["fr", "de"])
    assert out["language"].tolist() == ["fr", "de"]


@pytest.mark.parametrize("text,lang", [
    ("where is my order??", "en"),
    ("wo ist meine Bestellung?", "de"),
    ("¿dónde está mi pedido?", "es"),
    ("où est ma commande ?", "fr"),
    ("dov'è il mio ordine?", "it"),
    ("onde está o meu pedido?", "pt"),
    ("waar is mijn bestelling", "nl"),
    ("gdzie jest moje zamówienie", "pl"),
    ("siparişim nerede", "tr"),
    ("đơn hàng của tôi ở đâu", "vi"),
    ("cảm ơn", "vi"),
    ("pesanan saya di mana", "id"),
    ("我的订单在哪里？", "zh"),
    ("注文はどこですか", "ja"),
    ("ハウ", "ja"),
    ("주문이 어디에 있나요?", "ko"),
    ("где мой заказ?", "ru"),
    ("أين طلبي؟", "ar"),
    ("คำสั่งซื้อของฉันอยู่ที่ไหน", "th"),
    ("Γεια σας", "el"),
    ("שלום", "he"),
    ("नमस्ते", "hi"),
])
def test_short_customer_messages(detector, text, lang):
    assert detect(detector, [text])["language"].iloc[0] == lang


@pytest.mark.parametrize("text,lang", [
    ("Hello, 我的订单在哪里?", "zh"),           # greeting in English, message in Chinese
    ("iPhone 13 在哪里", "zh"),                 # brand name inside Chinese
    ("注文 ORD-12345 はまだ届いていません", "ja"),
    ("Bestellung 4711-AB ist noch nicht da, siehe https://x.example/t/99", "de"),
    ("order #12345 where is it? https://x.co/a", "en"),
    ("Мой заказ AB123456789CN до сих пор не пришёл", "ru"),
    ("ราคา FRN110G1S-4JWTECH Co. ยังไม่ได้รับสินค้า", "th"),
])
def test_mixed_scripts_and_codes(detector, text, lang):
    assert detect(detector, [text])["language"].iloc[0] == lang


def test_prior_breaks_ties_on_short_text(detector):
    # Word pairs from the evaluation set that the text alone gets wrong: the customer's preferred
    # language is a plausible candidate, so it decides.
    texts = ["frame exterior", "occasion permit", "repartir entre", "merci", "danke"]
    prior = ["en", "en", "es", "de", "nl"]
    assert detect(detector, texts, prior=prior)["language"].tolist() == prior[:3] + ["fr", "de"]


# Short customer-service messages written for this project (no public labelled set has them).
CHAT = {
    "en": ["my package never arrived", "refund please", "item broken", "wrong size sent",
           "when will it ship?"],
    "es": ["mi paquete no ha llegado", "quiero un reembolso", "el producto llegó roto",
           "talla equivocada", "cuándo llega?"],
    "fr": ["mon colis n'est jamais arrivé", "je veux un remboursement", "article cassé",
           "mauvaise taille", "quand est-ce que ça arrive ?"],
    "de": ["mein Paket ist nie angekommen", "ich möchte eine Rückerstattung", "Artikel kaputt",
           "falsche Größe", "wann kommt es an?"],
    "it": ["il mio pacco non è mai arrivato", "voglio un rimborso", "articolo rotto",
           "taglia sbagliata", "quando arriva?"],
    "pt": ["meu pacote nunca chegou", "quero reembolso", "produto quebrado", "tamanho errado",
           "quando chega?"],
    "nl": ["mijn pakket is nooit aangekomen", "ik wil mijn geld terug", "artikel kapot",
           "verkeerde maat", "wanneer komt het?"],
    "pl": ["moja paczka nie dotarła", "chcę zwrot pieniędzy", "produkt uszkodzony", "zły rozmiar",
           "kiedy dojdzie?"],
    "tr": ["paketim hiç gelmedi", "para iadesi istiyorum", "ürün kırık geldi", "yanlış beden",
           "ne zaman gelir?"],
    "vi": ["gói hàng của tôi chưa đến", "tôi muốn hoàn tiền", "sản phẩm bị vỡ", "sai kích cỡ",
           "khi nào đến?"],
    "id": ["paket saya belum sampai", "saya mau refund", "barang rusak", "ukuran salah",
           "kapan sampai?"],
}


def test_short_latin_chat_messages(detector):
    labels = [lang for lang, texts in CHAT.items() for _ in texts]
    texts = [text for texts in CHAT.values() for text in texts]
    alone = detect(detector, texts)["language"].to_numpy() == np.asarray(labels)
    assert alone.mean() >= 0.9, [t for t, ok in zip(texts, alone) if not ok]  # measured 53/55
    with_prior = detect(detector, texts, prior=labels)["language"].tolist()
    assert with_prior == labels


def test_clear_text_beats_the_prior(detector):
    texts = ["where is my order?? it has been three weeks",
             "Ich habe meine Bestellung immer noch nicht erhalten",
             "我的订单在哪里？", "где мой заказ?"]
    out = detect(detector, texts, prior=["de", "fr", "ja", "pl"])
    assert out["language"].tolist() == ["en", "de", "zh", "ru"]


def test_prior_alignment_and_forms(detector):
    texts = pd.Series(["ok", "ok", "ok", "ok", "ok"], index=[5, 6, 7, 8, 9])
    prior = pd.Series(["English", "de-AT", None, "PT_br", "xx-yy-unknown?"],
                      index=[5, 6, 7, 8, 9])
    out = detector.detect(texts, prior)
    assert out["language"].tolist() == ["en", "de", "und", "pt", "und"]  # unknown -> none
    # A prior indexed differently is aligned on the index (missing -> no prior).
    out = detector.detect(texts, pd.Series(["fr"], index=[6]))
    assert out["language"].tolist() == ["und", "fr", "und", "und", "und"]


def test_normalise_language():
    assert normalise_language("DE") == "de"
    assert normalise_language("zh-Hans-CN") == "zh"
    assert normalise_language("Deutsch") == "de"
    assert normalise_language(float("nan")) is None
    assert normalise_language("") is None
    assert normalise_language("und") is None


def test_duplicates_are_detected_once_and_agree(detector):
    texts = ["où est ma commande ?"] * 50 + ["where is my order??"] * 50
    out = detect(detector, texts)
    assert out["language"].tolist() == ["fr"] * 50 + ["en"] * 50
    assert out["confidence"].nunique() == 2


def test_sequential_and_parallel_agree():
    texts = ["danke schön", "grazie mille", "muchas gracias", "dziękuję bardzo", "ok"]
    a = LanguageDetector(parallel=True).detect(pd.Series(texts))
    b = LanguageDetector(parallel=False).detect(pd.Series(texts))
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.skipif(not LANGID_CSV.is_file(),
                    reason=f"evaluation data absent: {LANGID_CSV} (the shared/eval folder beside "
                           "the checkout)")
def test_accuracy_floors_on_lingua_langid(detector):
    from kakobuy_xl.evaluate.language import run

    scores = run(EVAL_DIR, detector=detector, repeats=1)
    assert set(scores.columns) == {"task", "dataset", "kind", "language", "metric", "value", "n"}
    acc = scores[(scores.metric == "accuracy") & (scores.language == "all")].set_index("kind")
    for kind, floor in FLOOR.items():
        assert acc.loc[kind, "value"] >= floor, (kind, acc.loc[kind, "value"])
    assert (scores.metric == "texts_per_s").sum() == 1
    per_lang = scores[(scores.metric == "accuracy") & (scores.language != "all")
                      & (scores.kind == "sentences")]
    assert len(per_lang) == 17 and per_lang["value"].min() >= 0.98
    assert not any(math.isnan(v) for v in scores["value"])


def test_prior_chooses_among_languages_sharing_a_script(detector):
    texts = ["де моє замовлення?", "سفارش من کجاست", "日本", "где мой заказ?", "日本"]
    out = detect(detector, texts, prior=["uk", "fa", "ja", "de", None])
    assert out["language"].tolist() == ["uk", "fa", "ja", "ru", "zh"]
    assert out["language"].isin(detector.languages).all()


def test_threads_share_one_detector():
    from concurrent.futures import ThreadPoolExecutor

    fresh = LanguageDetector()  # models load on first use, once, under a lock
    texts = pd.Series(["où est ma commande ?", "where is my order??", "注文はどこですか", "ok"] * 25)
    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(lambda _: fresh.detect(texts), range(4)))
    for out in outs:
        pd.testing.assert_frame_equal(out, outs[0])
    assert outs[0]["language"].head(4).tolist() == ["fr", "en", "ja", "und"]


def test_prior_with_repeated_index_labels_and_plain_lists(detector):
    texts = pd.Series(["ok", "ok", "lol"], index=[1, 1, 2])
    out = detector.detect(texts, pd.Series(["de", "fr", None], index=[1, 1, 2]))
    assert out["language"].tolist() == ["de", "fr", "und"]
    out = detector.detect(texts, ["es", None, "it"])
    assert out["language"].tolist() == ["es", "und", "it"]
    assert detector.detect(pd.Series(["注文はどこですか"]))["confidence"].iloc[0] == 1.0


def test_nullable_string_and_categorical_columns(detector):
    texts = pd.Series(["où est ma commande ?", pd.NA, "ok"], dtype="string")
    prior = pd.Series(["fr", pd.NA, "de"], dtype="string")
    out = detector.detect(texts, prior)
    assert out["language"].tolist() == ["fr", "und", "de"]
    cat = pd.Series(["where is my order??", None, "where is my order??"], dtype="category")
    assert detector.detect(cat)["language"].tolist() == ["en", "und", "en"]
    mixed = pd.Series([pd.Timestamp("2025-01-01"), pd.NaT, 12.5, 7, float("inf"), True],
                      dtype=object)
    assert detector.detect(mixed)["language"].tolist() == ["und"] * 6


_SHARED = LanguageDetector()


@pytest.mark.parametrize("seed", [0])
def test_random_cells_never_crash(seed):
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    cells = st.one_of(st.text(max_size=60), st.none(), st.integers(), st.floats(),
                      st.sampled_from(["ok", "😀", "注文", "где", "thx!!", "https://a.b/1"]))

    @hypothesis.settings(max_examples=60, deadline=None, derandomize=True)
    @hypothesis.given(st.lists(cells, max_size=12), st.lists(st.one_of(
        st.none(), st.sampled_from(["de", "fr", "ja", "uk", "xx", "", "English"])), max_size=12))
    def check(texts, priors):
        s = pd.Series(texts, dtype=object)
        p = pd.Series((priors + [None] * len(texts))[:len(texts)], dtype=object, index=s.index)
        for out in (_SHARED.detect(s), _SHARED.detect(s, p)):
            assert out.index.equals(s.index)
            assert out["language"].isin(_SHARED.languages).all()
            assert out["confidence"].between(0, 1).all()

    check()
