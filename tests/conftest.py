"""Test-wide settings, applied before any test imports jax."""

import os

# Tests are compile-bound: every jit compiles at LLVM -O0, as configs/test.py
# does for the sweeps (taps and models tests: 133 s -> 83 s). Subprocesses
# inherit it.
os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') +
                           ' --xla_backend_optimization_level=0').strip()
