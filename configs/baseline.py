r"""The encoder-decoder without attention, one run.

  python -m attn_seq.main --config=configs/baseline.py

Expected: accuracy ~20% (the tutorial's single run: 19.00%).
"""

from attn_seq import config as base


def get_config():
  config = base.get_config()
  config.models = ('baseline',)
  return config
