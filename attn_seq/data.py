"""The echo task: n_in random integers in, the first n_out of them (then zeros) out."""

import jax
import jax.numpy as jnp
import numpy as np


def sample_batch(key, batch_size, n_in, n_out, cardinality):
  """Draws `batch_size` echo pairs on device.

  Returns:
    inputs_BxTxK: one-hot float32 inputs, T = n_in, K = cardinality.
    targets_BxT: int32 targets; the first n_out input integers, then zeros,
      as the tutorial's get_pair.
  """
  ints_BxT = jax.random.randint(key, (batch_size, n_in), 0, cardinality)
  keep_T = jnp.arange(n_in) < n_out
  targets_BxT = jnp.where(keep_T, ints_BxT, 0).astype(jnp.int32)
  inputs_BxTxK = jax.nn.one_hot(ints_BxT, cardinality, dtype=jnp.float32)
  return inputs_BxTxK, targets_BxT


def decode(probs_or_onehot_TxK):
  """One-hot (or a distribution) per step back to a list of ints, by argmax."""
  return [int(i) for i in np.argmax(np.asarray(probs_or_onehot_TxK), axis=-1)]
