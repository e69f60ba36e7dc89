"""Weight gradients of the matmuls inside a scan, each as one matmul over time.

A weight W used at every step of a scan (x_t @ W) gets the gradient
sum_t x_t^T d_t. At batch size 1 each term is an outer product, and XLA on CPU
fuses those, together with the elementwise work that produces x_t and d_t,
into every consumer of the gradient (Adam's updates): that work is redone for
every element of W, several times. Here a *tapped* matmul records its inputs
x_t (collection 'taps') and adds a zero perturbation to its output (collection
'perturbations', whose gradient is d_t), and stops the gradient to W.
`value_and_grad` then forms each weight's gradient as one einsum over all
steps and pulls it back to the named parameters. Same gradient, one matmul
per weight; measured ~30% off an attention train step on 2 CPU cores.

A tap is named by its weight's layout: parameter names joined by '|' along
columns and ';' along rows, e.g. 'W_a|U_r' is [W_a U_r] and 'W_r;C_r' is
[[W_r], [C_r]]. Models run untapped (plain matmuls) unless 'taps' is mutable.
"""

import jax
import jax.numpy as jnp

TAPS = 'taps'
PERTURBATIONS = 'perturbations'


def _blocks(layout):
  return [row.split('|') for row in layout.split(';')]


def is_tapped(module):
  return module.is_mutable_collection(TAPS)


def weight(module, layout):
  """The block matrix of `module`'s parameters named by `layout`.

  Under taps its gradient is stopped: `value_and_grad` supplies it.
  """
  rows = [[module.get_variable('params', name) for name in row]
          for row in _blocks(layout)]
  w_IxO = jnp.concatenate([jnp.concatenate(row, axis=1) for row in rows], axis=0)
  return jax.lax.stop_gradient(w_IxO) if is_tapped(module) else w_IxO


def perturb(module, layout, out_xO):
  """Under taps: out_xO plus a zero perturbation, whose gradient is that of the
  outputs of `layout`'s matmul (identity otherwise)."""
  if not is_tapped(module):
    return out_xO
  return module.perturb(layout, out_xO, collection=PERTURBATIONS)


def record_inputs(module, layout, x_xI):
  """Under taps: records the inputs of `layout`'s matmul, their leading axes
  (time, batch) those of its perturbed outputs."""
  if is_tapped(module):
    module.sow(TAPS, layout, x_xI)


def matmul(module, x_BxI, layout):
  """x_BxI @ weight(module, layout), tapped when taps are on."""
  record_inputs(module, layout, x_BxI)
  return perturb(module, layout, x_BxI @ weight(module, layout))


def _pull_back(grads, taps, deltas):
  """Adds the gradient of every tapped weight of one module to `grads`."""
  grads = dict(grads)
  for key, value in grads.items():
    if isinstance(value, dict) and key in taps:
      grads[key] = _pull_back(value, taps[key], deltas[key])
  for layout, (x_xI,) in ((k, v) for k, v in taps.items() if isinstance(v, tuple)):
    delta_xO = deltas[layout]
    dw_IxO = jnp.einsum('...i,...o->io', x_xI, delta_xO)
    row_start = 0
    for row in _blocks(layout):
      rows = grads[row[0]].shape[0]
      col_start = 0
      for name in row:
        cols = grads[name].shape[1]
        grads[name] = grads[name] + dw_IxO[row_start:row_start + rows,
                                           col_start:col_start + cols]
        col_start += cols
      row_start += rows
  return grads


def value_and_grad(model, loss_fn):
  """Returns f(params, perturbations, inputs, *args, **model_kwargs) ->
  (loss, grads), equal to jax.value_and_grad(lambda p: loss_fn(
  model.apply({'params': p}, inputs, **model_kwargs), *args)) but with each
  tapped weight's gradient formed as one matmul.

  `perturbations` are the zeros `model.init` returns for inputs of this shape.
  """

  def tapped_loss(params, perturbations, inputs, *args, **model_kwargs):
    outputs, state = model.apply(
        {'params': params, PERTURBATIONS: perturbations}, inputs,
        mutable=[TAPS], **model_kwargs)
    return loss_fn(outputs, *args), state[TAPS]

  def value_and_grad_fn(params, perturbations, inputs, *args, **model_kwargs):
    (loss, taps), (grads, deltas) = jax.value_and_grad(
        tapped_loss, argnums=(0, 1), has_aux=True)(
            params, perturbations, inputs, *args, **model_kwargs)
    return loss, _pull_back(grads, taps, deltas)

  return value_and_grad_fn
