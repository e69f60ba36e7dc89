import pytest

from attn_seq import config as config_lib
from attn_seq import grid
from attn_seq import validation


def with_grid(*axes):
  config = config_lib.get_config()
  config.grid = axes
  return config


def test_no_grid_is_one_point():
  assert grid.points(config_lib.get_config()) == [{}]


def test_points_are_the_product_of_axes_with_zipped_fields():
  config = with_grid(('task.n_in, task.n_out', ((5, 2), (10, 4))),
                     ('train.learning_rate', (1e-3, 1e-2, 0.1)))
  points = grid.points(config)
  assert len(points) == 6
  assert points[0] == {'task.n_in': 5, 'task.n_out': 2,
                       'train.learning_rate': 1e-3}
  assert points[-1] == {'task.n_in': 10, 'task.n_out': 4,
                        'train.learning_rate': 0.1}
  point_config = grid.apply(config, points[-1])
  assert (point_config.task.n_in, point_config.task.n_out) == (10, 4)
  assert point_config.train.learning_rate == 0.1
  assert point_config.grid == ()
  assert config.task.n_in == 5 and config.grid  # The original is untouched.


def test_batched_fields_share_a_program_and_shapes_do_not():
  config = with_grid(('train.learning_rate', (1e-3, 1e-2)),
                     ('task.cardinality', (10, 20, 30)),
                     ('train.b1', (0.8, 0.9)))
  programs = grid.programs(config)
  assert [p.task.cardinality for p, _ in programs] == [10, 20, 30]
  for program_config, points in programs:
    assert len(points) == 4
    assert {p['task.cardinality'] for p in points} == {program_config.task.cardinality}
    assert {(p['train.learning_rate'], p['train.b1']) for p in points} == {
        (1e-3, 0.8), (1e-3, 0.9), (1e-2, 0.8), (1e-2, 0.9)}


@pytest.mark.parametrize('axes,message', [
    ((('train.learning_rate',),), 'config.grid[0] must be a pair'),
    ((('train.learning_rate', ()),), 'no values'),
    ((('task.n_in,task.n_out', (5, 10)),), 'must be a tuple of 2'),
    ((('seed', (1, 2)),), 'config.seed cannot be a grid axis'),
    ((('models', (('baseline',),)),), 'config.models cannot be a grid axis'),
    ((('task.n_in', (5,)), ('task.n_in', (6,))), 'names a field twice'),
    ((('task.n_inn', (5,)),), 'unknown field config.task.n_inn'),
    ((('train.steps', (1.5,)),), 'config.train.steps cannot be 1.5'),
    ((('task.n_out', (2, 9)),), "point task.n_out=9: config.task.n_out must be <="),
    ((('model.attention', ('bahdanau', 'luong')),), "point model.attention='luong'"),
])
def test_bad_grids_name_where(axes, message):
  with pytest.raises(validation.ConfigError, match=message.replace('[', r'\[')):
    validation.validate(with_grid(*axes))


def test_grid_must_be_a_tuple():
  config = config_lib.get_config()
  config.grid = ('train.learning_rate',)
  with pytest.raises(validation.ConfigError, match='config.grid'):
    validation.validate(config)
