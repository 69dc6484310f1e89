#!/usr/bin/env python3
"""Prints the README table from a finished `cargo bench -p xmpp-xml --bench framer` run.

usage: table.py CRITERION_DIR BYTES STANZAS   (BYTES and STANZAS from the bench's "input:" line)
"""
import json, os, sys

root, size, stanzas = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
impls = ["ours", "rxml+minidom", "rxml", "quick-xml"]
pieces = ["1", "64", "4096", "whole"]
rate = {}
for p in pieces:
    for i in impls:
        path = os.path.join(root, f"framer_{p}", i, p, "new", "estimates.json")
        with open(path) as f:
            ns = json.load(f)["median"]["point_estimate"]
        rate[(p, i)] = size / (ns / 1e9)
print("| piece | " + " | ".join(f"{i} MiB/s (kstanzas/s)" for i in impls)
      + " | ours / rxml+minidom | ours / quick-xml |")
print("|---|" + "---|" * (len(impls) + 2))
for p in pieces:
    cells = []
    for i in impls:
        r = rate[(p, i)]
        cells.append(f"{r / 2**20:.0f} ({r / size * stanzas / 1e3:.0f})")
    ratio_rx = rate[(p, "ours")] / rate[(p, "rxml+minidom")]
    ratio_q = rate[(p, "ours")] / rate[(p, "quick-xml")]
    print(f"| {p} | " + " | ".join(cells) + f" | {ratio_rx:.1f}x | {ratio_q:.2f}x |")
