import pytest

from kakobuy_xl.errors import ConfigError
from kakobuy_xl.settings import Settings, resolve


def test_precedence_argument_sheet_env_default():
    env = {"KAKOBUY_TIME_ZONE": "Asia/Tokyo", "KAKOBUY_HOME_CURRENCY": "JPY"}
    sheet = {"time_zone": "Europe/Berlin", "delay_grace_days": "3", "seller_name": ""}
    s = resolve(sheet=sheet, env=env, overrides={"delay_grace_days": 5})
    assert s.time_zone == "Europe/Berlin"
    assert s.home_currency == "JPY"
    assert s.delay_grace_days == 5
    assert s.seller_language == "en"


@pytest.mark.parametrize("bad", [{"date_order": "YMD"}, {"translation_provider": "babel"},
                                 {"business_hours": "9 to 5"}, {"delay_grace_days": "two"}])
def test_bad_settings_say_which_and_what(bad):
    with pytest.raises(ConfigError, match=list(bad)[0]):
        resolve(sheet=bad)


def test_settings_are_frozen():
    with pytest.raises(Exception):
        Settings().time_zone = "x"  # type: ignore[misc]
