r"""Runs an experiment config.

  python -m attn_seq.main --config=configs/compare.py [--workdir=DIR] \
      [--cache_dir=DIR] [--config.train.steps=1000 ...]

With --distributed, one such process per host (or GPU) joins a
jax.distributed job: the repeats are split over every process's devices and
process 0 writes the results (README: Running bigger).

Bad flags or config fields end with one line on stderr and exit code 2.
"""

import datetime
import os
import sys

from attn_seq import cpu_devices  # pylint: disable=g-bad-import-order

cpu_devices.use_all_cores()  # Before jax is imported.

from absl import app  # pylint: disable=g-import-not-at-top
from absl import flags
from absl import logging
import jax
from ml_collections import config_flags

from attn_seq import validation
from attn_seq import workdirs

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


_OVERWRITE = flags.DEFINE_bool(
    'overwrite', False,
    'Replace what --workdir holds (another config, or a finished run) '
    'instead of refusing it or resuming it.')
_PROGRESS = flags.DEFINE_bool(
    'progress', True, 'A progress line per chunk of steps; --noprogress: quiet.')
_DISTRIBUTED = flags.DEFINE_bool(
    'distributed', False,
    'Join a multi-process job with jax.distributed.initialize(): the '
    'coordinator, process count and id come from the flags below, or else '
    "from JAX's detection of SLURM, Open MPI or Cloud TPU.")
_COORDINATOR = flags.DEFINE_string(
    'coordinator_address', None, 'host:port of process 0, with --distributed.')
_NUM_PROCESSES = flags.DEFINE_integer(
    'num_processes', None, 'Processes in the job, with --distributed.')
_PROCESS_ID = flags.DEFINE_integer(
    'process_id', None, "This process's index, with --distributed.")


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
  if not flags.FLAGS['verbosity'].present:
    logging.set_verbosity(logging.WARNING)  # No INFO lines from jax.
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
  for flag in (_WORKDIR, _CACHE_DIR):
    if flag.value and os.path.exists(flag.value) and not os.path.isdir(flag.value):
      _fail(f'--{flag.name} must be a folder; {flag.value} is a file')
  _initialize_distributed()
  workdir = _WORKDIR.value or os.path.join(
      'runs', datetime.datetime.now().strftime('%Y%m%d-%H%M%S'))
  log = print if jax.process_index() == 0 else lambda *_: None
  log(f'workdir: {workdir}')
  log(f'devices: {jax.device_count()} {jax.default_backend()} over '
      f'{jax.process_count()} process(es)')
  cache_dir = _CACHE_DIR.value or None
  if cache_dir:
    # XLA's own cache too: programs unchanged by an edit of the source hit it.
    jax.config.update('jax_compilation_cache_dir', os.path.join(cache_dir, 'xla'))
    jax.config.update('jax_persistent_cache_min_compile_time_secs', 1.0)
  # Imported here so that bad flags fail before its heavier imports load.
  from attn_seq import experiment  # pylint: disable=g-import-not-at-top
  try:
    experiment.run(config, workdir, cache_dir=cache_dir, log=log,
                   progress=_PROGRESS.value, overwrite=_OVERWRITE.value)
  except workdirs.WorkdirError as e:
    _fail(str(e))


def _initialize_distributed():
  """jax.distributed.initialize() from the flags, or its auto-detection."""
  explicit = {'coordinator_address': _COORDINATOR.value,
              'num_processes': _NUM_PROCESSES.value,
              'process_id': _PROCESS_ID.value}
  if not _DISTRIBUTED.value:
    given = [f'--{k}' for k, v in explicit.items() if v is not None]
    if given:
      _fail(f'{", ".join(given)} need --distributed')
    return
  if _NUM_PROCESSES.value is not None and _NUM_PROCESSES.value < 1:
    _fail(f'--num_processes must be >= 1 (got {_NUM_PROCESSES.value})')
  if (_PROCESS_ID.value is not None and _NUM_PROCESSES.value is not None and
      not 0 <= _PROCESS_ID.value < _NUM_PROCESSES.value):
    _fail(f'--process_id must be in [0, {_NUM_PROCESSES.value}) '
          f'(got {_PROCESS_ID.value})')
  # CPU devices of different processes talk through gloo (GPUs use NCCL).
  jax.config.update('jax_cpu_collectives_implementation', 'gloo')
  try:
    jax.distributed.initialize(**explicit)
  except (RuntimeError, ValueError) as e:
    _fail(f'--distributed: {" ".join(str(e).split())}')


if __name__ == '__main__':
  app.run(main, flags_parser=_parse_flags)
