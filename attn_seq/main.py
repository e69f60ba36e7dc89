r"""Runs an experiment config.

  python -m attn_seq.main --config=configs/compare.py [--workdir=DIR] \
      [--cache_dir=DIR] [--config.train.steps=1000 ...]

Bad flags or config fields end with one line on stderr and exit code 2.
"""

import datetime
import os
import sys

from attn_seq import cpu_devices  # pylint: disable=g-bad-import-order

cpu_devices.use_all_cores()  # Before jax is imported.

from absl import app  # pylint: disable=g-import-not-at-top
from absl import flags
import jax
from ml_collections import config_flags

from attn_seq import experiment
from attn_seq import validation

_CONFIG = config_flags.DEFINE_config_file(
    'config', None, 'Experiment config file (configs/*.py).', lock_config=True)
_WORKDIR = flags.DEFINE_string(
    'workdir', None, 'Output folder; default: a new folder under runs/.')
_CACHE_DIR = flags.DEFINE_string(
    'cache_dir', os.path.join(
        os.environ.get('XDG_CACHE_HOME', os.path.expanduser('~/.cache')),
        'attn_seq'),
    'Compiled programs are cached here, so a second run of a command skips '
    'compiling; empty: no cache.')


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
  cache_dir = _CACHE_DIR.value or None
  if cache_dir:
    # XLA's own cache too: programs unchanged by an edit of the source hit it.
    jax.config.update('jax_compilation_cache_dir', os.path.join(cache_dir, 'xla'))
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 1.0)
  experiment.run(config, workdir, cache_dir=cache_dir)


if __name__ == '__main__':
  app.run(main, flags_parser=_parse_flags)
