"""The echo task: n_in random integers in, the first n_out of them (then zeros) out."""

import jax
import jax.numpy as jnp
import numpy as np


def sample_batch(key, batch_size, n_in, n_out, cardinality, out_len=None):
  """Draws `batch_size` echo pairs on device.

  Returns:
    inputs_BxTxK: one-hot float32 inputs, T = n_in, K = cardinality.
    targets_BxS: int32 targets of S = out_len (default n_in) steps: the first
      n_out input integers, then zeros, as the tutorial's get_pair.
  """
  out_len = out_len or n_in
  ints_BxT = jax.random.randint(key, (batch_size, n_in), 0, cardinality)
  head_BxS = (ints_BxT[:, :out_len] if out_len <= n_in else
              jnp.pad(ints_BxT, ((0, 0), (0, out_len - n_in))))
  keep_S = jnp.arange(out_len) < n_out
  targets_BxS = jnp.where(keep_S, head_BxS, 0).astype(jnp.int32)
  inputs_BxTxK = jax.nn.one_hot(ints_BxT, cardinality, dtype=jnp.float32)
  return inputs_BxTxK, targets_BxS


def decode(probs_or_onehot_TxK):
  """One-hot (or a distribution) per step back to a list of ints, by argmax."""
  return [int(i) for i in np.argmax(np.asarray(probs_or_onehot_TxK), axis=-1)]
