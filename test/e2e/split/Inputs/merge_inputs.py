"""Inputs of merge.mlir: keys and values in two parts (40 + 23 keys) and
whole, key lengths, and stacked partial results with -inf log-sum-exps."""
import os
import sys

import numpy as np

out = sys.argv[1]
rng = np.random.default_rng(7)
q = rng.standard_normal((2, 4, 5, 16)).astype(np.float32)
k = rng.standard_normal((2, 2, 63, 16)).astype(np.float32)
v = rng.standard_normal((2, 2, 63, 8)).astype(np.float32)
arrays = {
    "q": q, "k": k, "v": v,
    "k1": k[:, :, :40], "v1": v[:, :, :40],
    "k2": k[:, :, 40:], "v2": v[:, :, 40:],
    # Batch 1 keeps only the first part's keys.
    "len2": np.array([23, 0], dtype=np.int32),
    "len": np.array([63, 40], dtype=np.int32),
}
os_ = rng.standard_normal((3, 2, 4, 5, 8)).astype(np.float32)
lses = (rng.standard_normal((3, 2, 4, 5)) * 4).astype(np.float32)
lses[1, 0, 0, :] = -np.inf       # one part of some rows kept no key
lses[:, 0, 1, 2] = -np.inf       # a row no part kept
os_[:, 0, 1, 2] = 0.0
arrays["os"] = os_
arrays["lses"] = lses
for name, a in arrays.items():
    np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(a))
