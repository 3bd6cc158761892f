"""Inputs of the paged KV cache tests: a contiguous cache (k, v [B, Hkv, M,
D]) with key lengths, and the same keys and values in pages of S keys
scattered over a pool in random order (kp, vp [pages, Hkv, S, D]) with the
block table (table [B, M / S], int32) that lists each sequence's pages.
Table entries past a sequence's length point at pages that hold other data
or are out of range (-1, pages + 5): they must not matter.

  paged_inputs.py DIR B HQ HKV N M D S LEN0,LEN1,...
"""
import os
import sys

import numpy as np

out = sys.argv[1]
b, hq, hkv, n, m, d, s = (int(x) for x in sys.argv[2:9])
lengths = [int(x) for x in sys.argv[9].split(",")]
assert len(lengths) == b and m % s == 0
per_seq = m // s
rng = np.random.default_rng(11)
q = rng.standard_normal((b, hq, n, d)).astype(np.float32)
k = rng.standard_normal((b, hkv, m, d)).astype(np.float32)
v = rng.standard_normal((b, hkv, m, d)).astype(np.float32)
# The pool: every page of every sequence plus three spare pages of noise.
pages = b * per_seq + 3
order = rng.permutation(pages)
kp = rng.standard_normal((pages, hkv, s, d)).astype(np.float32)
vp = rng.standard_normal((pages, hkv, s, d)).astype(np.float32)
table = np.zeros((b, per_seq), dtype=np.int32)
for i in range(b):
    for j in range(per_seq):
        page = order[i * per_seq + j]
        kp[page] = k[i, :, j * s:(j + 1) * s]
        vp[page] = v[i, :, j * s:(j + 1) * s]
        table[i, j] = page
        if j * s >= lengths[i]:  # a page past the length: anything
            table[i, j] = [-1, pages + 5, order[-1]][(i + j) % 3]
os.makedirs(out, exist_ok=True)
for name, a in {"q": q, "k": k, "v": v, "kp": kp, "vp": vp, "table": table,
                "len": np.array(lengths, dtype=np.int32)}.items():
    np.save(os.path.join(out, name + ".npy"), a)
