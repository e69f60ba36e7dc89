"""Checks a config before anything is compiled or written."""

import math

from attn_seq import attention
from attn_seq import grid
from attn_seq import lstm
from attn_seq import models


class ConfigError(ValueError):
  """A config field breaks a rule; the message names the field and the rule."""


def _int(config, path, minimum, maximum=None):
  value = _get(config, path)
  if isinstance(value, bool) or not isinstance(value, int):
    raise ConfigError(f'config.{path} must be an integer (got {value!r})')
  if value < minimum:
    raise ConfigError(f'config.{path} must be >= {minimum} (got {value})')
  if maximum is not None and value > maximum:
    raise ConfigError(f'config.{path} must be <= {maximum} (got {value})')


def _float(config, path, low, high, low_open=False, high_open=False):
  value = _get(config, path)
  if isinstance(value, bool) or not isinstance(value, (int, float)):
    raise ConfigError(f'config.{path} must be a number (got {value!r})')
  too_low = value <= low if low_open else value < low
  too_high = value >= high if high_open else value > high
  if math.isnan(value) or too_low or too_high:
    interval = (('(' if low_open else '[') + f'{low}, {high}' +
                (')' if high_open else ']'))
    raise ConfigError(f'config.{path} must be in {interval} (got {value})')


def _bool(config, path):
  value = _get(config, path)
  if not isinstance(value, bool):
    raise ConfigError(f'config.{path} must be True or False (got {value!r})')


def _choice(config, path, choices):
  value = _get(config, path)
  if value not in choices:
    raise ConfigError(
        f'config.{path} must be one of {sorted(choices)} (got {value!r})')


def _get(config, path):
  value = config
  for name in path.split('.'):
    if name not in value:
      raise ConfigError(f'config.{path} is missing')
    value = value[name]
  return value


def validate(config):
  """Raises ConfigError on the first field that breaks its rule, in the
  config or in any point of its grid."""
  _validate_point(config)
  try:
    grid_points = grid.points(config)
    if config.grid:
      for point in grid_points:
        try:
          _validate_point(grid.apply(config, point))
        except ConfigError as e:
          raise ConfigError(f'config.grid point {_format(point)}: {e}') from None
  except grid.GridError as e:
    raise ConfigError(str(e)) from None


def _format(point):
  return ', '.join(f'{field}={value!r}' for field, value in point.items())


def _validate_point(config):
  names = _get(config, 'models')
  if not isinstance(names, (tuple, list)):
    raise ConfigError(f'config.models must be a tuple of model names '
                      f"(got {names!r}), e.g. ('attention',)")
  if not names:
    raise ConfigError('config.models must name at least one model')
  for name in names:
    if name not in models.MODELS:
      raise ConfigError(f'config.models: unknown model {name!r}; '
                        f'known: {sorted(models.MODELS)}')
  if len(set(names)) != len(names):
    raise ConfigError(f'config.models must not repeat a model (got {names})')
  _int(config, 'num_repeats', 1)
  _int(config, 'seed', 0, 2**32 - 1)
  _int(config, 'repeats_per_batch', 0)
  _int(config, 'cpu_optimization_level', -1, 3)

  _int(config, 'task.n_in', 1)
  _int(config, 'task.n_out', 1)
  if config.task.n_out > config.task.n_in:
    raise ConfigError('config.task.n_out must be <= config.task.n_in '
                      f'(got {config.task.n_out} > {config.task.n_in})')
  _int(config, 'task.cardinality', 2)
  _int(config, 'task.decoder_steps', 0)
  if 0 < config.task.decoder_steps < config.task.n_out:
    raise ConfigError('config.task.decoder_steps must be 0 (= n_in) or >= '
                      f'config.task.n_out (got {config.task.decoder_steps} < '
                      f'{config.task.n_out})')

  _int(config, 'model.units', 1)
  _choice(config, 'model.gate_activation', lstm.GATE_ACTIVATIONS)
  _choice(config, 'model.attention', attention.ATTENTION_VARIANTS)
  _int(config, 'model.unroll', 0)
  _bool(config, 'model.teacher_forcing')

  _int(config, 'train.steps', 1)
  _int(config, 'train.checkpoint_every', 0)
  _int(config, 'train.batch_size', 1)
  _float(config, 'train.learning_rate', 0.0, math.inf, low_open=True,
         high_open=True)
  _float(config, 'train.b1', 0.0, 1.0, high_open=True)
  _float(config, 'train.b2', 0.0, 1.0, high_open=True)
  _float(config, 'train.eps', 0.0, math.inf, high_open=True)

  _int(config, 'eval.num_pairs', 1)
  _int(config, 'eval.num_examples', 0, config.eval.num_pairs)
