"""make_train(config, model_name) -> train(rng[, hparams]): one
jit-compilable program per run; make_phases: the same run in parts."""

import functools
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import optax

from attn_seq import data
from attn_seq import models
from attn_seq import taps

# Keras clips probabilities to [EPS, 1 - EPS] before the log.
PROB_EPS = 1e-7


def cross_entropy(probs_BxTxK, targets_BxT):
  """Keras' categorical cross-entropy on probabilities, mean over B and T."""
  p_BxT = jnp.take_along_axis(probs_BxTxK, targets_BxT[..., None], axis=-1)[..., 0]
  return -jnp.mean(jnp.log(jnp.clip(p_BxT, PROB_EPS, 1.0 - PROB_EPS)))


ADAM_FIELDS = ('learning_rate', 'b1', 'b2', 'eps')


def make_optimizer(train_config, hparams=None):
  """Adam from config.train; `hparams` {'train.<field>': value} override
  fields with (possibly traced) values."""
  hparams = hparams or {}
  value = lambda name: hparams.get(f'train.{name}', train_config[name])
  return optax.adam(value('learning_rate'), b1=value('b1'), b2=value('b2'),
                    eps=value('eps'))


class Phases(NamedTuple):
  """A run in three traceable parts, so that it can stop between chunks:

    init(rng, hparams=None) -> state: params, opt_state, train_key,
      eval_key and step (int32 scalar);
    run_steps(state, hparams=None, num_steps=...) -> (state, loss [num_steps]):
      the next num_steps Adam updates (step, step + 1, ...);
    evaluate(state) -> {'accuracy', 'examples'} (see make_train).
  """
  init: Callable
  run_steps: Callable
  evaluate: Callable


def make_phases(config, model_name):
  """The Phases of one repeat of `model_name` under `config`.

  `hparams` maps some of grid.BATCHED_FIELDS ('train.learning_rate', ...) to
  scalars that replace the config's values, so one program can be vmapped
  over them. Step t's training pair is drawn from fold_in(train_key, t), so
  running the steps in chunks gives the same run as one scan.
  """
  task, train_config = config.task, config.train
  model = models.create_model(config, model_name)
  # Teacher forcing feeds the targets to the attention decoder's y_{t-1}
  # while training; the baseline decoder has no y_{t-1}.
  teacher_forcing = config.model.teacher_forcing and model_name == 'attention'
  sample = lambda key, batch: data.sample_batch(
      key, batch, task.n_in, task.n_out, task.cardinality, task.decoder_steps)
  dummy_BxTxK = jnp.zeros((train_config.batch_size, task.n_in, task.cardinality),
                          jnp.float32)

  # Gradients with each tapped weight's as one matmul over time (taps.py).
  loss_and_grads = taps.value_and_grad(model, cross_entropy)
  # The zero perturbations that taps differentiate against.
  perturbation_shapes = jax.eval_shape(
      model.init, jax.random.PRNGKey(0), dummy_BxTxK).get(taps.PERTURBATIONS, {})

  def train_step(carry, step, optimizer, perturbations):
    params, opt_state, key = carry
    inputs_BxTxK, targets_BxT = sample(jax.random.fold_in(key, step),
                                       train_config.batch_size)
    teacher = {'teacher_targets_BxS': targets_BxT} if teacher_forcing else {}
    loss, grads = loss_and_grads(params, perturbations, inputs_BxTxK,
                                 targets_BxT, **teacher)
    updates, opt_state = optimizer.update(grads, opt_state, params)
    params = optax.apply_updates(params, updates)
    return (params, opt_state, key), loss

  def init(rng, hparams=None):
    init_key, train_key, eval_key = jax.random.split(rng, 3)
    params = model.init(init_key, dummy_BxTxK)['params']
    return {'params': params,
            'opt_state': make_optimizer(train_config, hparams).init(params),
            'train_key': train_key, 'eval_key': eval_key,
            'step': jnp.zeros((), jnp.int32)}

  def run_steps(state, hparams=None, num_steps=train_config.steps):
    perturbations = jax.tree.map(lambda s: jnp.zeros(s.shape, s.dtype),
                                 perturbation_shapes)
    step = functools.partial(train_step,
                             optimizer=make_optimizer(train_config, hparams),
                             perturbations=perturbations)
    (params, opt_state, _), loss = jax.lax.scan(
        step, (state['params'], state['opt_state'], state['train_key']),
        state['step'] + jnp.arange(num_steps))
    return dict(state, params=params, opt_state=opt_state,
                step=state['step'] + num_steps), loss

  def evaluate(state):
    inputs_BxTxK, targets_BxT = sample(state['eval_key'], config.eval.num_pairs)
    n = config.eval.num_examples
    extra = {}
    if model_name == 'attention':
      probs_BxTxK, attention_BxSxT = model.apply(
          {'params': state['params']}, inputs_BxTxK, return_attention=True)
      extra['attention'] = attention_BxSxT[:n]
    else:
      probs_BxTxK = model.apply({'params': state['params']}, inputs_BxTxK)
    predicted_BxT = jnp.argmax(probs_BxTxK, axis=-1).astype(jnp.int32)
    correct_B = jnp.all(predicted_BxT == targets_BxT, axis=-1)
    examples = {'inputs': jnp.argmax(inputs_BxTxK[:n], axis=-1).astype(jnp.int32),
                'targets': targets_BxT[:n], 'predicted': predicted_BxT[:n],
                **extra}
    return {'accuracy': 100.0 * jnp.mean(correct_B), 'examples': examples}

  return Phases(init, run_steps, evaluate)


def make_train(config, model_name):
  """Returns train(rng, hparams=None) -> results for one repeat of
  `model_name`: the Phases in one traceable function.

  init, `config.train.steps` Adam updates on fresh pairs drawn from the key
  inside a `lax.scan`, and evaluation on `config.eval.num_pairs` fresh pairs.
  Results (arrays):
    accuracy: exact-match accuracy on the evaluation pairs, in percent;
    loss: the training loss of every step, [steps];
    params: the trained parameters;
    examples: the first `config.eval.num_examples` evaluation pairs as ints:
      inputs, targets, predicted, each [num_examples, T]; for attention also
      its weights a_t, attention [num_examples, S, T].
  """
  phases = make_phases(config, model_name)

  def train(rng, hparams=None):
    state, loss = phases.run_steps(phases.init(rng, hparams), hparams)
    return {'loss': loss, 'params': state['params'], **phases.evaluate(state)}

  return train
