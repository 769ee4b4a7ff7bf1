"""Page codec 2: exactly one zstd frame that records its content size (docs/FORMAT.md, "Compression").

The frame is walked here (RFC 8878: frame header, block headers, optional checksum) so that a payload that is not
exactly one frame, or whose recorded content size differs from the footer's body size, is refused before anything
is allocated by it; the blocks are then decoded by pyarrow's zstd codec into a buffer of exactly that size.
"""

import pyarrow as pa

_MAGIC = b"\x28\xb5\x2f\xfd"
_MAX_BLOCK = 128 * 1024


class ZstdError(Exception):
    pass


def frame_content_size(payload):
    """(content size, frame length) of the frame at the start of ``payload``; raises ZstdError when the bytes are
    not a complete zstd frame that records its content size and uses no dictionary."""
    n = len(payload)
    if n < 6 or bytes(payload[0:4]) != _MAGIC:
        raise ZstdError("payload does not start with the zstd frame magic")
    fhd = payload[4]
    fcs_flag = fhd >> 6
    single_segment = (fhd >> 5) & 1
    if (fhd >> 3) & 1:
        raise ZstdError("reserved bit set in the frame header")
    has_checksum = (fhd >> 2) & 1
    dict_id_size = (0, 1, 2, 4)[fhd & 3]
    fcs_size = (0 if not single_segment else 1, 2, 4, 8)[fcs_flag]
    pos = 5 + (0 if single_segment else 1)
    header_end = pos + dict_id_size + fcs_size
    if header_end > n:
        raise ZstdError("frame header is truncated")
    if dict_id_size and int.from_bytes(payload[pos:pos + dict_id_size], "little") != 0:
        raise ZstdError("frame needs a dictionary")
    pos += dict_id_size
    if fcs_size == 0:
        raise ZstdError("frame does not record its content size")
    size = int.from_bytes(payload[pos:pos + fcs_size], "little")
    if fcs_size == 2:
        size += 256
    pos = header_end
    while True:
        if pos + 3 > n:
            raise ZstdError("frame is truncated (block header)")
        header = int.from_bytes(payload[pos:pos + 3], "little")
        last, kind, block_size = header & 1, (header >> 1) & 3, header >> 3
        pos += 3
        if kind == 3:
            raise ZstdError("reserved block type")
        if block_size > _MAX_BLOCK:
            raise ZstdError(f"block of {block_size} bytes exceeds 128 KiB")
        pos += 1 if kind == 1 else block_size  # an RLE block stores one byte
        if pos > n:
            raise ZstdError("frame is truncated (block)")
        if last:
            break
    if has_checksum:
        pos += 4
        if pos > n:
            raise ZstdError("frame is truncated (checksum)")
    return size, pos


def zstd_decompress(payload, body_size):
    size, length = frame_content_size(payload)
    if length != len(payload):
        raise ZstdError(f"{len(payload) - length} bytes follow the end of the frame")
    if size != body_size:
        raise ZstdError(f"frame records {size} bytes of content, the footer says {body_size}")
    if body_size == 0:
        # pyarrow refuses a zero-size output buffer; the walk above has checked the frame, which must hold no bytes.
        return b""
    try:
        body = pa.decompress(bytes(payload), decompressed_size=body_size, codec="zstd", asbytes=True)
    except (OSError, ValueError) as e:
        raise ZstdError(f"cannot decode: {e}") from None
    if len(body) != body_size:
        raise ZstdError(f"frame decodes to {len(body)} bytes, the footer says {body_size}")
    return body
