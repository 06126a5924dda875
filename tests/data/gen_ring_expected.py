#!/usr/bin/env python3
"""Generate the golden ring mappings from the tutorial's Python ring.

Usage: python3 tests/data/gen_ring_expected.py [PATH_TO_REFERENCE_PYTHON_DIR]

By default the reference ring is loaded from <repo>/../shared/reference/python
(the repo being two levels above this script). Writes tests/data/ring_<case>.tsv:
a header line `#servers=a,b,c<TAB>vnodes=V<TAB>replicas=R`, then one line per key:
key TAB get_servers(key, R) joined by TAB (the first is get_server(key)).
"""

import contextlib
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
REF = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "..", "shared", "reference", "python")
sys.path.insert(0, os.path.abspath(REF))

from consistent_hashing import ConsistentHashRing  # noqa: E402

CASES = [
    # name, servers, vnodes, replicas
    ("3x150", ["server1", "server2", "server3"], 150, 3),
    ("5x100", ["alpha", "beta", "gamma", "delta", "epsilon"], 100, 5),
    ("10x150", [f"node-{i}" for i in range(10)], 150, 3),
    ("1x150", ["solo"], 150, 3),
    ("unicode", ["café", "東京:1", "a:b", "10.0.0.1:6379", "ß"], 150, 3),
    ("owner_only", ["server1", "server2", "server3", "server4"], 150, 1),
]


def keys():
    out = [""]
    out += [f"key_{i}" for i in range(1500)]
    out += [f"user:{i * 7919}" for i in range(800)]
    out += [f"session {i} ñ 😀" for i in range(300)]
    out += [f"{i:x}" for i in range(400)]
    return out


def main():
    for name, servers, vnodes, replicas in CASES:
        ring = ConsistentHashRing(replicas=vnodes)
        with contextlib.redirect_stdout(io.StringIO()):  # the tutorial prints on add
            for s in servers:
                ring.add_server(s)
        lines = [f"#servers={','.join(servers)}\tvnodes={vnodes}\treplicas={replicas}"]
        for key in keys():
            owners = ring.get_servers(key, replicas)
            assert owners[0] == ring.get_server(key)
            lines.append("\t".join([key] + owners))
        path = os.path.join(HERE, f"ring_{name}.tsv")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
