r"""The tutorial's final experiment: both models, 10 repeats each.

  python -m attn_seq.main --config=configs/compare.py

Expected (2-core CPU): baseline mean accuracy ~20% (10-35%), attention ~97%
(>= 90%); the tutorial reported 23.10% vs 95.70%. Writes DIR/report.md (95% CIs,
Welch's t-test), DIR/loss_curves.png, DIR/attention.png and DIR/results.json.
"""

from attn_seq import config as base


def get_config():
  config = base.get_config()
  config.models = ('baseline', 'attention')
  config.num_repeats = 10
  # A one-minute run: each model's repeats as one program (compiles fastest),
  # without checkpoints or progress lines. (Chunked runs round differently,
  # so single repeats differ; see README: Workdirs.)
  config.train.checkpoint_every = 0
  return config
