"""What a running sweep reports per chunk: a progress line, metrics.jsonl and
TensorBoard event files (tensorboardX) in the workdir."""

import json
import os
import time

import numpy as np
import tensorboardX

from attn_seq import stats


def run_name(model, point):
  """'attention', or 'attention n_in=10,lr=0.001' at a grid point."""
  if not point:
    return model
  return model + ' ' + ','.join(f'{f.split(".")[-1]}={v:g}' if isinstance(v, float)
                                else f'{f.split(".")[-1]}={v}'
                                for f, v in point.items())


class Monitor:
  """on_chunk for sweep.run_points, and final accuracies; log=None is quiet,
  workdir=None writes no files."""

  def __init__(self, total_steps, workdir=None, log=print):
    self._total = total_steps
    self._log = log
    self._jsonl = self._events = None
    if workdir:
      self._jsonl = open(os.path.join(workdir, 'metrics.jsonl'), 'a')
      self._events = tensorboardX.SummaryWriter(os.path.join(workdir, 'tensorboard'))

  def _write(self, record, scalars, step):
    if self._jsonl:
      record = {k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                for k, v in dict(record, time=time.time()).items()}
      self._jsonl.write(json.dumps(record) + '\n')
      self._jsonl.flush()
    if self._events:
      for tag, value in scalars.items():
        if np.isfinite(value):  # A diverged run's NaN is in metrics.jsonl.
          self._events.add_scalar(tag, value, step)
      self._events.flush()

  def on_chunk(self, model, points, step, seconds, loss_PxRxL):
    """After a chunk of L steps of every (point, repeat): its mean loss per
    point over seeds (and their spread), its speed and the ETA of this
    program's remaining steps."""
    num_points, repeats, length = loss_PxRxL.shape
    rate = num_points * repeats * length / max(seconds, 1e-9)
    for point, loss_RxL in zip(points, loss_PxRxL):
      per_seed_R = loss_RxL.astype(np.float64).mean(axis=1)
      name = run_name(model, point)
      mean, std = float(np.mean(per_seed_R)), float(np.std(per_seed_R))
      self._write({'kind': 'chunk', 'model': model, 'point': point, 'step': step,
                   'loss_mean': mean, 'loss_std': std,
                   'seed_steps_per_s': rate},
                  {f'loss/{name}/mean': mean, f'loss/{name}/std': std}, step)
    if self._log:
      eta = (self._total - step) * seconds / length
      loss = float(np.nanmean(loss_PxRxL))
      name = (run_name(model, points[0]) if len(points) == 1
              else f'{model} ({len(points)} grid points)')
      self._log(f'  {name}: step {step}/{self._total}, {rate:,.0f} seed-steps/s, '
                f'ETA {eta:.0f} s, loss {loss:.4f}')

  def on_done(self, point, run):
    """The final accuracy of one model at one point (mean and std over the
    repeats that did not diverge)."""
    d = stats.describe(run.valid_accuracy)
    name = run_name(run.model, point)
    self._write({'kind': 'accuracy', 'model': run.model, 'point': point,
                 'step': self._total, 'accuracy_mean': d['mean'],
                 'accuracy_std': d['std'], 'repeats': d['n']},
                {f'accuracy/{name}/mean': d['mean'],
                 f'accuracy/{name}/std': d['std']}, self._total)

  def close(self):
    if self._jsonl:
      self._jsonl.close()
    if self._events:
      self._events.close()
