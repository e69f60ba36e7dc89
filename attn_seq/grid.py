"""Grids of experiments: config.grid's axes -> points -> programs.

`config.grid` is a tuple of axes; the points are their Cartesian product.
An axis is a pair (fields, values):

  ('train.learning_rate', (1e-3, 3e-3))            one field, one value each
  ('task.n_in,task.n_out', ((5, 2), (10, 4)))      fields zipped: a tuple each

Every point runs config.num_repeats repeats of every model with the same
seeds (repeat i's key does not depend on the point). Points that differ only
in BATCHED_FIELDS share one compiled program, their (point, seed) pairs
vmapped and sharded together; other fields (shapes, choices) get one program
per value.
"""

import itertools

# Fields the program takes as inputs, so one program runs all their values.
BATCHED_FIELDS = ('train.learning_rate', 'train.b1', 'train.b2', 'train.eps')
# Fields a grid may not vary: they choose what runs, not how.
FIXED_FIELDS = ('grid', 'models', 'num_repeats', 'seed', 'repeats_per_batch',
                'cpu_optimization_level')


class GridError(ValueError):
  """config.grid is malformed; the message says where."""


def axes(config):
  """config.grid as [(fields tuple, value tuples list)], checked for shape."""
  grid = config.get('grid', ())
  if not isinstance(grid, (tuple, list)):
    raise GridError(f'config.grid must be a tuple of (fields, values) axes '
                    f'(got {grid!r})')
  out = []
  for i, axis in enumerate(grid):
    where = f'config.grid[{i}]'
    if not (isinstance(axis, (tuple, list)) and len(axis) == 2 and
            isinstance(axis[0], str) and isinstance(axis[1], (tuple, list))):
      raise GridError(f"{where} must be a pair ('field[,field...]', (values...)) "
                      f'(got {axis!r})')
    fields = tuple(f.strip() for f in axis[0].split(','))
    values = list(axis[1])
    if not values:
      raise GridError(f'{where}: no values for {axis[0]!r}')
    for field in fields:
      if field.split('.')[0] in FIXED_FIELDS:
        raise GridError(f'{where}: config.{field} cannot be a grid axis '
                        f'(fixed: {", ".join(FIXED_FIELDS)})')
    if len(fields) == 1:
      values = [(v,) for v in values]
    for value in values:
      if not (isinstance(value, (tuple, list)) and len(value) == len(fields)):
        raise GridError(f'{where}: each value of {axis[0]!r} must be a tuple '
                        f'of {len(fields)} (got {value!r})')
    out.append((fields, [tuple(v) for v in values]))
  seen = [f for fields, _ in out for f in fields]
  if len(set(seen)) != len(seen):
    raise GridError(f'config.grid names a field twice: {seen}')
  return out


def points(config):
  """Every point of the grid as {field: value}; [{}] without a grid."""
  grid_axes = axes(config)
  out = []
  for combination in itertools.product(*(values for _, values in grid_axes)):
    point = {}
    for (fields, _), value in zip(grid_axes, combination):
      point.update(zip(fields, value))
    out.append(point)
  return out


def apply(config, point):
  """A copy of `config` with the fields of `point` set and no grid."""
  config = config.copy_and_resolve_references()
  with config.unlocked():
    config.grid = ()
    for field, value in point.items():
      *parents, name = field.split('.')
      node = config
      for parent in parents:
        node = node[parent] if parent in node else None
        if node is None or not hasattr(node, 'keys'):
          raise GridError(f'config.grid: unknown field config.{field}')
      if name not in node:
        raise GridError(f'config.grid: unknown field config.{field}')
      try:
        node[name] = value
      except (TypeError, ValueError) as e:
        raise GridError(f'config.grid: config.{field} cannot be {value!r} '
                        f'({e})') from None
  return config


def programs(config):
  """[(program config, points)]: the points that one compiled program runs,
  in grid order of their first point."""
  groups = {}
  for point in points(config):
    fixed = tuple((f, v) for f, v in point.items() if f not in BATCHED_FIELDS)
    groups.setdefault(fixed, []).append(point)
  return [(apply(config, dict(fixed)), group) for fixed, group in groups.items()]
