#!/usr/bin/env python3
"""N nested-shape telemetry lines (iot-stream(5)), one a line on stdout.

--ids random: every line from a new device whose id looks random (16 hex
digits, a bijection of the line number, so exactly N distinct ids: a
device-id flood, as from a misconfigured fleet or an attacker).
--ids K (a number): the lines go round K devices D-0000001..., seq counting
up per device (a steady fleet). Times are now, one ms apart per round.

Usage: random_fleet.py COUNT [--ids random|K]
"""
import argparse
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("count", type=int)
    ap.add_argument("--ids", default="random")
    a = ap.parse_args()
    now = int(time.time() * 1000) - 1000
    out = sys.stdout
    line = ('{"schema_version":"2.1","msg_id":"m%d","device_id":"%s","device_type":"pump","ts":%d,"seq":%d,'
            '"d":{"temp_c":{"v":21.5,"q":192}}}\n')
    if a.ids == "random":
        for i in range(a.count):
            dev = "%016x" % ((i * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF)
            out.write(line % (i, dev, now, 1))
    else:
        k = int(a.ids)
        for i in range(a.count):
            out.write(line % (i, "D-%07d" % (i % k), now + i // k, i // k + 1))


if __name__ == "__main__":
    main()
