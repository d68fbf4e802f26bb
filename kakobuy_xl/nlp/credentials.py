"""API keys for translation providers: from the environment or the OS keyring, never the
workbook (a workbook gets e-mailed around; a key in it would leak with it).

The face hands over its environment mapping; the core never reads the environment itself.

>>> find_api_key("deepl", {"KAKOBUY_DEEPL_API_KEY": "abc:fx"})
'abc:fx'
>>> find_api_key("deepl", {}, keyring_get=lambda service, user: None) is None
True
"""

from __future__ import annotations

from typing import Callable, Mapping

#: Keys live in the OS keyring under this service, with the provider name as the user.
KEYRING_SERVICE = "kakobuy-xl"

KeyringGet = Callable[[str, str], "str | None"]


def env_var(provider: str) -> str:
    """The environment variable holding the key of ``provider``: KAKOBUY_DEEPL_API_KEY..."""
    return f"KAKOBUY_{provider.strip().upper()}_API_KEY"


def where_to_put_key(provider: str) -> str:
    """How to give kakobuy a key, in words for the user."""
    name = provider.strip().lower()
    return (f"set {env_var(name)} or store it in the OS keyring under service "
            f"'{KEYRING_SERVICE}', user '{name}'")


def _system_keyring_get(service: str, user: str) -> str | None:
    """The password from the OS keyring; None when keyring is missing or has no backend."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    # The "fail" backend (no usable keyring on this machine) raises on every call.
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring.get_password(service, user)


def find_api_key(provider: str, env: Mapping[str, str],
                 keyring_get: KeyringGet | None = None) -> str | None:
    """The API key of ``provider``: ``KAKOBUY_<PROVIDER>_API_KEY`` in ``env`` first, then
    the OS keyring (service ``kakobuy-xl``, user = provider name). None when neither has
    one. Never raises because of the keyring: a missing, locked or broken keyring simply
    means "no key there" (the error that follows says where to put one).

    ``keyring_get(service, user)`` replaces the OS keyring (tests, other stores).
    """
    name = provider.strip().lower()
    value = env.get(env_var(name))
    if isinstance(value, str) and value.strip():
        return value.strip()
    get = keyring_get or _system_keyring_get
    try:
        value = get(KEYRING_SERVICE, name)
    except Exception:  # keyring backends raise many kinds (D-Bus, locked, init): no key
        return None
    return value.strip() if isinstance(value, str) and value.strip() else None


__all__ = ["KEYRING_SERVICE", "env_var", "find_api_key", "where_to_put_key"]
