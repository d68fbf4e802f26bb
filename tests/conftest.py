"""Shared fixtures: small workbooks built from the contract, and paths to shared data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from kakobuy_xl.io.create import create_workbook

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NOW = dt.datetime(2025, 6, 30, 12, 0)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests never touch the user's table cache."""
    import os

    old = os.environ.get("KAKOBUY_CACHE_DIR")
    os.environ["KAKOBUY_CACHE_DIR"] = str(tmp_path_factory.mktemp("table-cache"))
    yield
    if old is None:
        os.environ.pop("KAKOBUY_CACHE_DIR", None)
    else:
        os.environ["KAKOBUY_CACHE_DIR"] = old


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture(scope="session")
def _empty_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.xlsx"
    create_workbook(path)
    return path


@pytest.fixture
def shop_path(tmp_path: Path, _empty_workbook: Path) -> Path:
    """A fresh, empty contract workbook (copied from one built once per session)."""
    path = tmp_path / "shop.xlsx"
    shutil.copy(_empty_workbook, path)
    return path


@pytest.fixture(scope="session")
def _demo_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kakobuy_xl import api

    path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    api.demo(path, now=NOW)
    return path


@pytest.fixture
def demo_path(tmp_path: Path, _demo_workbook: Path) -> Path:
    """The demo shop, already refreshed (a private copy)."""
    path = tmp_path / "demo.xlsx"
    shutil.copy(_demo_workbook, path)
    return path
