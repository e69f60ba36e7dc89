"""The repeat path must finish: on jax 0.10 CPU a vmapped init that ran two
LAPACK QRs concurrently deadlocked XLA's thread pool on 2 cores."""

import subprocess
import sys

from tests.helpers import ROOT, run_main

TIMEOUT_S = 300


def test_vmapped_init_of_ten_seeds_finishes():
  code = '\n'.join([
      'import jax, jax.numpy as jnp',
      'from attn_seq import config, models',
      'c = config.get_config()',
      'for name in ("baseline", "attention"):',
      '  m = models.create_model(c, name)',
      '  init = jax.jit(jax.vmap(lambda k: m.init(k, jnp.zeros((1, 5, 50)))))',
      '  jax.block_until_ready(init(jax.random.split(jax.random.PRNGKey(0), 10)))',
      'print("done")',
  ])
  proc = subprocess.run([sys.executable, '-c', code], cwd=ROOT, text=True,
                        capture_output=True, timeout=TIMEOUT_S)
  assert proc.returncode == 0 and 'done' in proc.stdout, proc.stderr


def test_ten_full_size_repeats_finish(tmp_path):
  proc = run_main('--config=configs/test.py', f'--workdir={tmp_path}',
                  '--config.num_repeats=10', '--config.model.units=150',
                  '--config.task.cardinality=50', '--config.train.steps=3',
                  '--config.eval.num_pairs=10', timeout=TIMEOUT_S)
  assert proc.returncode == 0, proc.stderr
  assert proc.stdout.count('repeat 9:') == 2
