"""One frozen Settings object, passed explicitly to the core.

Order of precedence, first wins: an explicit argument (``overrides``), the workbook's
``Settings`` sheet, ``KAKOBUY_<SETTING>`` environment variables, the defaults below.
Only faces read the environment or the workbook; they hand both to :func:`resolve`.

>>> resolve(sheet={"date_order": "MDY"}, env={"KAKOBUY_DATE_ORDER": "DMY"}).date_order
'MDY'
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import ConfigError

DEFAULT_TIME_ZONE = "UTC"
DEFAULT_BUSINESS_HOURS = "09:00-18:00"
DEFAULT_WORK_DAYS = "Mon-Fri"
DEFAULT_CURRENCY = "USD"
DEFAULT_LANGUAGE = "en"
DEFAULT_DATE_ORDER = "DMY"
DEFAULT_DELAY_GRACE_DAYS = 2
DEFAULT_DEADLINE_BUFFER_HOURS = 12
PROVIDERS = ("off", "google", "deepl", "microsoft", "mymemory", "libretranslate")


@dataclass(frozen=True)
class Settings:
    """How kakobuy works for one shop."""

    time_zone: str = DEFAULT_TIME_ZONE
    business_hours: str = DEFAULT_BUSINESS_HOURS
    work_days: str = DEFAULT_WORK_DAYS
    holidays_country: str = ""
    home_currency: str = DEFAULT_CURRENCY
    seller_name: str = ""
    seller_language: str = DEFAULT_LANGUAGE
    date_order: str = DEFAULT_DATE_ORDER
    delay_grace_days: int = DEFAULT_DELAY_GRACE_DAYS
    deadline_buffer_hours: int = DEFAULT_DEADLINE_BUFFER_HOURS
    evidence_folder: str = ""
    translation_provider: str = "off"
    translation_url: str = ""
    routing: str = ""
    clarification_queue: str = "clarify"
    survey_url: str = ""
    language_backend: str = "default"
    sentiment_backend: str = "default"
    intent_backend: str = "default"

    def __post_init__(self) -> None:
        if self.date_order not in ("DMY", "MDY"):
            raise ConfigError(
                f"Setting 'date_order' must be DMY or MDY (found '{self.date_order}'). "
                "Fix it on the Settings sheet."
            )
        if self.translation_provider not in PROVIDERS:
            raise ConfigError(
                f"Setting 'translation_provider' must be one of {', '.join(PROVIDERS)} "
                f"(found '{self.translation_provider}')."
            )
        if not re.fullmatch(r"\d{1,2}:\d{2}-\d{1,2}:\d{2}", self.business_hours):
            raise ConfigError(
                f"Setting 'business_hours' must look like 09:00-18:00 (found "
                f"'{self.business_hours}')."
            )

    @property
    def day_first(self) -> bool:
        return self.date_order == "DMY"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _convert(name: str, value: Any) -> Any:
    field = _FIELDS[name]
    text = "" if value is None else str(value).strip()
    if field.type in ("int", int):
        try:
            return int(float(text))
        except ValueError:
            raise ConfigError(f"Setting '{name}' must be a whole number (found '{text}').") from None
    if name in ("date_order",):
        return text.upper()
    if name in ("translation_provider",):
        return text.lower() or "off"
    return text


def resolve(
    sheet: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build Settings from the Settings sheet, ``KAKOBUY_*`` variables and overrides.

    Unknown names on the sheet are ignored (the sheet may carry notes); empty values
    fall through to the next source.
    """
    values: dict[str, Any] = {}
    for name in _FIELDS:
        for source, key in ((overrides or {}, name), (sheet or {}, name),
                            (env or {}, f"KAKOBUY_{name.upper()}")):
            raw = source.get(key)
            if raw is not None and str(raw).strip() != "":
                values[name] = _convert(name, raw)
                break
    return Settings(**values)
