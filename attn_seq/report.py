"""Summaries of ModelRuns: the tutorial's printout and results.json."""

import json
import os

import numpy as np

TUTORIAL_MEAN_ACCURACY = {'baseline': 23.10, 'attention': 95.70}


def summary(run):
  """Mean and sample std (ddof=1; 0 for a single repeat) of the accuracy."""
  acc = run.accuracy.astype(np.float64)
  std = float(acc.std(ddof=1)) if acc.size > 1 else 0.0
  return float(acc.mean()), std


def format_run(run, num_spot_checks=10):
  """The tutorial's printout for one model, plus timings."""
  mean, std = summary(run)
  lines = [f'== {run.model}: {run.accuracy.size} repeats']
  lines += [f'  repeat {i}: {acc:.2f}%' for i, acc in enumerate(run.accuracy)]
  reference = TUTORIAL_MEAN_ACCURACY.get(run.model)
  lines.append(f'Mean Accuracy: {mean:.2f}% (std {std:.2f})' +
               (f'; tutorial: {reference:.2f}%' if reference is not None else ''))
  examples = run.examples
  for expected, predicted in list(zip(examples['targets'][0],
                                      examples['predicted'][0]))[:num_spot_checks]:
    lines.append(f'Expected: {expected.tolist()} Predicted {predicted.tolist()}')
  cached = ' (cached)' if run.compile_cached else ''
  lines.append(f'compile {run.compile_seconds:.1f} s{cached}, run {run.run_seconds:.1f} s')
  return '\n'.join(lines)


def results_dict(config, runs):
  """What results.json holds: the config and, per model, every repeat."""
  out = {'config': config.to_dict(), 'runs': []}
  for run in runs:
    mean, std = summary(run)
    out['runs'].append({
        'model': run.model,
        'accuracy': [float(a) for a in run.accuracy],
        'mean_accuracy': mean,
        'std_accuracy': std,
        'compile_seconds': run.compile_seconds,
        'compile_cached': run.compile_cached,
        'run_seconds': run.run_seconds,
        'loss': np.round(run.loss.astype(np.float64), 6).tolist(),
        'examples': [{'input': i.tolist(), 'expected': t.tolist(),
                      'predicted': p.tolist()}
                     for i, t, p in zip(run.examples['inputs'][0],
                                        run.examples['targets'][0],
                                        run.examples['predicted'][0])],
    })
  return out


def write_json(path, obj):
  """Writes JSON to a temporary name, then renames it into place."""
  tmp = f'{path}.tmp'
  with open(tmp, 'w') as f:
    json.dump(obj, f, indent=1)
  os.replace(tmp, path)
