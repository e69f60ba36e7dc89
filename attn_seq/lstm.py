"""A Keras-style LSTM layer over a whole (short) sequence."""

import flax.linen as nn
import jax
import jax.numpy as jnp

from attn_seq import initializers
from attn_seq import taps


def hard_sigmoid(x):
  """Keras' piecewise-linear sigmoid: clip(0.2 x + 0.5, 0, 1)."""
  return jnp.clip(0.2 * x + 0.5, 0.0, 1.0)


GATE_ACTIVATIONS = {'sigmoid': jax.nn.sigmoid, 'hard_sigmoid': hard_sigmoid}


class LSTM(nn.Module):
  """Keras LSTM: fused [i, f, c, o] kernels, glorot input kernel, orthogonal
  recurrent kernel, zero bias with the forget gate's at 1.

  The input projection of all T steps is one matmul; only the recurrent
  matmul runs per step, in a `lax.scan` unrolled `unroll` steps at a time. The
  recurrent kernel is tapped (`taps`): its gradient is one matmul over T.
  With `length`, the input is one vector repeated `length` times (Keras'
  RepeatVector), inputs_Bx1xD, projected once. Returns (outputs_BxTxN, last_BxN).
  """
  units: int
  gate_activation: str = 'sigmoid'
  unroll: int = 1

  @nn.compact
  def __call__(self, inputs_BxTxD, length=None):
    n = self.units
    d = inputs_BxTxD.shape[-1]
    kernel_Dx4N = self.param('kernel', initializers.glorot_uniform, (d, 4 * n))
    self.param('recurrent_kernel', initializers.orthogonal, (n, 4 * n))
    recurrent_Nx4N = taps.weight(self, 'recurrent_kernel')
    bias_4N = self.param('bias', initializers.unit_forget_bias(n), (4 * n,))
    gate = GATE_ACTIVATIONS[self.gate_activation]

    proj_TxBx4N = jnp.einsum('btd,dg->tbg', inputs_BxTxD, kernel_Dx4N) + bias_4N
    if length is not None:
      proj_TxBx4N = jnp.broadcast_to(proj_TxBx4N, (length,) + proj_TxBx4N.shape[1:])
    # Under taps, this perturbation's gradient is that of h_{t-1} @ recurrent.
    proj_TxBx4N = taps.perturb(self, 'recurrent_kernel', proj_TxBx4N)

    def step(carry, proj_Bx4N):
      h_BxN, c_BxN = carry
      z_Bx4N = proj_Bx4N + h_BxN @ recurrent_Nx4N
      i, f, g, o = jnp.split(z_Bx4N, 4, axis=-1)
      c_BxN = gate(f) * c_BxN + gate(i) * jnp.tanh(g)
      h_BxN = gate(o) * jnp.tanh(c_BxN)
      return (h_BxN, c_BxN), h_BxN

    batch = inputs_BxTxD.shape[0]
    zeros_BxN = jnp.zeros((batch, n), inputs_BxTxD.dtype)
    (last_BxN, _), outputs_TxBxN = jax.lax.scan(
        step, (zeros_BxN, zeros_BxN), proj_TxBx4N, unroll=self.unroll)
    prev_TxBxN = jnp.concatenate([zeros_BxN[None], outputs_TxBxN[:-1]])
    taps.record_inputs(self, 'recurrent_kernel', prev_TxBxN)
    return jnp.swapaxes(outputs_TxBxN, 0, 1), last_BxN
