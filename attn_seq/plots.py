"""Figures of a finished sweep: loss curves, attention maps and grid
accuracy (matplotlib, headless)."""

import os

import matplotlib

matplotlib.use('Agg')  # No display needed.
import matplotlib.pyplot as plt  # pylint: disable=g-import-not-at-top
import numpy as np

from attn_seq import grid
from attn_seq import stats


def _save(fig, path, **kwargs):
  """PNG under a temporary name, then renamed into place."""
  tmp = f'{path}.tmp.png'
  fig.savefig(tmp, dpi=120, **kwargs)
  os.replace(tmp, path)


def smooth(loss_RxS, window):
  """Moving average over steps of each repeat's loss (window clipped to S)."""
  window = max(1, min(window, loss_RxS.shape[1]))
  kernel = np.ones(window) / window
  return np.stack([np.convolve(row, kernel, mode='valid') for row in loss_RxS])


def loss_curves(runs, path, window=100):
  """Training loss per step, smoothed, mean over repeats with a +-1 std band,
  every model on one log-scale axis; diverged repeats are left out."""
  fig, ax = plt.subplots(figsize=(7, 4.5))
  for run in runs:
    loss_RxS = np.delete(np.asarray(run.loss, np.float64), list(run.diverged), 0)
    if not loss_RxS.size:
      continue  # Every repeat diverged: nothing to draw.
    curves_RxS = smooth(loss_RxS, window)
    # Each average sits at the middle of its window.
    steps = np.arange(curves_RxS.shape[1]) + (loss_RxS.shape[1] - curves_RxS.shape[1]) / 2
    mean, std = curves_RxS.mean(0), curves_RxS.std(0)
    ax.plot(steps, mean, label=f'{run.model} (mean of {curves_RxS.shape[0]})')
    ax.fill_between(steps, np.maximum(mean - std, 1e-4), mean + std, alpha=0.25)
  ax.set_yscale('log')
  ax.set_xlabel('training step')
  ax.set_ylabel(f'cross-entropy ({window}-step moving average)')
  ax.set_title('Training loss per model (band: +-1 std over repeats)')
  ax.grid(True, which='both', alpha=0.3)
  ax.legend()
  fig.tight_layout()
  _save(fig, path)
  plt.close(fig)


def attention_maps(examples, path, num_maps=4):
  """Heatmaps of a_t (decoder step x input position) for a few evaluation
  pairs: inputs on the x axis, predicted outputs on the y axis."""
  attention_ExSxT = np.asarray(examples['attention'])
  n = min(num_maps, attention_ExSxT.shape[0])
  fig, axes = plt.subplots(1, n, figsize=(3.0 * n + 1.0, 3.4), squeeze=False)
  for i, ax in enumerate(axes[0]):
    a_SxT = attention_ExSxT[i]
    image = ax.imshow(a_SxT, vmin=0.0, vmax=1.0, cmap='viridis')
    ax.set_xticks(range(a_SxT.shape[1]),
                  [str(v) for v in examples['inputs'][i]])
    ax.set_yticks(range(a_SxT.shape[0]),
                  [str(v) for v in examples['predicted'][i]])
    ax.set_xlabel('input (position ->)')
    if i == 0:
      ax.set_ylabel('predicted output (decoder step ->)')
    expected = ' '.join(str(v) for v in np.asarray(examples['targets'][i]).tolist())
    ax.set_title(f'expected {expected}', fontsize=9)
  fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label='a_t')
  fig.suptitle('Attention weights of a trained model (repeat 0)')
  _save(fig, path, bbox_inches='tight')
  plt.close(fig)


# Scale parameters: drawn on a log axis.
LOG_FIELDS = ('train.learning_rate', 'train.eps')


def grid_figure_name(field):
  """The grid figure's file name: length_sweep.png over task.n_in."""
  return ('length_sweep.png' if field == 'task.n_in'
          else f'sweep_{field.split(".")[-1]}.png')


def grid_accuracy(config, grid_runs, path):
  """Mean accuracy with its 95% CI band (clipped to [0, 100]) against the
  grid's first field: a colour per model, a line style per value of the other
  axes. Fields zipped with the first one go into the x label."""
  (x_fields, _), *other_axes = grid.axes(config)
  x_field = x_fields[0]
  others = [f for fields, _ in other_axes for f in fields]
  lines = {}
  for point, runs in grid_runs:
    label = ', '.join(f'{f.split(".")[-1]}={point[f]:g}' for f in others)
    for run in runs:
      d = stats.describe(run.valid_accuracy)
      lines.setdefault(label, {}).setdefault(run.model, []).append(
          (point[x_field], d['mean'], d['ci_low'], d['ci_high'], d['n']))
  fig, ax = plt.subplots(figsize=(7, 4.5))
  colors = {name: f'C{i}' for i, name in enumerate(config.models)}
  for style, (label, by_model) in zip(('-', '--', ':', '-.') * 8, lines.items()):
    for model, rows in by_model.items():
      x, mean, low, high, n = (np.asarray(c, np.float64) for c in zip(*rows))
      ax.plot(x, mean, style, marker='o', color=colors[model],
              label=model + (f' ({label})' if label else ''))
      if np.all(n > 1):
        ax.fill_between(x, np.clip(low, 0, 100), np.clip(high, 0, 100),
                        color=colors[model], alpha=0.15)
  xs = np.asarray([p[x_field] for p, _ in grid_runs], np.float64)
  if xs.min() > 0 and (x_field in LOG_FIELDS or xs.max() / xs.min() >= 20):
    ax.set_xscale('log')
  repeats = grid_runs[0][1][0].accuracy.size
  ax.set_ylim(-2, 102)
  ax.set_xlabel(x_field + ''.join(f' (with {f})' for f in x_fields[1:]))
  ax.set_ylabel('exact-match accuracy (%)')
  ax.set_title(f'Accuracy vs {x_field.split(".")[-1]} '
               f'(band: 95% CI over {repeats} repeats)')
  ax.grid(True, alpha=0.3)
  ax.legend(fontsize=8)
  fig.tight_layout()
  _save(fig, path)
  plt.close(fig)
