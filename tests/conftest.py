"""Test-wide settings, applied before any test imports jax."""

import os

# Tests are compile-bound: LLVM -O0 compiles every jit ~2x faster than the
# default, as configs/test.py does for the sweeps. Subprocesses inherit it.
os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') +
                           ' --xla_backend_optimization_level=0').strip()
