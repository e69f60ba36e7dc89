r"""Runs an experiment config.

  python -m attn_seq.main --config=configs/compare.py [--workdir=DIR] \
      [--config.train.steps=1000 ...]

Bad flags or config fields end with one line on stderr and exit code 2.
"""

import datetime
import os
import sys

# One XLA CPU device per core, so repeats run on every core (set before jax
# loads; ignored by GPU/TPU backends; an XLA_FLAGS that sets it wins).
if '--xla_force_host_platform_device_count' not in os.environ.get('XLA_FLAGS', ''):
  _cores = (len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity')
            else os.cpu_count() or 1)
  os.environ['XLA_FLAGS'] = (os.environ.get('XLA_FLAGS', '') +
                             f' --xla_force_host_platform_device_count={_cores}')

from absl import app  # pylint: disable=g-import-not-at-top
from absl import flags
from ml_collections import config_flags

from attn_seq import experiment
from attn_seq import validation

_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'Experiment config file (configs/*.py).', lock_config=True)
_WORKDIR = flags.DEFINE_string(
    'workdir', None, 'Output folder; default: a new folder under runs/.')


def _fail(message):
  print(f'error: {message}', file=sys.stderr)
  sys.exit(2)


def _parse_flags(argv):
  """absl's parser, with every parse error (unknown or ill-typed --config.x,
  a missing config file) as one line and exit code 2."""
  try:
    return flags.FLAGS(argv)
  except (flags.Error, AttributeError, KeyError, TypeError, ValueError,
          OSError) as e:
    detail = ' '.join(str(e).replace('\\n', ' ').replace('\\', '').split())
    if isinstance(e, AttributeError):  # ml_collections: an unknown field.
      detail = 'unknown config field ' + detail.replace("'", '')
    _fail(f'bad flag: {detail}')


def main(argv):
  if len(argv) > 1:
    _fail(f'unexpected arguments: {" ".join(argv[1:])}')
  config = _CONFIG.value
  if config is None:
    _fail('--config is required, e.g. --config=configs/compare.py')
  try:
    config.get('models')  # A config file that failed to load raises here.
  except OSError as e:
    _fail(f'cannot load --config: {str(e).strip().splitlines()[-1].strip()}')
  try:
    validation.validate(config)
  except validation.ConfigError as e:
    _fail(str(e))
  workdir = _WORKDIR.value or os.path.join(
      'runs', datetime.datetime.now().strftime('%Y%m%d-%H%M%S'))
  print(f'workdir: {workdir}')
  experiment.run(config, workdir)


if __name__ == '__main__':
  app.run(main, flags_parser=_parse_flags)
