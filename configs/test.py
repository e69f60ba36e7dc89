r"""A tiny config for the tests: both models, small, a few hundred steps.

  python -m attn_seq.main --config=configs/test.py

Expected: finishes in seconds; loss falls; accuracy is not meaningful.
"""

from attn_seq import config as base


def get_config():
  config = base.get_config()
  config.models = ('baseline', 'attention')
  config.num_repeats = 2
  config.task.cardinality = 10
  config.model.units = 16
  config.train.steps = 300
  config.eval.num_pairs = 20
  config.eval.num_examples = 3
  # LLVM -O0: compiles ~25% faster than the default 1 (tests are compile-bound).
  config.cpu_optimization_level = 0
  return config
