"""Answer-key generator: proven derivations, traceable numbers, reproducible PDFs, safe publishing."""

import os

# The build runs in processes side by side (an activity each, TeX beside them) on every core; a
# BLAS thread pool in each would only compete for the same cores, and its threads wait for one
# another while they spin. OpenBLAS reads this when NumPy loads it, so it is set before any import
# of NumPy; a user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
