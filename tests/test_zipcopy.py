import io
import zipfile

from kakobuy_xl.io.zipcopy import rewrite_zip


def make_zip(entries, **kw) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, **kw) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def test_unchanged_members_are_copied_raw_and_replaced_ones_rewritten():
    src = make_zip([("a.xml", b"<a/>" * 100), ("bin/v.bin", bytes(range(256)) * 10),
                    ("é-名.xml", "ü".encode())])
    out = io.BytesIO()
    rewrite_zip(io.BytesIO(src), out, {"a.xml": b"<b/>", "new/part.xml": b"<new/>"},
                remove=frozenset({"é-名.xml"}))
    z_in, z_out = zipfile.ZipFile(io.BytesIO(src)), zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert z_out.testzip() is None
    assert z_out.namelist() == ["a.xml", "bin/v.bin", "new/part.xml"]
    assert z_out.read("a.xml") == b"<b/>"
    assert z_out.read("new/part.xml") == b"<new/>"
    info_in, info_out = z_in.getinfo("bin/v.bin"), z_out.getinfo("bin/v.bin")
    raw = lambda data, info: data[info.header_offset:]  # noqa: E731
    # Same compressed bytes: the member was not recompressed.
    assert info_in.compress_size == info_out.compress_size and info_in.CRC == info_out.CRC
    assert z_out.read("bin/v.bin") == z_in.read("bin/v.bin")
    assert raw(src, info_in)[30:30 + 9 + info_in.compress_size] == \
        raw(out.getvalue(), info_out)[30:30 + 9 + info_out.compress_size]


def test_members_with_data_descriptors_survive():
    # Streams written to a non-seekable file carry a data descriptor after the data.
    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.buf = io.BytesIO()

        def writable(self):
            return True

        def write(self, b):
            return self.buf.write(b)

    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.xml", b"<x>" * 50)
        z.writestr("y.bin", b"\x00\x01" * 40)
    src = sink.buf.getvalue()
    assert zipfile.ZipFile(io.BytesIO(src)).getinfo("x.xml").flag_bits & 0x08
    out = io.BytesIO()
    rewrite_zip(io.BytesIO(src), out, {"x.xml": b"<z/>"})
    z = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert z.testzip() is None
    assert z.read("y.bin") == b"\x00\x01" * 40 and z.read("x.xml") == b"<z/>"
