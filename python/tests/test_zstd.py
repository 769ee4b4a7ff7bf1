"""Page codec 2 (zstd): the frame checks of docs/FORMAT.md, "Compression", on hand-made and pyarrow frames."""

import pyarrow as pa
import pytest

from batchlake._zstd import ZstdError, frame_content_size, zstd_decompress

BODY = bytes.fromhex("10 01 06 00 06 47 61 73 c3 96 6c")
RAW_FRAME = bytes.fromhex("28 b5 2f fd 20 0b 59 00 00") + BODY  # the FORMAT.md example


def test_the_spec_example_frame():
    assert frame_content_size(RAW_FRAME) == (11, 20)
    assert zstd_decompress(RAW_FRAME, 11) == BODY


@pytest.mark.parametrize("size", [1, 300, 70_000, 2 << 20])
def test_pyarrow_frames_round_trip(size):
    body = (b"Wohnung mit Balkon, ruhig gelegen. " * (size // 35 + 1))[:size]
    frame = pa.compress(body, codec="zstd", asbytes=True)
    assert zstd_decompress(frame, size) == body


@pytest.mark.parametrize("frame,size,reason", [
    (RAW_FRAME[:-1], 11, "truncated"),
    (RAW_FRAME[:7], 11, "truncated"),
    (RAW_FRAME + b"\x00", 11, "follow the end"),
    (RAW_FRAME + RAW_FRAME, 22, "follow the end"),
    (RAW_FRAME, 12, "records 11"),
    (RAW_FRAME[:5] + b"\x0c" + RAW_FRAME[6:], 12, "cannot decode"),  # a frame that lies: says 12, holds 11
    (bytes.fromhex("28 b5 2f fd 00 00 19 00 00") + b"abc", 3, "content size"),  # no recorded size
    (bytes.fromhex("28 b5 2f fd 21 07 0b 59 00 00") + BODY, 11, "dictionary"),
    (b"\x50\x2a\x4d\x18" + bytes(8), 0, "magic"),  # a skippable frame
])
def test_bad_frames_are_refused(frame, size, reason):
    with pytest.raises(ZstdError, match=reason):
        zstd_decompress(frame, size)
