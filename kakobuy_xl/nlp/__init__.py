"""Message intelligence: language, sentiment, negative flags, intent and dispute type.

Each kind of analysis has backends, registered by name and chosen in Settings
(``language_backend``, ``sentiment_backend``, ``intent_backend``). A backend takes a whole
column (a pandas Series) and returns a column. The defaults run offline and ship inside
the package; they are imported and loaded on first use only.

>>> sorted(names("language"))                                   # doctest: +SKIP
['default']
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, Callable

from ..errors import BackendError, ConfigError

KINDS = ("language", "sentiment", "intent", "dispute_type")
DEFAULT = "default"

_FACTORIES: dict[str, dict[str, Callable[[], Any]]] = {kind: {} for kind in KINDS}
_INSTANCES: dict[tuple[str, str], Any] = {}


def register(kind: str, name: str, factory: Callable[[], Any]) -> None:
    """Make ``factory()`` the backend ``name`` of ``kind`` (replacing any before it)."""
    if kind not in _FACTORIES:
        raise ConfigError(f"unknown analysis kind {kind!r} (known: {', '.join(KINDS)})")
    _FACTORIES[kind][name] = factory
    _INSTANCES.pop((kind, name), None)


def names(kind: str) -> list[str]:
    """The backend names registered for ``kind``."""
    return sorted(_FACTORIES[kind])


#: Backends that take a parameter, named ``prefix:parameter`` in Settings.
_PARAMETRISED: dict[str, dict[str, Callable[[str], Any]]] = {kind: {} for kind in KINDS}


def register_parametrised(kind: str, prefix: str, factory: Callable[[str], Any]) -> None:
    """Backends named ``prefix:<parameter>``, built by ``factory(parameter)``."""
    _PARAMETRISED[kind][prefix] = factory


def backend(kind: str, name: str = DEFAULT) -> Any:
    """The backend ``name`` of ``kind``, built once and then reused."""
    name = name or DEFAULT
    prefix, _, parameter = name.partition(":")
    if parameter and prefix in _PARAMETRISED.get(kind, {}) and \
            name not in _FACTORIES[kind]:
        make = _PARAMETRISED[kind][prefix]
        _FACTORIES[kind][name] = lambda: make(parameter)
    if name not in _FACTORIES.get(kind, {}):
        raise ConfigError(
            f"There is no {kind} backend named '{name}' (available: "
            f"{', '.join(names(kind) + [p + ':<model>' for p in _PARAMETRISED[kind]])}). "
            f"Fix '{kind}_backend' on the Settings sheet."
        )
    key = (kind, name)
    if key not in _INSTANCES:
        try:
            _INSTANCES[key] = _FACTORIES[kind][name]()
        except ImportError as exc:
            raise BackendError(
                f"the {kind} backend '{name}' cannot be loaded ({exc}). Reinstall kakobuy-xl, "
                "or install the extra that backend needs."
            ) from exc
    return _INSTANCES[key]


def _lazy(module: str, attr: str) -> Callable[[], Any]:
    def make() -> Any:
        return getattr(import_module(module, __name__), attr)()

    return make


register("language", DEFAULT, _lazy(".language", "LanguageDetector"))
register("sentiment", DEFAULT, _lazy(".sentiment", "SentimentModel"))
register("intent", DEFAULT, _lazy(".intent", "IntentClassifier"))
register("dispute_type", DEFAULT, _lazy(".intent", "DisputeTypeClassifier"))


def _transformer(model: str) -> Any:
    from .transformer import TransformerSentiment

    return TransformerSentiment(model)


register_parametrised("sentiment", "transformer", _transformer)
