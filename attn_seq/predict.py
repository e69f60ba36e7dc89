r"""Predictions of a finished run's trained models for one input sequence.

  python -m attn_seq.predict --workdir=DIR --sequence=3,18,32,11,36

For each model in DIR, prints repeat 0's prediction and, over all repeats,
the majority vote per output step with how many repeats agree; for the
attention model also repeat 0's weights a_t (decoder step x input position).
A bad sequence (wrong length, a value outside [0, cardinality), not
integers) or a workdir without trained params ends with one line on stderr
and exit code 2.
"""

import json
import os
import sys

from absl import app
from absl import flags
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from attn_seq import experiment
from attn_seq import models
from attn_seq import workdirs

_WORKDIR = flags.DEFINE_string('workdir', None, 'A finished run of attn_seq.main.')
_SEQUENCE = flags.DEFINE_string(
    'sequence', None, 'n_in comma-separated integers in [0, cardinality).')


class PredictError(ValueError):
  """Bad input or workdir; the message says which."""


def parse_sequence(text, n_in, cardinality):
  """'3,18,32' -> [3, 18, 32], checked against the task."""
  try:
    values = [int(v) for v in text.split(',')]
  except ValueError:
    raise PredictError(f'--sequence must be comma-separated integers '
                       f'(got {text!r})') from None
  if len(values) != n_in:
    raise PredictError(f'--sequence must have n_in = {n_in} integers '
                       f'(got {len(values)})')
  bad = [v for v in values if not 0 <= v < cardinality]
  if bad:
    raise PredictError(f'--sequence values must be in [0, {cardinality}) '
                       f'(got {bad[0]})')
  return values


def load_config(workdir):
  path = os.path.join(workdir, workdirs.CONFIG)
  if not os.path.exists(os.path.join(workdir, workdirs.RESULTS)):
    raise PredictError(f'{workdir} holds no finished run ({workdirs.RESULTS} '
                       'is missing)')
  with open(path) as f:
    config = ml_collections.ConfigDict(json.load(f))
  if config.grid:
    raise PredictError(f'{workdir} holds a grid; predict takes the workdir of '
                       'a single experiment')
  return config


def predict(config, workdir, sequence):
  """{model: {'predicted': [R, S], 'attention': [R, S, T] (attention)}}."""
  inputs_1xTxK = jax.nn.one_hot(jnp.asarray([sequence]), config.task.cardinality)
  out = {}
  for name in config.models:
    params = experiment.load_params(experiment.params_path(workdir, name))
    model = models.create_model(config, name)
    apply = lambda p, model=model, name=name: model.apply(
        {'params': p}, inputs_1xTxK,
        **({'return_attention': True} if name == 'attention' else {}))
    result = jax.vmap(apply)(params)
    probs_Rx1xSxK, attention = (result if name == 'attention' else (result, None))
    out[name] = {'predicted': np.asarray(jnp.argmax(probs_Rx1xSxK[:, 0], -1))}
    if attention is not None:
      out[name]['attention'] = np.asarray(attention[:, 0])
  return out


def format_prediction(sequence, predictions, task):
  steps = task.decoder_steps or task.n_in
  expected = sequence[:task.n_out] + [0] * (steps - task.n_out)
  lines = [f'input:    {sequence}', f'expected: {expected}']
  for name, p in predictions.items():
    predicted_RxS = p['predicted']
    repeats = predicted_RxS.shape[0]
    votes = [np.bincount(column).argmax() for column in predicted_RxS.T]
    agree = [int((column == v).sum()) for column, v in zip(predicted_RxS.T, votes)]
    lines.append(f'{name}: repeat 0 predicts {predicted_RxS[0].tolist()}; '
                 f'majority of {repeats}: {[int(v) for v in votes]} '
                 f'(agreeing: {agree})')
    if 'attention' in p:
      lines.append(f'  attention weights of repeat 0 (row = output step, '
                   f'column = input position):')
      for step, row in enumerate(p['attention'][0]):
        lines.append(f'    step {step + 1}: ' + ' '.join(f'{a:.2f}' for a in row))
  return '\n'.join(lines)


def main(argv):
  if len(argv) > 1:
    _fail(f'unexpected arguments: {" ".join(argv[1:])}')
  if not _WORKDIR.value or _SEQUENCE.value is None:
    _fail('--workdir and --sequence are required, e.g. --workdir=runs/x '
          '--sequence=3,18,32,11,36')
  try:
    config = load_config(_WORKDIR.value)
    sequence = parse_sequence(_SEQUENCE.value, config.task.n_in,
                              config.task.cardinality)
    predictions = predict(config, _WORKDIR.value, sequence)
  except (PredictError, OSError) as e:
    _fail(str(e).strip().splitlines()[0] if str(e).strip() else repr(e))
  print(format_prediction(sequence, predictions, config.task))


def _fail(message):
  print(f'error: {message}', file=sys.stderr)
  sys.exit(2)


if __name__ == '__main__':
  app.run(main)
