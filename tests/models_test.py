import jax
import jax.numpy as jnp
import numpy as np
import pytest

from attn_seq import attention
from attn_seq import config as config_lib
from attn_seq import initializers
from attn_seq import lstm
from attn_seq import models
from tests import reference

BAHDANAU_VARIANTS = ('bahdanau', 'bahdanau_new_state')  # tests/reference.py's.
STEP_PARAMS = {'V_a', 'W_a', 'W_r', 'U_r', 'C_r', 'b_r', 'W_z', 'U_z', 'C_z',
               'b_z', 'W_p', 'U_p', 'C_p', 'b_p', 'W_o', 'U_o', 'C_o', 'b_o'}


def count(tree):
  return sum(x.size for x in jax.tree.leaves(tree))


def random_params(params, key, scale=0.5):
  """The same tree filled with random values, so no init hides a term."""
  leaves, treedef = jax.tree.flatten(params)
  keys = jax.random.split(key, len(leaves))
  return jax.tree.unflatten(treedef, [
      scale * jax.random.normal(k, x.shape) for k, x in zip(keys, leaves)])


def test_decoder_parameter_count_and_names():
  decoder = attention.AttentionDecoder(units=150, output_dim=50)
  params = decoder.init(jax.random.PRNGKey(0), jnp.zeros((1, 5, 150)))['params']
  assert count(params) == 243_300
  assert set(params) == {'U_a', 'b_a', 'W_s', 'step'}
  assert set(params['step']) == STEP_PARAMS


@pytest.mark.parametrize('variant', BAHDANAU_VARIANTS)
def test_decoder_matches_numpy_transcription(variant):
  units, d, k, t, b = 7, 6, 5, 4, 3
  decoder = attention.AttentionDecoder(units=units, output_dim=k,
                                       attention=variant)
  h = jax.random.normal(jax.random.PRNGKey(1), (b, t, d))
  params = random_params(decoder.init(jax.random.PRNGKey(0), h)['params'],
                         jax.random.PRNGKey(2))
  probs, attn = decoder.apply({'params': params}, h)
  assert probs.shape == (b, t, k) and attn.shape == (b, t, t)
  for i in range(b):
    want_y, want_a = reference.attention_decoder(
        params, np.asarray(h[i]), new_state=variant == 'bahdanau_new_state')
    np.testing.assert_allclose(probs[i], want_y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(attn[i], want_a, rtol=1e-5, atol=1e-5)


def test_variants_differ():
  h = jax.random.normal(jax.random.PRNGKey(1), (1, 4, 6))
  out = {}
  for variant in BAHDANAU_VARIANTS:
    decoder = attention.AttentionDecoder(7, 5, attention=variant)
    params = random_params(decoder.init(jax.random.PRNGKey(0), h)['params'],
                           jax.random.PRNGKey(2))
    out[variant] = np.asarray(decoder.apply({'params': params}, h)[0])
  assert not np.allclose(*out.values())


@pytest.mark.parametrize('gate', ['sigmoid', 'hard_sigmoid'])
def test_lstm_matches_numpy_transcription(gate):
  layer = lstm.LSTM(units=6, gate_activation=gate, unroll=2)
  x = jax.random.normal(jax.random.PRNGKey(1), (2, 5, 4))
  params = random_params(layer.init(jax.random.PRNGKey(0), x)['params'],
                         jax.random.PRNGKey(3))
  outputs, last = layer.apply({'params': params}, x)
  np_gate = reference.sigmoid if gate == 'sigmoid' else (
      lambda v: np.clip(0.2 * v + 0.5, 0, 1))
  for i in range(2):
    want = reference.lstm(jax.tree.map(np.asarray, params), np.asarray(x[i]),
                          np_gate)
    np.testing.assert_allclose(outputs[i], want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(last[i], want[-1], rtol=1e-5, atol=1e-5)


def test_lstm_init_is_keras():
  layer = lstm.LSTM(units=150)
  params = layer.init(jax.random.PRNGKey(0), jnp.zeros((1, 5, 50)))['params']
  bias = np.asarray(params['bias'])
  np.testing.assert_array_equal(bias[150:300], 1.0)
  np.testing.assert_array_equal(np.delete(bias, np.s_[150:300]), 0.0)
  rec = np.asarray(params['recurrent_kernel'])  # (150, 600): orthonormal rows
  np.testing.assert_allclose(rec @ rec.T, np.eye(150), atol=1e-5)
  limit = np.sqrt(6 / (50 + 600))
  kernel = np.asarray(params['kernel'])
  assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit


@pytest.mark.parametrize('shape', [(150, 600), (150, 150), (50, 150), (150, 50)])
def test_orthogonal_init(shape):
  q = np.asarray(initializers.orthogonal(jax.random.PRNGKey(0), shape))
  gram = q @ q.T if shape[0] < shape[1] else q.T @ q
  np.testing.assert_allclose(gram, np.eye(min(shape)), atol=1e-5)


def test_orthogonal_is_haar_like():
  """Entries of a Haar orthogonal n x n matrix have mean 0, variance 1/n."""
  qs = jax.vmap(lambda k: initializers.orthogonal(k, (20, 20)))(
      jax.random.split(jax.random.PRNGKey(0), 500))
  entries = np.asarray(qs).ravel()
  assert abs(entries.mean()) < 0.01
  assert abs(entries.var() * 20 - 1.0) < 0.05
  dets = np.linalg.det(np.asarray(qs, np.float64))
  assert 0.4 < np.mean(dets > 0) < 0.6  # both components of O(n)


def test_v_a_uses_keras2_vector_fans():
  decoder = attention.AttentionDecoder(units=150, output_dim=50)
  params = decoder.init(jax.random.PRNGKey(0), jnp.zeros((1, 5, 150)))['params']
  v_a = np.abs(np.asarray(params['step']['V_a']))
  assert 0.45 < v_a.max() <= 0.495


@pytest.mark.parametrize('name,total', [('baseline', 308_750),
                                        ('attention', 363_900)])
def test_model_outputs_distributions(name, total):
  config = config_lib.get_config()
  model = models.create_model(config, name)
  x = jax.nn.one_hot(jnp.array([[3, 18, 32, 11, 36]]), 50)
  params = model.init(jax.random.PRNGKey(0), x)['params']
  assert count(params) == total
  probs = model.apply({'params': params}, x)
  assert probs.shape == (1, 5, 50)
  np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)


def test_attention_model_returns_weights():
  config = config_lib.get_config()
  model = models.create_model(config, 'attention')
  x = jax.nn.one_hot(jnp.array([[3, 18, 32, 11, 36]]), 50)
  params = model.init(jax.random.PRNGKey(0), x)['params']
  probs, attn = model.apply({'params': params}, x, return_attention=True)
  assert attn.shape == (1, 5, 5)
  np.testing.assert_allclose(attn.sum(-1), 1.0, rtol=1e-5)


def test_decoder_num_steps_is_a_prefix_of_the_full_run():
  """Step t depends only on earlier steps, so fewer steps give a prefix."""
  decoder = attention.AttentionDecoder(units=7, output_dim=5)
  h = jax.random.normal(jax.random.PRNGKey(1), (2, 6, 4))
  params = decoder.init(jax.random.PRNGKey(0), h)['params']
  full_probs, full_attn = decoder.apply({'params': params}, h)
  probs, attn = decoder.apply({'params': params}, h, num_steps=3)
  assert probs.shape == (2, 3, 5) and attn.shape == (2, 3, 6)
  np.testing.assert_allclose(probs, full_probs[:, :3], rtol=1e-6, atol=1e-7)
  np.testing.assert_allclose(attn, full_attn[:, :3], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize('variant,extra,missing', [
    ('luong_dot', set(), {'U_a', 'b_a', 'W_a', 'V_a'}),
    ('luong_general', {'W_l'}, {'U_a', 'b_a', 'W_a', 'V_a'})])
def test_luong_scores(variant, extra, missing):
  decoder = attention.AttentionDecoder(units=6, output_dim=4, attention=variant)
  h = jax.random.normal(jax.random.PRNGKey(0), (2, 5, 6))
  params = random_params(decoder.init(jax.random.PRNGKey(1), h)['params'],
                         jax.random.PRNGKey(2))
  names = set(params) | set(params['step'])
  assert extra <= names and not missing & names
  probs, a_BxSxT = decoder.apply({'params': params}, h)
  # The first step's scores from s_0 = tanh(h_1 W_s), by hand.
  s0 = np.tanh(np.asarray(h[:, 0]) @ np.asarray(params['W_s']))
  keys = np.asarray(h) @ np.asarray(params['W_l']) if variant == 'luong_general' else np.asarray(h)
  e = np.einsum('bn,btn->bt', s0, keys)
  a = np.exp(e - e.max(-1, keepdims=True))
  np.testing.assert_allclose(a_BxSxT[:, 0], a / a.sum(-1, keepdims=True), rtol=1e-4, atol=1e-6)
  np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)


def test_teacher_forcing_with_its_own_outputs_is_the_free_run():
  """Fed [0, y_1, ..., y_{S-1}] of a free run, the decoder reproduces it; fed
  something else, step 1 (y_0 = 0 either way) still matches and later ones
  change."""
  decoder = attention.AttentionDecoder(units=7, output_dim=5)
  h = jax.random.normal(jax.random.PRNGKey(1), (2, 6, 4))
  params = random_params(decoder.init(jax.random.PRNGKey(0), h)['params'],
                         jax.random.PRNGKey(2))
  probs, attn = decoder.apply({'params': params}, h)
  own = jnp.pad(probs[:, :-1], ((0, 0), (1, 0), (0, 0)))
  forced, forced_attn = decoder.apply({'params': params}, h, previous_BxSxK=own)
  np.testing.assert_allclose(forced, probs, rtol=1e-5, atol=1e-6)
  np.testing.assert_allclose(forced_attn, attn, rtol=1e-5, atol=1e-6)
  other = jnp.pad(jax.nn.one_hot(jnp.zeros((2, 5), jnp.int32), 5),
                  ((0, 0), (1, 0), (0, 0)))
  other_probs, _ = decoder.apply({'params': params}, h, previous_BxSxK=other)
  np.testing.assert_allclose(other_probs[:, 0], probs[:, 0], rtol=1e-5)
  assert np.abs(other_probs[:, 1:] - probs[:, 1:]).max() > 1e-3


def test_teacher_targets_are_shifted_one_hots():
  """The model feeds target t-1 at step t: outputs depend on targets 1..S-1
  only, never on the last one."""
  model = models.AttentionModel(units=6, output_dim=5)
  x = jax.nn.one_hot(jnp.asarray([[1, 2, 3, 4]]), 5)
  params = model.init(jax.random.PRNGKey(0), x)['params']
  run = lambda t: model.apply({'params': params}, x,
                              teacher_targets_BxS=jnp.asarray([t]))
  np.testing.assert_allclose(run([1, 2, 3, 4]), run([1, 2, 3, 0]), rtol=1e-6)
  assert np.abs(run([1, 2, 3, 4]) - run([0, 2, 3, 4])).max() > 1e-4
