"""Writes the conformance files spec_*.bcol: every encoding example of docs/FORMAT.md, byte for byte as printed there,
as the single page of a one-column file, plus files for NULLs (bitmap and runs), deflate and several pages/row groups.
expected.json holds what each file must decode to. Run: python3 make_spec_examples.py [output folder]"""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from bcol_writer import build, varint, zz  # noqa: E402

H = bytes.fromhex


def fbits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


NAN = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000))[0]

# name: (type, scale, stream bytes from FORMAT.md, encoding ids, values)
EXAMPLES = {
    "int_plain": ("int64", 0, "00 01 00 00 00 00 00 00 00 fe ff ff ff ff ff ff ff", [0x00], [1, -2]),
    "int_varint": ("int64", 0, "01 02 03 d8 04", [0x01], [1, -2, 300]),
    "int_constant": ("int64", 0, "02 0e", [0x02], [7] * 500),
    "int_bitpack": ("int64", 0, "03 c8 01 03 58 0e", [0x03], [100, 103, 101, 107]),
    "bool_bitpack": ("bool", 0, "03 00 01 05", [0x03], [True, False, True]),
    "int_delta": ("int64", 0, "04 d0 0f 02 14", [0x04, 0x02], [1000, 1010, 1020, 1030]),
    "int_rle": ("int64", 0, "05 02 01 0a 12 01 06 02", [0x05, 0x01, 0x01], [5, 5, 5, 5, 9, 9]),
    "int_dict": ("int64", 0, "06 02 01 0a 80 89 7a 03 00 01 25", [0x06, 0x01, 0x03],
                 [1000000, 5, 1000000, 5, 5, 1000000, 5, 5]),
    "text_plain": ("text", 0, "10 01 06 00 06 47 61 73 c3 96 6c", [0x10, 0x01], ["Gas", "", "Öl"]),
    "text_dict": ("text", 0, "11 02 10 02 06 47 61 73 c3 96 6c 03 00 01 12", [0x11, 0x10, 0x02, 0x03],
                  ["Gas", "Öl", "Gas", "Gas", "Öl", "Gas"]),
    "text_fsst": ("text", 0, "12 02 03 04 75 6e 67 57 6f 68 6e 02 08 01 00 ff 21", [0x12, 0x02], ["Wohnung!"]),
    "text_lz": ("text", 0, "13 01 10 04 01 01 06 01 06 01 0a 61 62 20 61 62", [0x13, 0x01, 0x01, 0x01, 0x01],
                ["ab ab ab", "ab"]),
    "text_digits": ("text", 0, "14 01 0a 06 00 01 86 9e 01 0e 00", [0x14, 0x01, 0x01], ["10115", "007", ""]),
    "float_bits": ("float64", 0, "20 01 ff ff ff ff ff ff ff ff ff 01 80 80 80 80 80 80 80 f8 ff 01", [0x20, 0x01],
                   [-0.0, NAN]),
    "float_scaled": ("float64", 0, "21 02 03 96 01 08 4b 96 00", [0x21, 0x03], [1.5, 2.25, 0.75]),
}


def expected_value(typ, v):
    if v is None:
        return None
    if typ == "float64":
        return f"0x{fbits(v):016x}"
    return v


def main():
    here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    expected = {}
    for name, (typ, scale, stream, ids, values) in EXAMPLES.items():
        n = len(values)
        stat_values = [int(v) for v in values] if typ == "bool" else values
        data = build(name, [("v", typ, scale, False)], [(n, [([(n, 0, H(stream), ids, 0)], stat_values)])],
                     minor=1 if 0x14 in ids else 0)  # digits came with minor version 1
        expected[f"spec_{name}.bcol"] = {"columns": [["v", typ]], "rows": [[expected_value(typ, v)] for v in values]}
        with open(os.path.join(here, f"spec_{name}.bcol"), "wb") as f:
            f.write(data)

    # NULLs, deflate, several pages and row groups, decimals, timestamps and dates
    # row group 0: 6 rows in pages of 4 + 2; row group 1: 3 rows
    cols = [("id", "int64", 0, False), ("rent", "decimal", 2, True), ("at", "timestamp", 0, True),
            ("day", "date", 0, True), ("note", "text", 0, True)]
    ids_rg0 = [1, 2, 3, 4, 5, 6]
    rent_rg0 = [1250, None, None, None, 999, -5]  # validity as rle runs 1,0,0,0,1,1
    at_rg0 = [0, 1547337600063000, None, -1, None, 253402300799999999]
    day_rg0 = [None] * 6  # all NULL: value stream of zero values
    note_rg0 = ["Grüße 👋", None, "Wohnung " * 20, "", "ab ab ab", None]
    rg0 = (6, [
        ([(4, 0, b"\x04" + zz(1) + b"\x02" + zz(1), [0x04, 0x02], 0),
          (2, 0, b"\x03" + zz(5) + b"\x01\x02", [0x03], 0)], ids_rg0),
        ([(6, 3, b"\x05\x03\x01" + zz(1) + zz(0) + zz(1) + b"\x01" + zz(0) + zz(2) + zz(1)
           + b"\x01" + zz(1250) + zz(999) + zz(-5), [0x05, 0x01, 0x01, 0x01], 0)], rent_rg0),
        ([(4, 1, b"\x03\x00\x01\x0b" + b"\x00" + struct.pack("<3q", 0, 1547337600063000, -1), [0x03, 0x00], 1),
          (2, 1, b"\x03\x00\x01\x02" + b"\x01" + zz(253402300799999999), [0x03, 0x01], 0)], at_rg0),
        ([(6, 6, b"\x00", [0x00], 0)], day_rg0),
        ([(6, 2, b"\x03\x00\x01" + bytes([0b011101]) + b"\x10\x01" + b"".join(
            zz(len(s.encode())) for s in ["Grüße 👋", "Wohnung " * 20, "", "ab ab ab"])
           + "".join(["Grüße 👋", "Wohnung " * 20, "", "ab ab ab"]).encode(), [0x03, 0x10, 0x01], 1)], note_rg0),
    ])
    rg1 = (3, [
        ([(3, 0, b"\x02" + zz(7), [0x02], 0)], [7, 7, 7]),
        ([(3, 0, b"\x01" + zz(-(10 ** 18 - 1)) + zz(0) + zz(10 ** 18 - 1), [0x01], 0)],
         [-(10 ** 18 - 1), 0, 10 ** 18 - 1]),
        ([(3, 3, b"\x02" + zz(0), [0x02], 0)], [None] * 3),
        ([(3, 1, b"\x03\x00\x01\x06" + b"\x01" + zz(-719162) + zz(2932896), [0x03, 0x01], 0)],
         [None, -719162, 2932896]),
        ([(3, 0, b"\x11\x01\x10\x02" + zz(3) + "Öl".encode() + b"\x02" + zz(0), [0x11, 0x10, 0x02, 0x02], 0)],
         ["Öl"] * 3),
    ])
    data = build("mixed", cols, [rg0, rg1], metadata={"source": "conformance", "a": "b"}, sort_column=0)
    with open(os.path.join(here, "spec_mixed.bcol"), "wb") as f:
        f.write(data)

    def dec(v):
        return None if v is None else f"{v / 100:.2f}" if abs(v) < 10 ** 15 else (
            ("-" if v < 0 else "") + f"{abs(v) // 100}.{abs(v) % 100:02d}")
    rows = []
    for i in range(6):
        rows.append([ids_rg0[i], dec(rent_rg0[i]), at_rg0[i], day_rg0[i], note_rg0[i]])
    for i in range(3):
        rows.append([7, dec([-(10 ** 18 - 1), 0, 10 ** 18 - 1][i]), None, [None, -719162, 2932896][i], "Öl"])
    expected["spec_mixed.bcol"] = {
        "columns": [["id", "int64"], ["rent", "decimal(2)"], ["at", "timestamp"], ["day", "date"], ["note", "text"]],
        "rows": rows,
        "metadata": {"a": "b", "source": "conformance"},
    }
    expected["tiny.bcol"] = {
        "columns": [["id", "int64"], ["rent", "decimal(2)"], ["heating", "text"], ["lift", "bool"]],
        "rows": [[7, "12.50", "Gas", True], [8, None, "Gas", False], [9, "9.99", "Öl", True]],
        "metadata": {"source": "golden"},
    }
    # Page codec 2 (zstd, format version 2): the FORMAT.md example (the text plain example's body in a frame of one
    # raw block) as page 0, and a frame with a compressed block (pyarrow's zstd, stored here as bytes) as page 1.
    text_body = H("10 01 06 00 06 47 61 73 c3 96 6c")
    raw_frame = H("28 b5 2f fd 20 0b 59 00 00") + text_body
    prose = ["Wohnung mit Balkon und Einbauküche, ruhig gelegen. " * k for k in (1, 3, 0, 5, 2)] + ["Altbau 🏠"]
    prose_body = b"\x10\x01" + b"".join(zz(len(v.encode())) for v in prose) + "".join(prose).encode()
    prose_frame = H(
        "28b52ffd6052019d0200a404100168b802008804d00116576f686e756e67206d69742042616c6b6f6e20756e642045696e6261"
        "756bc3bc6368652c2072756869672067656c6567656e2e20416c7462617520f09f8fa001005fe0560a0a")
    values = ["Gas", "", "Öl"] + prose
    data = build("zstd", [("v", "text", 0, False)], [(len(values), [([
        (3, 0, text_body, [0x10, 0x01], 2, b"", raw_frame),
        (len(prose), 0, prose_body, [0x10, 0x01], 2, b"", prose_frame)], values)])])
    with open(os.path.join(here, "spec_zstd.bcol"), "wb") as f:
        f.write(data)
    expected["spec_zstd.bcol"] = {"columns": [["v", "text"]], "rows": [[v] for v in values]}

    with open(os.path.join(here, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
