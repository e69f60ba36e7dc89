r"""Learning rates x seeds: one program per model runs every pair.

  python -m attn_seq.main --config=configs/lr_grid.py

Adam's learning rate in {3e-4, 1e-3, 3e-3}, 10 seeds each, the tutorial's
task and protocol otherwise. The learning rate is an input of the compiled
program (grid.BATCHED_FIELDS), so the 30 (rate, seed) pairs of a model are
vmapped/sharded together in one program. Writes DIR/report.md,
DIR/sweep_learning_rate.png and DIR/results.json.
"""

from attn_seq import config as base


def get_config():
  config = base.get_config()
  config.models = ('baseline', 'attention')
  config.num_repeats = 10
  config.grid = (('train.learning_rate', (3e-4, 1e-3, 3e-3)),)
  return config
