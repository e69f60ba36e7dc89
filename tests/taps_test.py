"""Tapped weight gradients (taps.py) equal plain autodiff."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from attn_seq import config as config_lib
from attn_seq import data
from attn_seq import lstm
from attn_seq import models
from attn_seq import taps
from attn_seq import train
from tests.models_test import random_params


def small_config(attention='bahdanau'):
  config = config_lib.get_config()
  config.model.units = 12
  config.task.cardinality = 7
  config.model.attention = attention
  return config


@pytest.mark.parametrize('name,attention,batch', [
    ('baseline', 'bahdanau', 1), ('attention', 'bahdanau', 1),
    ('attention', 'bahdanau_new_state', 1), ('attention', 'luong_general', 1),
    ('baseline', 'bahdanau', 3), ('attention', 'bahdanau', 3)])
def test_tapped_gradients_equal_autodiff(name, attention, batch):
  config = small_config(attention)
  model = models.create_model(config, name)
  inputs, targets = data.sample_batch(jax.random.PRNGKey(1), batch, 5, 2, 7)
  variables = jax.jit(model.init)(jax.random.PRNGKey(0), inputs)
  params = random_params(variables['params'], jax.random.PRNGKey(2))
  plain = lambda p: train.cross_entropy(model.apply({'params': p}, inputs),
                                        targets)
  loss, grads = jax.jit(jax.value_and_grad(plain))(params)
  tapped_loss, tapped_grads = jax.jit(
      taps.value_and_grad(model, train.cross_entropy))(
          params, variables[taps.PERTURBATIONS], inputs, targets)
  np.testing.assert_allclose(tapped_loss, loss, rtol=1e-6)
  assert jax.tree.structure(tapped_grads) == jax.tree.structure(grads)
  for path, g in jax.tree_util.tree_leaves_with_path(grads):
    tapped = dict(jax.tree_util.tree_leaves_with_path(tapped_grads))[path]
    np.testing.assert_allclose(tapped, g, rtol=1e-4, atol=1e-6,
                               err_msg=jax.tree_util.keystr(path))
  # Every weight used inside a scan is tapped, and nothing else.
  tapped_layouts = set()
  jax.tree_util.tree_map_with_path(
      lambda p, _: tapped_layouts.add(p[-1].key),
      dict(variables[taps.PERTURBATIONS]))
  expected = {'recurrent_kernel'}
  if name == 'attention':
    expected |= {'U_p', 'W_r|W_z|W_p|W_o;C_r|C_z|C_p|C_o'} | {
        'bahdanau': {'W_a|U_r|U_z|U_o'},
        'bahdanau_new_state': {'W_a|U_r|U_z', 'U_o'},
        'luong_general': {'U_r|U_z|U_o'}}[attention]
  assert tapped_layouts == expected


def test_taps_do_not_change_the_forward_pass():
  config = small_config()
  model = models.create_model(config, 'attention')
  inputs, _ = data.sample_batch(jax.random.PRNGKey(1), 2, 5, 2, 7)
  variables = model.init(jax.random.PRNGKey(0), inputs)
  plain = model.apply({'params': variables['params']}, inputs)
  tapped, state = model.apply(
      {'params': variables['params'],
       taps.PERTURBATIONS: variables[taps.PERTURBATIONS]},
      inputs, mutable=[taps.TAPS])
  np.testing.assert_array_equal(plain, tapped)
  assert set(state[taps.TAPS]) == {'encoder', 'decoder'}


def test_lstm_repeated_input_equals_broadcast_input():
  layer = lstm.LSTM(units=6)
  x_Bx1xD = jax.random.normal(jax.random.PRNGKey(0), (2, 1, 4))
  params = layer.init(jax.random.PRNGKey(1), x_Bx1xD, length=5)['params']
  repeated = layer.apply({'params': params}, x_Bx1xD, length=5)
  broadcast = layer.apply({'params': params}, jnp.broadcast_to(x_Bx1xD, (2, 5, 4)))
  for a, b in zip(repeated, broadcast):
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
