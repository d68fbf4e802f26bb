import os
import stat

import pytest

from kakobuy_xl.io.atomic import usual_mode, write_atomically


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_documents_get_the_usual_mode_caches_stay_private(tmp_path):
    write_atomically(tmp_path / "sub" / "doc.csv", b"a")
    write_atomically(tmp_path / "cache.bin", b"b", private=True, durable=False)
    assert (tmp_path / "sub" / "doc.csv").read_bytes() == b"a"
    assert mode(tmp_path / "sub" / "doc.csv") == usual_mode()
    assert mode(tmp_path / "cache.bin") == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "doc.csv"
    target.write_bytes(b"old")

    def fail(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.csv"]
