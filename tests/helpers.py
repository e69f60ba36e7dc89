"""Running the entry point in a subprocess, as a user would."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_main(*args, timeout=600, env=None):
  """Runs `python -m attn_seq.main ARGS` from the repository root, without the
  compile cache unless ARGS give a --cache_dir."""
  env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
  return subprocess.run([sys.executable, '-m', 'attn_seq.main', '--cache_dir=',
                         *args],
                        cwd=ROOT, env=env, capture_output=True, text=True,
                        timeout=timeout)
