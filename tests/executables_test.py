"""The on-disk cache of compiled sweeps (executables.py)."""

import os

import jax
import numpy as np

from attn_seq import executables
from attn_seq import sweep
from tests.train_test import load_test_config


def tiny_config():
  config = load_test_config()
  config.model.units = 8
  config.train.steps = 10
  config.eval.num_pairs = 4
  return config


def run(compiled, config):
  inputs = sweep.program_inputs(config)
  return jax.tree.map(np.asarray, compiled(*inputs))


def test_second_compile_loads_the_same_program(tmp_path):
  config = tiny_config()
  first, _, cached = sweep.compile_repeats(config, 'attention',
                                           cache_dir=str(tmp_path))
  assert not cached
  assert len(list(tmp_path.glob('*.executable'))) == 1
  second, _, cached = sweep.compile_repeats(config, 'attention',
                                            cache_dir=str(tmp_path))
  assert cached
  jax.tree.map(np.testing.assert_array_equal, run(first, config),
               run(second, config))


def test_key_follows_the_program_not_the_seed():
  config = tiny_config()
  devices = jax.local_devices()
  key = lambda c, name='baseline': executables.cache_key(c, name, devices, {})
  other_seed = tiny_config()
  other_seed.seed = 7
  more_steps = tiny_config()
  more_steps.train.steps = 11
  assert key(config) == key(other_seed)
  assert key(config) != key(more_steps)
  assert key(config) != key(config, 'attention')
  assert key(config) != executables.cache_key(
      config, 'baseline', devices, {'xla_backend_optimization_level': 0})


def test_unreadable_entry_is_recompiled(tmp_path):
  config = tiny_config()
  sweep.compile_repeats(config, 'baseline', cache_dir=str(tmp_path))
  (entry,) = tmp_path.glob('*.executable')
  entry.write_bytes(b'not an executable')
  compiled, _, cached = sweep.compile_repeats(config, 'baseline',
                                              cache_dir=str(tmp_path))
  assert not cached
  assert np.all(np.isfinite(run(compiled, config)['loss']))
  assert os.path.getsize(entry) > 1000  # Rewritten.
