import pytest

from attn_seq import config as config_lib
from attn_seq import validation

BAD_FIELDS = [
    ('task.n_in', 0), ('task.cardinality', 1), ('task.decoder_steps', 1),
    ('train.steps', 0), ('train.checkpoint_every', -1), ('num_repeats', 0),
    ('model.units', 0), ('train.learning_rate', 0.0),
    ('train.learning_rate', -0.001), ('model.gate_activation', 'relu'),
    ('model.attention', 'luong'), ('eval.num_pairs', 0), ('seed', -1),
]


@pytest.mark.parametrize('field,value', BAD_FIELDS)
def test_a_bad_field_is_named(field, value):
  config = config_lib.get_config()
  *parents, name = field.split('.')
  node = config
  for parent in parents:
    node = node[parent]
  node[name] = value
  with pytest.raises(validation.ConfigError, match=f'config.{field} '):
    validation.validate(config)


def test_the_default_config_is_valid():
  validation.validate(config_lib.get_config())
