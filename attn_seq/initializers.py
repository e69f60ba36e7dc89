"""Keras 2.0 initializers that differ from today's defaults."""

import jax
import jax.numpy as jnp
import numpy as np

glorot_uniform = jax.nn.initializers.glorot_uniform()
zeros = jax.nn.initializers.zeros


@jax.jit  # Traced once per shape (flax's scans call inits several times).
def _orthonormal_columns(a_MxN):
  """Gram-Schmidt, twice per column (stable in float32), in plain XLA ops.

  Equals the Q of a QR decomposition with R's diagonal made positive.
  """

  def add_column(j, q_MxN):
    v_M = a_MxN[:, j]
    for _ in range(2):
      v_M = v_M - q_MxN @ (q_MxN.T @ v_M)  # Columns not yet filled are zero.
    return q_MxN.at[:, j].set(v_M / jnp.linalg.norm(v_M))

  return jax.lax.fori_loop(0, a_MxN.shape[1], add_column, jnp.zeros_like(a_MxN))


def orthogonal(key, shape, dtype=jnp.float32):
  """A uniformly random (Haar) orthogonal matrix, as Keras' and jax's orthogonal.

  Orthonormal rows if shape[0] < shape[1], else orthonormal columns. Built
  without LAPACK: on jax 0.10 CPU, two concurrent LAPACK QR calls (e.g. the
  inits of two LSTMs, vmapped over seeds) deadlock XLA's thread pool.
  """
  rows, cols = shape
  a = jax.random.normal(key, (max(rows, cols), min(rows, cols)), jnp.float32)
  q = _orthonormal_columns(a)
  return (q.T if rows < cols else q).astype(dtype)


def keras2_glorot_uniform(key, shape, dtype=jnp.float32):
  """Keras 2.0 glorot_uniform, whose fans for a 1-D shape are sqrt(size) each.

  For 2-D shapes this is the usual glorot_uniform; for a vector of n entries
  the limit is sqrt(6 / (2 sqrt(n))) (0.495 at n = 150), as Keras 2.0 did.
  """
  if len(shape) == 2:
    return glorot_uniform(key, shape, dtype)
  fan = np.sqrt(np.prod(shape))
  limit = np.sqrt(6.0 / (2.0 * fan))
  return jax.random.uniform(key, shape, dtype, -limit, limit)


def unit_forget_bias(units):
  """Keras LSTM bias for gates [i, f, c, o]: zeros, except ones for f."""

  def init(key, shape, dtype=jnp.float32):
    del key
    assert shape == (4 * units,), shape
    return jnp.zeros(shape, dtype).at[units:2 * units].set(1.0)

  return init
