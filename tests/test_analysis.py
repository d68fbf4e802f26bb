"""The message-analysis framework, with small fake backends (the real ones have their
own tests and accuracy floors)."""

import pandas as pd
import pytest

from kakobuy_xl import nlp
from kakobuy_xl.errors import BackendError, ConfigError
from kakobuy_xl.io.memory import MemoryWorkbook
from kakobuy_xl.nlp.analysis import Backends, analyse_messages
from kakobuy_xl.nlp.cache import MemoryResultCache, combine_keys, text_digests
from kakobuy_xl.refresh import refresh
from kakobuy_xl.schema import SHEETS
from kakobuy_xl.settings import Settings

from conftest import NOW


class Counting:
    calls: list[list[str]]

    def __init__(self):
        self.calls = []


class FakeLanguage(Counting):
    name, version = "fake-lang", "1"

    def detect(self, texts, prior=None):
        self.calls.append(texts.tolist())
        lang = [("de" if "bitte" in t else (p or "en")) for t, p in
                zip(texts, prior if prior is not None else [None] * len(texts))]
        return pd.DataFrame({"language": lang, "confidence": 0.9}, index=texts.index)


class FakeSentiment(Counting):
    name, version = "fake-sent", "1"

    def score(self, texts, languages=None):
        self.calls.append(texts.tolist())
        return pd.Series([-0.8 if "never" in t else 0.6 for t in texts], index=texts.index)


class FakeIntent(Counting):
    name, version = "fake-intent", "1"

    def classify(self, texts, languages=None):
        self.calls.append(texts.tolist())
        intent = ["delivery_delay" if "never" in t else "other" for t in texts]
        return pd.DataFrame({"intent": intent, "confidence": 0.7,
                             "needs_clarification": "no"}, index=texts.index)


class FakeDispute(Counting):
    name, version = "fake-dispute", "1"

    def classify(self, texts, languages=None):
        self.calls.append(texts.tolist())
        return pd.DataFrame({"dispute_type": ["not_received"] * len(texts), "confidence": 0.75},
                            index=texts.index)


@pytest.fixture
def fakes(monkeypatch):
    made = {"language": FakeLanguage(), "sentiment": FakeSentiment(), "intent": FakeIntent(),
            "dispute_type": FakeDispute()}
    for kind, obj in made.items():
        nlp.register(kind, "fake", lambda obj=obj: obj)
    yield made
    for kind in made:
        nlp._FACTORIES[kind].pop("fake", None)
        nlp._INSTANCES.pop((kind, "fake"), None)


FAKE = Backends("fake", "fake", "fake", "fake")


def test_columns_empty_rows_and_outbound(fakes):
    texts = pd.Series(["never arrived", "  ", None, "danke bitte", "thanks!", 42.0],
                      index=[2, 3, 4, 5, 6, 7])
    inbound = pd.Series([True, True, True, True, False, True], index=texts.index)
    out = analyse_messages(texts, pd.Series(["en", None, None, None, "fr", None],
                                            index=texts.index), inbound, FAKE)
    assert list(out.columns) == ["language", "sentiment", "sentiment_label", "negative_flags",
                                 "intent", "intent_confidence", "needs_clarification"]
    assert out["language"].tolist() == ["en", None, None, "de", "fr", "en"]
    assert out.loc[2, "sentiment"] == -0.8 and out.loc[2, "intent"] == "delivery_delay"
    assert out.loc[2, "sentiment_label"] in ("very negative", "negative")
    assert out.loc[[3, 4], "sentiment"].isna().all()
    assert pd.isna(out.loc[6, "sentiment"]) and out.loc[6, "intent"] is None  # outbound
    assert out.loc[7, "intent"] == "other"  # a number is text to analyse too


def test_unchanged_messages_are_never_analysed_twice(fakes):
    cache = MemoryResultCache()
    texts = pd.Series(["a never", "b", "a never", "c"])
    analyse_messages(texts, backends=FAKE, cache=cache)
    assert fakes["sentiment"].calls == [["a never", "b", "c"]]  # unique texts, one call
    analyse_messages(pd.Series(["c", "b", "d"]), backends=FAKE, cache=cache)
    assert fakes["sentiment"].calls[-1] == ["d"]
    assert fakes["language"].calls[-1] == ["d"]


def test_a_new_backend_version_misses_the_cache(fakes):
    cache = MemoryResultCache()
    analyse_messages(pd.Series(["x"]), backends=FAKE, cache=cache)
    fakes["sentiment"].version = "2"
    analyse_messages(pd.Series(["x"]), backends=FAKE, cache=cache)
    assert len(fakes["sentiment"].calls) == 2


def test_cache_keys_depend_on_text_extras_and_salt():
    digests = text_digests(pd.Series(["x", "x", "y", None]))
    a = combine_keys("s", digests, pd.Series(["en", "de", "en", "en"]))
    assert a[0] != a[1] and a[0] != a[2] and a[3] is None
    assert combine_keys("t", digests[:1])[0] != combine_keys("s", digests[:1])[0]


def test_unknown_or_broken_backends_say_so(monkeypatch):
    with pytest.raises(ConfigError, match="no language backend named 'nope'"):
        nlp.backend("language", "nope")

    def broken():
        raise ImportError("No module named 'torch'")

    nlp.register("sentiment", "broken", broken)
    try:
        with pytest.raises(BackendError, match="cannot be loaded"):
            nlp.backend("sentiment", "broken")
    finally:
        nlp._FACTORIES["sentiment"].pop("broken")


def test_refresh_fills_message_dispute_and_customer_columns(fakes):
    def blank(name, rows):
        return pd.DataFrame(rows, columns=list(SHEETS[name].headers))

    wb = MemoryWorkbook({
        "Customers": blank("Customers", [{"Customer ID": "C1", "Preferred Language": "de"}]),
        "Interactions": blank("Interactions", [
            {"Interaction ID": "I1", "Customer ID": "C1", "Direction": "in",
             "Message": "it never came", "Dispute ID": "D1"},
            {"Interaction ID": "I2", "Customer ID": "c1", "Direction": "in", "Message": "ok"},
            {"Interaction ID": "I3", "Customer ID": "C1", "Direction": "out", "Message": "sorry"},
        ]),
        "Disputes": blank("Disputes", [{"Dispute ID": "D1", "Customer ID": "C1",
                                        "Description": "parcel lost"}]),
    })
    settings = Settings(language_backend="fake", sentiment_backend="fake", intent_backend="fake")
    refresh(wb, settings, NOW)
    inter = wb.sheets["Interactions"].set_index("Interaction ID")
    assert inter["Language"].tolist() == ["de", "de", "de"]  # the prior
    assert inter.loc["I1", "Intent"] == "delivery_delay"
    assert pd.isna(inter.loc["I3", "Sentiment"])
    disputes = wb.sheets["Disputes"]
    assert disputes["Type (auto)"].tolist() == ["not_received"]
    assert fakes["dispute_type"].calls[-1] == ["parcel lost\nit never came"]
    cust = wb.sheets["Customers"].iloc[0]
    assert cust["Complaints"] == 1 and cust["Language (auto)"] == "de"
    assert cust["Avg Sentiment"] == pytest.approx(-0.1)


def test_a_failing_backend_is_a_problem_not_a_crash(monkeypatch):
    class Failing:
        name = "failing"

        def detect(self, texts, prior=None):
            raise BackendError("model file damaged")

    nlp.register("language", "failing", Failing)
    try:
        wb = MemoryWorkbook({"Interactions": pd.DataFrame(
            [{"Interaction ID": "I1", "Message": "hi"}], columns=list(SHEETS["Interactions"].headers))})
        result = refresh(wb, Settings(language_backend="failing"), NOW)
        assert "message analysis" in result.steps_skipped
        assert "model file damaged" in " ".join(result.problems["problem"])
    finally:
        nlp._FACTORIES["language"].pop("failing")
        nlp._INSTANCES.pop(("language", "failing"), None)
