"""make_train(config, model_name) -> train(rng[, hparams]): one
jit-compilable program per run."""

import functools

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


def make_train(config, model_name):
  """Returns train(rng, hparams=None) -> results for one repeat of `model_name`.

  `hparams` maps some of grid.BATCHED_FIELDS ('train.learning_rate', ...) to
  scalars that replace the config's values, so one program can be vmapped
  over them.

  The whole run is traceable: init, `config.train.steps` Adam updates on fresh
  pairs drawn from the key inside a `lax.scan`, and evaluation on
  `config.eval.num_pairs` fresh pairs. Results (arrays):
    accuracy: exact-match accuracy on the evaluation pairs, in percent;
    loss: the training loss of every step, [steps];
    examples: the first `config.eval.num_examples` evaluation pairs as ints:
      inputs, targets, predicted, each [num_examples, T]; for attention also
      its weights a_t, attention [num_examples, S, T].
  """
  task, train_config = config.task, config.train
  model = models.create_model(config, model_name)
  # Teacher forcing feeds the targets to the attention decoder's y_{t-1}
  # while training; the baseline decoder has no y_{t-1}.
  teacher_forcing = config.model.teacher_forcing and model_name == 'attention'
  sample = lambda key, batch: data.sample_batch(
      key, batch, task.n_in, task.n_out, task.cardinality, task.decoder_steps)

  # Gradients with each tapped weight's as one matmul over time (taps.py).
  loss_and_grads = taps.value_and_grad(model, cross_entropy)

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

  def evaluate(params, key):
    inputs_BxTxK, targets_BxT = sample(key, config.eval.num_pairs)
    n = config.eval.num_examples
    extra = {}
    if model_name == 'attention':
      probs_BxTxK, attention_BxSxT = model.apply(
          {'params': params}, inputs_BxTxK, return_attention=True)
      extra['attention'] = attention_BxSxT[:n]
    else:
      probs_BxTxK = model.apply({'params': params}, inputs_BxTxK)
    predicted_BxT = jnp.argmax(probs_BxTxK, axis=-1).astype(jnp.int32)
    correct_B = jnp.all(predicted_BxT == targets_BxT, axis=-1)
    examples = {'inputs': jnp.argmax(inputs_BxTxK[:n], axis=-1).astype(jnp.int32),
                'targets': targets_BxT[:n], 'predicted': predicted_BxT[:n],
                **extra}
    return 100.0 * jnp.mean(correct_B), examples

  def train(rng, hparams=None):
    optimizer = make_optimizer(train_config, hparams)
    init_key, train_key, eval_key = jax.random.split(rng, 3)
    dummy_BxTxK = jnp.zeros((train_config.batch_size, task.n_in, task.cardinality),
                            jnp.float32)
    variables = model.init(init_key, dummy_BxTxK)
    params = variables['params']
    perturbations = variables.get(taps.PERTURBATIONS, {})  # Zeros (taps.py).
    opt_state = optimizer.init(params)
    (params, _, _), loss = jax.lax.scan(
        functools.partial(train_step, optimizer=optimizer,
                          perturbations=perturbations),
        (params, opt_state, train_key), jnp.arange(train_config.steps))
    accuracy, examples = evaluate(params, eval_key)
    return {'accuracy': accuracy, 'loss': loss, 'examples': examples}

  return train
