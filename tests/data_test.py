import jax
import numpy as np

from attn_seq import data


def test_pairs_echo_the_first_n_out_integers_then_zeros():
  inputs, targets = data.sample_batch(jax.random.PRNGKey(0), 64, 5, 2, 50)
  inputs, targets = np.asarray(inputs), np.asarray(targets)
  assert inputs.shape == (64, 5, 50) and targets.shape == (64, 5)
  assert targets.dtype == np.int32
  np.testing.assert_array_equal(inputs.sum(-1), 1.0)  # one-hot
  ints = inputs.argmax(-1)
  np.testing.assert_array_equal(targets[:, :2], ints[:, :2])
  np.testing.assert_array_equal(targets[:, 2:], 0)


def test_values_cover_the_cardinality_range():
  inputs, _ = data.sample_batch(jax.random.PRNGKey(1), 2000, 5, 2, 7)
  ints = np.asarray(inputs).argmax(-1)
  assert set(np.unique(ints)) == set(range(7))


def test_same_key_same_pairs_other_key_other_pairs():
  a = data.sample_batch(jax.random.PRNGKey(3), 4, 6, 3, 20)[1]
  b = data.sample_batch(jax.random.PRNGKey(3), 4, 6, 3, 20)[1]
  c = data.sample_batch(jax.random.PRNGKey(4), 4, 6, 3, 20)[1]
  np.testing.assert_array_equal(a, b)
  assert not np.array_equal(a, c)


def test_n_out_equal_n_in_keeps_everything():
  inputs, targets = data.sample_batch(jax.random.PRNGKey(5), 8, 4, 4, 9)
  np.testing.assert_array_equal(np.asarray(inputs).argmax(-1), targets)


def test_decode_is_argmax_per_step():
  onehot = np.eye(10)[[3, 0, 9]]
  assert data.decode(onehot) == [3, 0, 9]
  assert data.decode(np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]])) == [1, 0]


def test_output_length_independent_of_input_length():
  key = jax.random.PRNGKey(3)
  inputs, full = data.sample_batch(key, 4, 8, 3, 20)
  _, short = data.sample_batch(key, 4, 8, 3, 20, out_len=3)
  _, long = data.sample_batch(key, 4, 8, 3, 20, out_len=10)
  ints = np.argmax(np.asarray(inputs), axis=-1)
  assert short.shape == (4, 3) and long.shape == (4, 10)
  np.testing.assert_array_equal(short, ints[:, :3])  # No padding steps.
  np.testing.assert_array_equal(long[:, :8], full)
  np.testing.assert_array_equal(long[:, 3:], 0)
