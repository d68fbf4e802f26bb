"""Translation through deep-translator's real LibreTranslate client against a local fake
server: what leaves the machine is masked, what comes back is restored, nothing twice."""

import inspect

import pandas as pd
import pytest

import fake_libretranslate
from kakobuy_xl.errors import BackendError, ConfigError, UnsupportedLanguages
from kakobuy_xl.io.resultcache import FileResultCache
from kakobuy_xl.nlp.cache import MemoryResultCache
from kakobuy_xl.nlp.credentials import find_api_key
from kakobuy_xl.nlp.translate import (
    DEEP_TRANSLATOR_ERRORS, DeepTranslatorProvider, cache_key, classify,
    provider_from_settings, translate_column)
from kakobuy_xl.settings import Settings

EMAIL, PHONE, ORDER, NAME = "anna.lee@example.com", "+49 30 1234567", "LX123456789CN", "Anna Lee"


@pytest.fixture
def server():
    srv = fake_libretranslate.start()
    yield srv
    fake_libretranslate.stop(srv)


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def provider(server, sleeps):
    return DeepTranslatorProvider("libretranslate", url=server.url, timeout=5, retries=3,
                                  backoff=0.5, sleep=sleeps.append)


@pytest.fixture
def messages():
    return pd.Series([
        f"Hello {NAME}, your order {ORDER} has shipped. Questions: {EMAIL} or {PHONE}.",
        "Thank you for your order",
        f"Hello {NAME}, your order {ORDER} has shipped. Questions: {EMAIL} or {PHONE}.",
        "",
        None,
        "Thank you for your order",
    ], index=[10, 11, 12, 13, 14, 15], name="Message")


def test_server_sees_masked_text_and_user_gets_it_restored(server, provider, messages):
    out = translate_column(messages, "de", "en", provider=provider,
                           cache=MemoryResultCache(), names=[NAME])
    sent = " ".join(server.texts)
    for secret in (EMAIL, PHONE, ORDER, NAME, "Anna", "Lee"):
        assert secret not in sent
    assert server.texts == [
        "Hello [[1]], your order [[2]] has shipped. Questions: [[3]] or [[4]].",
        "Thank you for your order",
    ]
    first = server.requests[0]
    assert (first["source"], first["target"], first["format"]) == ("en", "de", "text")
    assert out.index.tolist() == messages.index.tolist()
    assert out[10] == out[12] == (f"de: HELLO {NAME}, YOUR ORDER {ORDER} HAS SHIPPED. "
                                  f"QUESTIONS: {EMAIL} OR {PHONE}.")
    assert out[11] == "de: THANK YOU FOR YOUR ORDER"
    assert out[13] is None and out[14] is None


def test_second_run_sends_nothing(tmp_path, server, provider, messages):
    cache = FileResultCache(tmp_path)
    first = translate_column(messages, "ja", provider=provider, cache=cache, names=[NAME])
    cache.flush()
    assert len(server.requests) == 2  # one per unique text
    # A new run: new cache object on the same folder, new provider object.
    again = DeepTranslatorProvider("libretranslate", url=server.url, sleep=lambda s: None)
    second = translate_column(messages, "ja", provider=again, cache=FileResultCache(tmp_path),
                              names=[NAME])
    assert len(server.requests) == 2
    pd.testing.assert_series_equal(first, second)


def test_texts_differing_only_in_hidden_values_are_one_request(server, provider):
    texts = pd.Series(["Order A1234567 shipped", "Order B7654321 shipped"])
    out = translate_column(texts, "fr", "en", provider=provider)
    assert server.texts == ["Order [[1]] shipped"]
    assert out.tolist() == ["fr: ORDER A1234567 SHIPPED", "fr: ORDER B7654321 SHIPPED"]


def test_same_language_and_nothing_to_translate_are_not_sent(server, provider):
    texts = pd.Series(["Hallo", "Hello", EMAIL, "   "])
    out = translate_column(texts, "de", pd.Series(["de", "en", "en", "en"]),
                           provider=provider)
    assert out.tolist() == ["Hallo", "de: HELLO", EMAIL, None]
    assert server.texts == ["Hello"]


def test_per_row_targets_and_names(server, provider):
    texts = pd.Series(["Hi Kim", "Hi Ana", "Hi Bo"])
    out = translate_column(texts, pd.Series(["ko", "pt", None]), "en", provider=provider,
                           names=pd.Series([["Kim"], "Ana", None]))
    assert out.tolist() == ["ko: HI Kim", "pt: HI Ana", None]
    assert sorted(server.texts) == ["Hi [[1]]", "Hi [[1]]"]
    assert {r["target"] for r in server.requests} == {"ko", "pt"}


def test_full_width_tokens_in_the_answer_are_restored(server, provider):
    server.mode = "fullwidth"
    out = translate_column(pd.Series([f"Mail {EMAIL}"]), "zh", "en", provider=provider)
    assert out[0] == f"zh: MAIL {EMAIL}"


def test_retries_on_500_then_succeeds(server, provider, sleeps):
    server.script = ["500", "500"]
    out = translate_column(pd.Series(["Good morning"]), "es", "en", provider=provider)
    assert out[0] == "es: GOOD MORNING"
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]  # exponential backoff, injected: the test never waits


def test_rate_limited_gives_a_clear_message_after_retries(server, provider, sleeps):
    server.mode = "429"
    with pytest.raises(BackendError, match=r"rate-limited.*HTTP 429.*after 4 tries; try later"):
        translate_column(pd.Series(["Good morning"]), "es", "en", provider=provider)
    assert len(server.requests) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_answers_before_a_failure_are_kept(server, provider):
    cache = MemoryResultCache()
    server.script = ["ok", "429", "429", "429", "429"]
    with pytest.raises(BackendError):
        translate_column(pd.Series(["one", "two"]), "es", "en", provider=provider,
                         cache=cache)
    server.mode = "ok"
    translate_column(pd.Series(["one", "two"]), "es", "en", provider=provider, cache=cache)
    assert server.texts.count("one") == 1


def test_timeout_message(server, sleeps):
    server.mode = "hang"
    slow = DeepTranslatorProvider("libretranslate", url=server.url, timeout=0.2, retries=1,
                                  sleep=sleeps.append)
    with pytest.raises(BackendError) as err:
        translate_column(pd.Series(["Hello"]), "de", "en", provider=slow)
    assert str(err.value).startswith(
        f"Translation provider libretranslate at {server.url} did not answer within 0.2 s")
    assert "turn translation off in Settings" in str(err.value)
    assert sleeps == [0.5]


def test_offline_message_does_not_leak_the_key_or_text(server, sleeps):
    url = server.url
    fake_libretranslate.stop(server)
    gone = DeepTranslatorProvider("libretranslate", url=url, api_key="SECRET-KEY",
                                  retries=1, sleep=sleeps.append)
    with pytest.raises(BackendError, match="cannot be reached") as err:
        translate_column(pd.Series(["Hello private"]), "de", "en", provider=gone)
    assert "SECRET-KEY" not in str(err.value) and "private" not in str(err.value)


def test_not_json_answer(server, provider):
    server.mode = "garbage"
    with pytest.raises(BackendError, match="not a translation"):
        translate_column(pd.Series(["Hello"]), "de", "en", provider=provider)
    assert len(server.requests) == 1  # not worth retrying


def test_language_the_provider_lacks(server, provider):
    with pytest.raises(UnsupportedLanguages, match="does not support the languages en -> th"):
        translate_column(pd.Series(["Hello"]), "th", "en", provider=provider)
    assert server.requests == []


def test_a_column_can_go_on_without_the_pairs_a_provider_lacks(server, provider):
    out = translate_column(pd.Series(["Hello", "Hello"]), pd.Series(["th", "de"]), "en",
                           provider=provider, skip_unsupported=True)
    assert out.iloc[0] is None and out.iloc[1] == "de: HELLO"
    assert out.attrs["unsupported"] == ["en -> th"] and len(server.requests) == 1


def test_api_key_is_sent_to_the_server(server):
    keyed = DeepTranslatorProvider("libretranslate", url=server.url.rstrip("/"),
                                   api_key="k-123")
    translate_column(pd.Series(["Hello"]), "de", "en", provider=keyed)
    assert server.requests[0]["api_key"] == "k-123"


def test_provider_off():
    assert provider_from_settings(Settings()) is None
    with pytest.raises(ConfigError, match="Translation is off: set translation_provider"):
        translate_column(pd.Series(["Hello"]), "de", provider=None)


def test_provider_from_settings(server):
    p = provider_from_settings(Settings(translation_provider="libretranslate",
                                        translation_url=server.url), timeout=3)
    assert (p.name, p.url, p.timeout) == ("libretranslate", server.url, 3.0)
    with pytest.raises(ConfigError, match="translation_url"):
        provider_from_settings(Settings(translation_provider="libretranslate"))


@pytest.mark.parametrize("name", ["deepl", "microsoft"])
def test_keyed_providers_say_where_the_key_goes(name):
    with pytest.raises(BackendError) as err:
        DeepTranslatorProvider(name)
    assert f"set KAKOBUY_{name.upper()}_API_KEY or store it in the OS keyring under " \
           f"service 'kakobuy-xl', user '{name}'" in str(err.value)


def test_language_codes_per_provider():
    assert DeepTranslatorProvider("google").code("zh") == "zh-CN"
    assert DeepTranslatorProvider("mymemory").code("ja") == "ja-JP"
    assert DeepTranslatorProvider("deepl", api_key="x").code("zh") == "zh"
    assert DeepTranslatorProvider("google").code("auto") == "auto"


@pytest.mark.parametrize("name, display", [("deepl", "DeepL"), ("mymemory", "MyMemory")])
def test_providers_that_cannot_detect_need_a_known_source(name, display):
    p = DeepTranslatorProvider(name, api_key="x:fx", sleep=lambda s: None)
    with pytest.raises(BackendError, match=f"{display} .* needs the source language"):
        p.translate_batch(["Hallo"], "auto", "en")


def test_mymemory_quota_warning_is_not_taken_for_a_translation():
    class Client:
        def translate(self, text):
            return text.upper() if text == "one" else "MYMEMORY WARNING: YOU USED ALL ..."

    p = DeepTranslatorProvider("mymemory", sleep=lambda s: None)
    p._clients[("en", "de")] = Client()
    cache = MemoryResultCache()
    with pytest.raises(BackendError, match="rate-limited.*daily quota") as err:
        translate_column(pd.Series(["one", "two"]), "de", "en", provider=p, cache=cache)
    assert err.value.partial == ["ONE"]
    assert list(cache.data.values()) == ["ONE"]  # the answer before the failure is kept


def test_timeout_applies_only_inside_provider_calls(server, provider):
    import kakobuy_xl.nlp.translate as tr

    translate_column(pd.Series(["Hello"]), "de", "en", provider=provider)
    assert getattr(tr._local, "timeout", None) is None


def test_cache_key_depends_on_every_part():
    keys = {cache_key("google", "en", "de", "Hi"), cache_key("deepl", "en", "de", "Hi"),
            cache_key("google", "auto", "de", "Hi"), cache_key("google", "en", "fr", "Hi"),
            cache_key("google", "en", "de", "Hi!")}
    assert len(keys) == 5


def test_every_deep_translator_exception_is_mapped():
    import deep_translator.exceptions as dte

    classes = [c for _, c in inspect.getmembers(dte, inspect.isclass)
               if issubclass(c, Exception) and c.__module__ == dte.__name__]
    assert len(classes) >= 14
    assert {c.__name__ for c in classes} <= set(DEEP_TRANSLATOR_ERRORS)
    p = DeepTranslatorProvider("libretranslate", url="http://127.0.0.1:9/")
    for cls in classes:
        params = [q for q in inspect.signature(cls.__init__).parameters.values()
                  if q.name != "self" and q.default is inspect.Parameter.empty
                  and q.kind not in (q.VAR_POSITIONAL, q.VAR_KEYWORD)]
        exc = cls(*([429] if cls.__name__ == "ServerException" else ["x"] * len(params)))
        how = classify(exc)
        assert how is not None, cls.__name__
        message = p._message(how[0], how[2], 1, exc, {"source": "en", "target": "de"})
        assert message.startswith(("Translation provider", "LibreTranslate")), message


def test_server_exception_statuses():
    from deep_translator.exceptions import ServerException

    assert classify(ServerException(429))[:2] == ("rate_limited", True)
    assert classify(ServerException(503))[:2] == ("server", True)
    assert classify(ServerException(400))[:2] == ("server_refused", False)
    assert classify(RuntimeError("bug")) is None  # a bug is not dressed up as a backend error


# ---- credentials -------------------------------------------------------------------------

def test_api_key_from_env_first():
    asked = []
    assert find_api_key("DeepL", {"KAKOBUY_DEEPL_API_KEY": " k1 "},
                        keyring_get=lambda s, u: asked.append(u)) == "k1"
    assert asked == []


def test_api_key_from_keyring():
    store = {("kakobuy-xl", "microsoft"): "k2"}
    assert find_api_key("microsoft", {}, keyring_get=lambda s, u: store.get((s, u))) == "k2"
    assert find_api_key("deepl", {}, keyring_get=lambda s, u: store.get((s, u))) is None


def test_broken_keyring_never_raises():
    def broken(service, user):
        raise RuntimeError("no D-Bus session")

    assert find_api_key("deepl", {"OTHER": "x"}, keyring_get=broken) is None


def test_system_keyring_without_backend_is_no_key():
    assert find_api_key("kakobuy-test-provider-that-does-not-exist", {}) is None
