#!/usr/bin/python3
"""Interop: our codec against Python's own zlib, msgpack, lz4 and base64.

Python writes payloads to in/, the C++ driver (unit_codec's
InteropDriver test, run with IOT_CODEC_FIXTURES) decodes and encodes them into
out/, and Python checks both directions: our decoding gives the value Python
packed (json.loads equality), and what our encoders write, Python decodes to
the same value. Prints "N passed, N failed"; exits 1 on any failure.
"""
import base64
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zlib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "lib"))
from iot_testlib import check, counts, find_unit_test, finish  # noqa: E402

try:
    import lz4.block
    import lz4.frame
    import msgpack
except ImportError as e:  # a Debian package missing: a skip, never a pass
    print(f"SKIP: {e}")
    sys.exit(77)

SEED000 = {
    "schema_version": "2.1", "msg_id": "01HX7K3NBVYD5V2Q3BZ8MNRZWK", "device_id": "P-007",
    "device_type": "centrifugal_pump", "ts": 1710844800123, "seq": 48291,
    "d": {"temp_inlet_c": {"v": 72.4, "q": 192}, "temp_outlet_c": {"v": 81.2, "q": 192},
          "pressure_bar": {"v": 4.2, "q": 192}, "flow_m3h": {"v": 142.7, "q": 192},
          "vibration_rms": {"v": 0.82, "q": 68}, "power_kw": {"v": 18.4, "q": 192}},
    "meta": {"fw_version": "2.3.1", "gw_id": "gw-detroit-l3-01", "source_ts": 1710844799980,
             "edge_latency_ms": 143},
}
WIDE = {f"metric_{i:02d}": i * 1.5 for i in range(40)}  # map16 in msgpack
EDGE = {
    "ints": [0, 1, -1, 127, 128, -32, -33, 255, 256, -129, 65535, 65536, -32769, 2**32, -2**31 - 1,
             2**63 - 1, -2**63, 2**64 - 1],
    "floats": [0.0, -0.0, 1.0, 0.1, 1e16, 1e-7, 1.7976931348623157e308, 5e-324, 123456.789],
    "strings": ["", "ascii", "quote\" back\\ slash", "ctl\n\t\x01\x1f", "gr\u00fc\u00df \u20ac \U0001F600",
                "x" * 40, "y" * 300, "z" * 70000],
    "nested": {"a": [[], {}, [[{"deep": [True, False, None]}]]]},
    "list": list(range(20)),
}
VALUES = {"seed000": SEED000, "wide": WIDE, "edge": EDGE, "scalar_str": "hello", "scalar_num": 42.5,
          "array": [1, "two", 3.0, None]}


def find_driver():
    return find_unit_test("unit_codec")


def write_inputs(d):
    files = {}

    def put(name, data):
        (d / name).write_bytes(data)
        files[name] = data

    for key, value in VALUES.items():
        text = json.dumps(value).encode()
        packed = msgpack.packb(value)
        put(f"{key}.json.payload", text)
        put(f"{key}.pretty.payload", json.dumps(value, indent=2).encode())
        put(f"{key}.msgpack.payload", packed)
        for level in range(10):
            put(f"{key}.zjson{level}.payload", zlib.compress(text, level))
            put(f"{key}.zmsgpack{level}.payload", zlib.compress(packed, level))
        put(f"{key}.json", text)  # for our encoders
        put(f"{key}.frame.lz4", lz4.frame.compress(text))
        put(f"{key}.block.lz4", lz4.block.compress(text))
        put(f"{key}.b64", base64.b64encode(packed))
        put(f"{key}.b64url", base64.urlsafe_b64encode(packed).rstrip(b"="))
    # float32 as python-msgpack writes it with use_single_float.
    put("single.msgpack.payload", msgpack.packb({"v": 72.4, "w": [0.1, 1.0]}, use_single_float=True))
    # Not decodable: binary (zlib around text, bare text, raw bytes, bin type, bad UTF-8).
    put("bin_ztext.payload", zlib.compress(b"plain words"))
    put("bin_text.payload", b"x^ plain text")
    put("bin_bytes.payload", bytes(range(256)))
    put("bin_msgbin.payload", msgpack.packb({"blob": b"\x00\x01"}, use_bin_type=True))
    put("bin_utf8.payload", b'{"a": "\xff"}')
    put("bin_trunc.payload", zlib.compress(json.dumps(SEED000).encode())[:-1])
    for n in (0, 1, 100, 70000):
        put(f"raw{n}.raw", os.urandom(n))
    return files


def main():
    driver = find_driver()
    root = pathlib.Path(tempfile.mkdtemp(prefix="iot-codec-interop."))
    try:
        run(driver, root)
    finally:
        if counts.failed == 0:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"kept {root} for inspection", file=sys.stderr)
    sys.exit(finish())


def run(driver, root):
    inp, out = root / "in", root / "out"
    inp.mkdir()
    files = write_inputs(inp)
    env = dict(os.environ, IOT_CODEC_FIXTURES=str(root))
    proc = subprocess.run([str(driver), "--gtest_filter=InteropDriver.*"], env=env,
                          capture_output=True, text=True, timeout=120)
    check("C++ driver ran", proc.returncode == 0 and "[  PASSED  ] 1 test" in proc.stdout,
          proc.stdout[-2000:] + proc.stderr[-2000:])

    expect_enc = {"json": "json", "pretty": "json", "msgpack": "msgpack"}
    for key, value in VALUES.items():
        for form in ["json", "pretty", "msgpack"] + [f"zjson{i}" for i in range(10)] + \
                [f"zmsgpack{i}" for i in range(10)]:
            name = f"{key}.{form}.payload"
            enc, _, js = (out / f"{name}.out").read_bytes().decode().partition("\n")
            want = expect_enc.get(form, "zlib+json" if form.startswith("zjson") else "zlib+msgpack")
            check(f"{name}: detected {want}", enc == want, f"got {enc}")
            check(f"{name}: same value", enc != "binary" and json.loads(js) == value, js[:200])
            check(f"{name}: one line", "\n" not in js)
        for form in ("frame", "block"):
            status, _, data = (out / f"{key}.{form}.lz4.out").read_bytes().partition(b"\n")
            check(f"{key}: lz4.{form} decompressed", status == b"ok" and data == json.dumps(value).encode())
        for form in ("b64", "b64url"):
            status, _, data = (out / f"{key}.{form}.out").read_bytes().partition(b"\n")
            check(f"{key}: {form} decoded", status == b"ok" and data == msgpack.packb(value))
        # Our encoders, decoded by Python.
        base = out / f"{key}.json"
        check(f"{key}: our json", json.loads((base.parent / (base.name + ".json")).read_bytes()) == value)
        ours_mp = (base.parent / (base.name + ".msgpack")).read_bytes()
        check(f"{key}: our msgpack", msgpack.unpackb(ours_mp) == value)
        check(f"{key}: our msgpack is packb's bytes", ours_mp == msgpack.packb(value))
        check(f"{key}: our zlib+json",
              json.loads(zlib.decompress((base.parent / (base.name + ".zlib_json")).read_bytes())) == value)
        check(f"{key}: our zlib+msgpack",
              msgpack.unpackb(zlib.decompress((base.parent / (base.name + ".zlib_msgpack")).read_bytes())) == value)

    enc, _, js = (out / "single.msgpack.payload.out").read_text().partition("\n")
    check("float32 msgpack decodes as Python does",
          enc == "msgpack" and json.loads(js) == msgpack.unpackb(files["single.msgpack.payload"]), js)
    for name in [n for n in files if n.startswith("bin_")]:
        enc = (out / f"{name}.out").read_text().partition("\n")[0]
        check(f"{name}: binary", enc == "binary", f"got {enc}")
    for name, data in files.items():
        if not name.endswith(".raw"):
            continue
        o = out / name
        check(f"{name}: our base64", base64.b64decode((o.parent / (o.name + ".b64")).read_bytes(), validate=True) == data)
        url = (o.parent / (o.name + ".b64url")).read_bytes()
        check(f"{name}: our base64url", base64.urlsafe_b64decode(url + b"=" * (-len(url) % 4)) == data)
        check(f"{name}: our lz4 frame", lz4.frame.decompress((o.parent / (o.name + ".lz4frame")).read_bytes()) == data)
        check(f"{name}: our lz4 block", lz4.block.decompress((o.parent / (o.name + ".lz4block")).read_bytes()) == data)


if __name__ == "__main__":
    main()
