"""Prints 'resultI: same' for each resultI.npy of two output directories
that agree within the tolerance, or the difference."""
import os
import sys

import numpy as np

a_dir, b_dir, tol = sys.argv[1], sys.argv[2], float(sys.argv[3])
for name in sorted(os.listdir(a_dir)):
    a = np.load(os.path.join(a_dir, name))
    b = np.load(os.path.join(b_dir, name))
    stem = os.path.splitext(name)[0]
    if a.shape != b.shape:
        print(f"{stem}: shapes {a.shape} and {b.shape}")
        continue
    both_inf = np.isinf(a) & np.isinf(b) & (np.sign(a) == np.sign(b))
    diff = np.where(both_inf, 0.0, np.abs(a.astype(np.float64) - b))
    worst = float(np.nanmax(diff)) if diff.size else 0.0
    print(f"{stem}: same" if worst <= tol and not np.isnan(diff).any()
          else f"{stem}: differ by {worst}")
