r"""Difficulty sweep: accuracy vs input length, both models, 10 seeds each.

  python -m attn_seq.main --config=configs/length_sweep.py

n_in in {5, 10, 15, 20, 30, 40} with n_out = 40% of n_in, at cardinality 10
and 50; the tutorial's protocol otherwise (5000 single-pair Adam steps, 100
evaluation pairs). Each (length, cardinality) point is one program per model,
its 10 repeats vmapped/sharded as in compare.py. Writes DIR/report.md (mean,
95% CI, Welch's t-test per point), DIR/length_sweep.png and DIR/results.json.
Takes about half an hour on a 2-core CPU.
"""

from attn_seq import config as base

LENGTHS = (5, 10, 15, 20, 30, 40)


def get_config():
  config = base.get_config()
  config.models = ('baseline', 'attention')
  config.num_repeats = 10
  config.grid = (
      ('task.n_in,task.n_out', tuple((n, round(0.4 * n)) for n in LENGTHS)),
      ('task.cardinality', (10, 50)),
  )
  return config
