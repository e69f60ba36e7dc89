r"""The encoder-decoder with the attention decoder, one run.

  python -m attn_seq.main --config=configs/attention.py

Expected: accuracy ~95% (the tutorial's single run: 95.00%).
"""

from attn_seq import config as base


def get_config():
  config = base.get_config()
  config.models = ('attention',)
  return config
