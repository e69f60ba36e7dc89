"""Summaries of ModelRuns: the tutorial's printout, results.json, report.md."""

import itertools
import json
import os

import numpy as np

from attn_seq import stats

TUTORIAL_MEAN_ACCURACY = {'baseline': 23.10, 'attention': 95.70}


def summary(run):
  """Mean and sample std (ddof=1; 0 for a single repeat) of the accuracy."""
  described = stats.describe(run.valid_accuracy)
  return described['mean'], described['std']


def comparisons(runs):
  """Welch's t-test of every later model's accuracy against every earlier one's."""
  return [dict(stats.welch(a.valid_accuracy, b.valid_accuracy), model=b.model,
               versus=a.model)
          for a, b in itertools.combinations(runs, 2)]


def _interval(low, high):
  return 'n/a' if np.isnan(low) else f'[{low:.2f}, {high:.2f}]'


def markdown(config, runs):
  """report.md: per model mean, std and 95% CI, the tutorial's figure, and
  Welch's t-tests between the models."""
  lines = ['# Results', '',
           f'Exact-match accuracy (%) on {config.eval.num_pairs} fresh pairs '
           f'per repeat; 95% CI of the mean from the t-distribution; '
           f'n_in={config.task.n_in}, n_out={config.task.n_out}, '
           f'cardinality={config.task.cardinality}, '
           f'{config.train.steps} steps.', '',
           '| model | repeats | mean | std | 95% CI | tutorial (10 repeats) |',
           '| --- | --- | --- | --- | --- | --- |']
  for run in runs:
    d = stats.describe(run.valid_accuracy)
    reference = TUTORIAL_MEAN_ACCURACY.get(run.model)
    lines.append(
        f'| {run.model} | {d["n"]} | {d["mean"]:.2f} | {d["std"]:.2f} | '
        f'{_interval(d["ci_low"], d["ci_high"])} | '
        f'{"" if reference is None else f"{reference:.2f}"} |')
  lines += _diverged_lines(runs)
  tests = comparisons(runs)
  if tests:
    lines += ['', "Welch's t-test (unequal variances):", '',
              '| difference | points | 95% CI | t | df | p |',
              '| --- | --- | --- | --- | --- | --- |']
    for c in tests:
      lines.append(
          f'| {c["model"]} - {c["versus"]} | {c["difference"]:.2f} | '
          f'{_interval(c["ci_low"], c["ci_high"])} | {c["t"]:.2f} | '
          f'{c["df"]:.1f} | {c["p"]:.2g} |')
  return '\n'.join(lines) + '\n'


def _diverged_lines(runs, where=''):
  left_out = [f'{run.model} repeat {r} (from step {s})'
              for run in runs for r, s in run.diverged.items()]
  if not left_out:
    return []
  return ['', f'Diverged{where}, left out of the statistics (loss not '
          f'finite): {", ".join(left_out)}.']


def format_run(run, num_spot_checks=10):
  """The tutorial's printout for one model, plus timings."""
  mean, std = summary(run)
  lines = [f'== {run.model}: {run.accuracy.size} repeats']
  lines += [f'  repeat {i}: {acc:.2f}%' for i, acc in enumerate(run.accuracy)]
  lines += [f'warning: {run.model} repeat {r} diverged (loss not finite from '
            f'step {s}); left out of the statistics'
            for r, s in run.diverged.items()]
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
  return {'config': config.to_dict(), **_runs_dict(runs)}


def grid_results_dict(config, grid_runs):
  """results.json of a grid: the config and, per point, what results_dict
  holds for it."""
  return {'config': config.to_dict(),
          'grid': [{'point': point, **_runs_dict(runs)}
                   for point, runs in grid_runs]}


def _point_values(point, fields):
  return ' | '.join(f'{point[f]:g}' if isinstance(point[f], float)
                    else str(point[f]) for f in fields)


def _runs_dict(runs):
  out = {'runs': [], 'comparisons': comparisons(runs)}
  for run in runs:
    d = stats.describe(run.valid_accuracy)
    out['runs'].append({
        'model': run.model,
        'accuracy': [float(a) for a in run.accuracy],
        'diverged': [{'repeat': r, 'step': s} for r, s in run.diverged.items()],
        'mean_accuracy': d['mean'],
        'std_accuracy': d['std'],
        'ci95_accuracy': [d['ci_low'], d['ci_high']],
        'compile_seconds': run.compile_seconds,
        'compile_cached': run.compile_cached,
        'run_seconds': run.run_seconds,
        'program_shared_by': run.shared_by,
        'loss': np.round(run.loss.astype(np.float64), 6).tolist(),
        'examples': _examples(run.examples),
    })
  return out


def grid_markdown(config, grid_runs):
  """report.md of a grid: per point and model the mean and 95% CI, and per
  point Welch's t-test between the models."""
  fields = list(grid_runs[0][0])
  lines = ['# Grid results', '',
           f'Exact-match accuracy (%) on {config.eval.num_pairs} fresh pairs '
           f'per repeat, {config.num_repeats} repeats (the same seeds at every '
           f'point); 95% CI of the mean from the t-distribution.', '',
           '| ' + ' | '.join(fields) + ' | model | mean | std | 95% CI |',
           '| --- ' * (len(fields) + 4) + '|']
  for point, runs in grid_runs:
    values = _point_values(point, fields)
    for run in runs:
      d = stats.describe(run.valid_accuracy)
      lines.append(f'| {values} | {run.model} | {d["mean"]:.2f} | '
                   f'{d["std"]:.2f} | {_interval(d["ci_low"], d["ci_high"])} |')
  for point, runs in grid_runs:
    lines += _diverged_lines(runs, where=' at ' + ', '.join(
        f'{f}={v}' for f, v in point.items()))
  if len(grid_runs[0][1]) > 1:
    lines += ['', "Welch's t-test (unequal variances) at each point:", '',
              '| ' + ' | '.join(fields) +
              ' | difference | points | 95% CI | p |',
              '| --- ' * (len(fields) + 4) + '|']
    for point, runs in grid_runs:
      values = _point_values(point, fields)
      for c in comparisons(runs):
        lines.append(
            f'| {values} | {c["model"]} - {c["versus"]} | '
            f'{c["difference"]:.2f} | '
            f'{_interval(c["ci_low"], c["ci_high"])} | {c["p"]:.2g} |')
  return '\n'.join(lines) + '\n'


def _examples(examples):
  """Repeat 0's evaluation examples as lists (with a_t rounded, if any)."""
  out = [{'input': i.tolist(), 'expected': t.tolist(), 'predicted': p.tolist()}
         for i, t, p in zip(examples['inputs'][0], examples['targets'][0],
                            examples['predicted'][0])]
  if 'attention' in examples:
    for example, a_SxT in zip(out, examples['attention'][0]):
      example['attention'] = np.round(a_SxT.astype(np.float64), 4).tolist()
  return out


def write_text(path, text):
  """Writes to a temporary name, then renames it into place."""
  write_bytes(path, text.encode())


def write_bytes(path, data):
  """Writes to a temporary name, then renames it into place."""
  tmp = f'{path}.tmp'
  with open(tmp, 'wb') as f:
    f.write(data)
  os.replace(tmp, path)


def write_json(path, obj):
  """JSON (NaN as null), written as write_text does."""
  clean = json.loads(json.dumps(obj), parse_constant=lambda _: None)
  write_text(path, json.dumps(clean, indent=1))
