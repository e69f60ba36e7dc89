"""The two models of the tutorial, and create_model(config, name)."""

import flax.linen as nn
import jax
import jax.numpy as jnp

from attn_seq import initializers
from attn_seq.attention import AttentionDecoder
from attn_seq.lstm import LSTM


class Baseline(nn.Module):
  """LSTM encoder -> last state repeated S times -> LSTM -> Dense softmax.

  S = output_length, or T (the input length, as the tutorial) when 0.
  """
  units: int
  output_dim: int
  gate_activation: str = 'sigmoid'
  unroll: int = 1
  output_length: int = 0

  @nn.compact
  def __call__(self, inputs_BxTxK):
    length = self.output_length or inputs_BxTxK.shape[1]
    lstm = lambda name: LSTM(self.units, self.gate_activation, self.unroll,
                             name=name)
    _, last_BxN = lstm('encoder')(inputs_BxTxK)
    # The last state repeated T times (RepeatVector), projected once.
    decoded_BxTxN, _ = lstm('decoder')(last_BxN[:, None, :], length=length)
    logits_BxTxK = nn.Dense(self.output_dim,
                            kernel_init=initializers.glorot_uniform,
                            name='output')(decoded_BxTxN)
    return jax.nn.softmax(logits_BxTxK, axis=-1)


class AttentionModel(nn.Module):
  """LSTM encoder returning sequences -> AttentionDecoder of S steps.

  S = output_length, or T (the input length, as the original) when 0.
  With `teacher_targets_BxS` (teacher forcing), the decoder's y_{t-1} is the
  one-hot target of step t-1 (y_0 = 0) instead of its own previous output.
  """
  units: int
  output_dim: int
  gate_activation: str = 'sigmoid'
  unroll: int = 1
  attention: str = 'bahdanau'
  output_length: int = 0

  @nn.compact
  def __call__(self, inputs_BxTxK, return_attention=False,
               teacher_targets_BxS=None):
    encoded_BxTxN, _ = LSTM(self.units, self.gate_activation, self.unroll,
                            name='encoder')(inputs_BxTxK)
    previous_BxSxK = None
    if teacher_targets_BxS is not None:
      targets_BxSxK = jax.nn.one_hot(teacher_targets_BxS, self.output_dim,
                                     dtype=encoded_BxTxN.dtype)
      previous_BxSxK = jnp.pad(targets_BxSxK[:, :-1], ((0, 0), (1, 0), (0, 0)))
    probs_BxTxK, attention_BxTxT = AttentionDecoder(
        self.units, self.output_dim, self.attention, self.unroll,
        name='decoder')(encoded_BxTxN, num_steps=self.output_length or None,
                        previous_BxSxK=previous_BxSxK)
    if return_attention:
      return probs_BxTxK, attention_BxTxT
    return probs_BxTxK


MODELS = {'baseline': Baseline, 'attention': AttentionModel}


def create_model(config, name):
  """The model `name` ('baseline' or 'attention') as `config` describes it."""
  kwargs = dict(units=config.model.units,
                output_dim=config.task.cardinality,
                gate_activation=config.model.gate_activation,
                unroll=config.model.unroll or config.task.n_in,
                output_length=config.task.decoder_steps)
  if name == 'attention':
    kwargs['attention'] = config.model.attention
  return MODELS[name](**kwargs)
