"""The AttentionDecoder of datalogue/keras-attention (Bahdanau et al. 2014, App. A).

Implemented from the equations in the project's design notes. Rows are vectors:
h_j encoder outputs (D), s decoder state (N = units), y output distribution
(K = output_dim). Per sequence: uh_j = h_j U_a + b_a, s_0 = tanh(h_1 W_s),
y_0 = 0. Per step t:

  e_tj = tanh(s_{t-1} W_a + uh_j) . V_a      a_t = softmax_j(e_t)
  c_t  = sum_j a_tj h_j
  r_t  = sigmoid(y_{t-1} W_r + s_{t-1} U_r + c_t C_r + b_r)
  z_t  = sigmoid(y_{t-1} W_z + s_{t-1} U_z + c_t C_z + b_z)
  p_t  = tanh(y_{t-1} W_p + (r_t * s_{t-1}) U_p + c_t C_p + b_p)
  s_t  = (1 - z_t) * s_{t-1} + z_t * p_t
  y_t  = softmax(y_{t-1} W_o + s_{t-1} U_o + c_t C_o + b_o)

`attention='bahdanau'` is that (y_t from the old state s_{t-1}, as the original
and the paper's appendix); `'bahdanau_new_state'` uses s_t in y_t instead.
The Luong et al. (2015) scores replace e_tj only, the rest of the step stays:
`'luong_dot'` e_tj = s_{t-1} . h_j (needs D = N), `'luong_general'`
e_tj = s_{t-1} . (h_j W_l); they have no U_a, b_a, W_a, V_a.
"""

import flax.linen as nn
import jax
import jax.numpy as jnp

from attn_seq import initializers
from attn_seq import taps

ATTENTION_VARIANTS = ('bahdanau', 'bahdanau_new_state', 'luong_dot',
                      'luong_general')


class AttentionStep(nn.Module):
  """One decoder step; carries (y_BxK, s_BxN), emits (y_BxK, a_BxT).

  The terms that share an input are computed as one matmul each: s_{t-1}
  against [W_a U_r U_z U_o], and [y_{t-1} c_t] against [[W_r W_z W_p W_o],
  [C_r C_z C_p C_o]]. The parameters keep the equations' names; the matmuls
  are `taps.matmul`s, so training forms their gradients over all steps at once.
  """
  units: int
  output_dim: int
  attention: str = 'bahdanau'

  @nn.compact
  def __call__(self, carry, h_BxTxD, keys_BxTxN, y_prev_BxK=None):
    """keys_BxTxN: what the scores compare s_{t-1} with (uh for Bahdanau);
    y_prev_BxK: y_{t-1} given from outside (teacher forcing), else the carry's."""
    y_BxK, s_BxN = carry
    if y_prev_BxK is not None:
      y_BxK = y_prev_BxK
    n, k, d = self.units, self.output_dim, h_BxTxD.shape[-1]
    ortho, zeros = initializers.orthogonal, initializers.zeros
    p = lambda name, init, shape: self.param(name, init, shape)
    bahdanau = self.attention.startswith('bahdanau')

    if bahdanau:
      V_a = p('V_a', initializers.keras2_glorot_uniform, (n,))
      p('W_a', initializers.glorot_uniform, (n, n))
    b = {}  # The weights are used by name, in the matmuls' layouts below.
    for gate, width in (('r', n), ('z', n), ('p', n), ('o', k)):
      p(f'W_{gate}', ortho, (k, width))
      p(f'U_{gate}', ortho, (n, width))
      p(f'C_{gate}', ortho, (d, width))
      b[gate] = p(f'b_{gate}', zeros, (width,))
    new_state = self.attention == 'bahdanau_new_state'

    # Every term in s_{t-1}: [(W_a) | U_r | U_z | (U_o)].
    s_layout = (('W_a|' if bahdanau else '') + 'U_r|U_z' +
                ('' if new_state else '|U_o'))
    s_proj = taps.matmul(self, s_BxN, s_layout)
    at = n if bahdanau else 0
    sU_r_BxN, sU_z_BxN = s_proj[:, at:at + n], s_proj[:, at + n:at + 2 * n]

    if bahdanau:
      scores_BxT = jnp.tanh(s_proj[:, None, :n] + keys_BxTxN) @ V_a
    else:
      scores_BxT = jnp.einsum('bn,btn->bt', s_BxN, keys_BxTxN)
    a_BxT = jax.nn.softmax(scores_BxT, axis=-1)
    context_BxD = jnp.einsum('bt,btd->bd', a_BxT, h_BxTxD)

    # Every term in y_{t-1} and c_t: [[W_r W_z W_p W_o], [C_r C_z C_p C_o]].
    yc_BxKD = jnp.concatenate([y_BxK, context_BxD], axis=-1)
    yc_proj = taps.matmul(self, yc_BxKD, 'W_r|W_z|W_p|W_o;C_r|C_z|C_p|C_o')
    ycr_BxN, ycz_BxN, ycp_BxN, yco_BxK = (
        yc_proj[:, :n], yc_proj[:, n:2 * n], yc_proj[:, 2 * n:3 * n],
        yc_proj[:, 3 * n:])

    r_BxN = jax.nn.sigmoid(ycr_BxN + sU_r_BxN + b['r'])
    z_BxN = jax.nn.sigmoid(ycz_BxN + sU_z_BxN + b['z'])
    p_BxN = jnp.tanh(ycp_BxN + taps.matmul(self, r_BxN * s_BxN, 'U_p') + b['p'])
    s_new_BxN = (1.0 - z_BxN) * s_BxN + z_BxN * p_BxN
    sU_o_BxK = (taps.matmul(self, s_new_BxN, 'U_o') if new_state
                else s_proj[:, at + 2 * n:])
    y_new_BxK = jax.nn.softmax(yco_BxK + sU_o_BxK + b['o'], axis=-1)
    return (y_new_BxK, s_new_BxN), (y_new_BxK, a_BxT)


class AttentionDecoder(nn.Module):
  """Decodes encoder outputs h_BxTxD into output distributions.

  Runs `num_steps` decoder steps (default T, the input length, as the
  original). Each step's y_{t-1} is its previous output (y_0 = 0), or, with
  `previous_BxSxK` (teacher forcing), row t of that. Returns
  (probs_BxSxK, attention_BxSxT), S = num_steps.
  """
  units: int
  output_dim: int
  attention: str = 'bahdanau'
  unroll: int = 1

  @nn.compact
  def __call__(self, h_BxTxD, num_steps=None, previous_BxSxK=None):
    n, d = self.units, h_BxTxD.shape[-1]
    batch, length = h_BxTxD.shape[:2]
    if self.attention.startswith('bahdanau'):
      U_a = self.param('U_a', initializers.glorot_uniform, (d, n))
      b_a = self.param('b_a', initializers.zeros, (n,))
      keys_BxTxN = h_BxTxD @ U_a + b_a  # uh_j
    elif self.attention == 'luong_general':
      W_l = self.param('W_l', initializers.glorot_uniform, (d, n))
      keys_BxTxN = h_BxTxD @ W_l
    elif d == n:  # luong_dot
      keys_BxTxN = h_BxTxD
    else:
      raise ValueError(f"'luong_dot' needs encoder width {d} = units {n}")
    W_s = self.param('W_s', initializers.orthogonal, (d, n))

    s0_BxN = jnp.tanh(h_BxTxD[:, 0] @ W_s)
    y0_BxK = jnp.zeros((batch, self.output_dim), h_BxTxD.dtype)

    per_step = ()  # Scanned over: y_{t-1} when teacher forcing.
    if previous_BxSxK is not None:
      per_step = (jnp.swapaxes(previous_BxSxK, 0, 1),)
      num_steps = previous_BxSxK.shape[1]
    scan_step = nn.scan(
        AttentionStep,
        variable_broadcast='params',
        variable_axes={taps.TAPS: 0, taps.PERTURBATIONS: 0},
        split_rngs={'params': False},
        in_axes=(nn.broadcast, nn.broadcast) + (0,) * len(per_step),
        length=num_steps or length,
        unroll=self.unroll)
    step = scan_step(self.units, self.output_dim, self.attention, name='step')
    _, (probs_SxBxK, attention_SxBxT) = step((y0_BxK, s0_BxN), h_BxTxD,
                                             keys_BxTxN, *per_step)
    return (jnp.swapaxes(probs_SxBxK, 0, 1),
            jnp.swapaxes(attention_SxBxT, 0, 1))
