import json
import os

import jax
import numpy as np
import pytest

from attn_seq import sweep
from attn_seq import train
from tests.helpers import run_main

CONFIGS = os.path.join(os.path.dirname(__file__), '..', 'configs')


def load_test_config():
  import importlib.util
  spec = importlib.util.spec_from_file_location(
      'test_config', os.path.join(CONFIGS, 'test.py'))
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module.get_config()


@pytest.fixture(scope='module')
def config():
  return load_test_config()


@pytest.mark.parametrize('name', ['baseline', 'attention'])
def test_loss_goes_down(config, name):
  out = jax.jit(train.make_train(config, name))(jax.random.PRNGKey(0))
  loss = np.asarray(out['loss'])
  assert loss.shape == (config.train.steps,)
  assert np.all(np.isfinite(loss))
  assert loss[-50:].mean() < 0.8 * loss[:50].mean()
  assert 0.0 <= float(out['accuracy']) <= 100.0
  examples = out['examples']
  assert examples['predicted'].shape == (config.eval.num_examples,
                                         config.task.n_in)
  np.testing.assert_array_equal(examples['targets'][:, config.task.n_out:], 0)


@pytest.mark.parametrize('repeats_per_batch', [1, 3])
def test_vmapped_repeats_equal_one_at_a_time(config, repeats_per_batch):
  """Batched (3 = one vmap of all) or mapped (1), each repeat is train(key)."""
  config = config.copy_and_resolve_references()
  config.train.steps = 50
  config.num_repeats = 3
  config.repeats_per_batch = repeats_per_batch
  run = sweep.run_repeats(config, 'baseline')
  one = jax.jit(train.make_train(config, 'baseline'))
  keys = sweep.repeat_keys(config.seed, config.num_repeats)
  for i in range(config.num_repeats):
    out = one(keys[i])
    np.testing.assert_allclose(run.loss[i], out['loss'], rtol=1e-4, atol=1e-6)
    assert run.accuracy[i] == float(out['accuracy'])
    np.testing.assert_array_equal(run.examples['predicted'][i],
                                  out['examples']['predicted'])


def test_repeat_keys_do_not_depend_on_the_number_of_repeats():
  np.testing.assert_array_equal(sweep.repeat_keys(7, 3), sweep.repeat_keys(7, 5)[:3])
  assert len({tuple(k) for k in np.asarray(sweep.repeat_keys(7, 5)).tolist()}) == 5


def test_accuracy_is_exact_match_percent(config):
  """Accuracy counts whole pairs: over 7 pairs it is a multiple of 100/7."""
  config = config.copy_and_resolve_references()
  config.train.steps = 1
  config.eval.num_pairs = 7
  out = jax.jit(train.make_train(config, 'baseline'))(jax.random.PRNGKey(1))
  k = float(out['accuracy']) * 7 / 100
  assert abs(k - round(k)) < 1e-4


def test_mini_batches_train(config):
  config = config.copy_and_resolve_references()
  config.train.batch_size = 8
  config.train.steps = 150
  out = jax.jit(train.make_train(config, 'attention'))(jax.random.PRNGKey(0))
  loss = np.asarray(out['loss'])
  assert loss.shape == (150,) and np.all(np.isfinite(loss))
  assert loss[-30:].mean() < 0.8 * loss[:30].mean()


@pytest.mark.parametrize('name', ['baseline', 'attention'])
def test_decoder_steps_decouple_output_from_input_length(config, name):
  config = config.copy_and_resolve_references()
  config.task.n_in, config.task.n_out, config.task.decoder_steps = 8, 3, 3
  # No easy padding zeros to learn first: a larger step size, more steps.
  config.train.learning_rate, config.train.steps = 1e-2, 1000
  out = jax.jit(train.make_train(config, name))(jax.random.PRNGKey(0))
  loss = np.asarray(out['loss'])
  assert loss[-50:].mean() < 0.9 * loss[:50].mean()
  examples = out['examples']
  assert examples['targets'].shape == (config.eval.num_examples, 3)
  assert examples['predicted'].shape == (config.eval.num_examples, 3)
  np.testing.assert_array_equal(examples['targets'], examples['inputs'][:, :3])
  if name == 'attention':
    assert examples['attention'].shape == (config.eval.num_examples, 3, 8)


@pytest.mark.parametrize('variant,teacher_forcing', [
    ('bahdanau_new_state', False), ('luong_dot', False),
    ('luong_general', False), ('bahdanau', True)])
def test_attention_variants_train(config, variant, teacher_forcing):
  """Each variant, and teacher forcing (its mechanics: models_test), trains."""
  config = config.copy_and_resolve_references()
  config.model.attention = variant
  config.model.teacher_forcing = teacher_forcing
  out = jax.jit(train.make_train(config, 'attention'))(jax.random.PRNGKey(0))
  loss = np.asarray(out['loss'])
  assert np.all(np.isfinite(loss))
  assert loss[-50:].mean() < 0.8 * loss[:50].mean()
  np.testing.assert_allclose(out['examples']['attention'].sum(-1), 1.0, atol=1e-5)
  assert out['examples']['predicted'].shape == (config.eval.num_examples,
                                                config.task.n_in)
