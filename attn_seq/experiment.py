"""run(config, workdir): the sweep, its printout, DIR/results.json,
DIR/report.md, DIR/loss_curves.png and (for attention) DIR/attention.png;
for a grid (config.grid), results.json, report.md and the accuracy figure
(DIR/length_sweep.png over task.n_in)."""

import os
import resource
import time

import jax

from attn_seq import plots
from attn_seq import report
from attn_seq import sweep


def run(config, workdir, cache_dir=None, log=print):
  """Runs every model of `config`, logs the summary, writes results.json,
  report.md (statistics) and the figures.

  Compiled programs are cached in `cache_dir` (None: not cached). With
  several processes (jax.distributed), every process runs its share and
  only process 0 writes.
  """
  if config.grid:
    return run_grid(config, workdir, cache_dir, log)
  start = time.perf_counter()
  runs = sweep.run_models(config, cache_dir)
  for model_runs in runs:
    log(report.format_run(model_runs))
  markdown = report.markdown(config, runs)
  log(markdown)
  if jax.process_index() != 0:
    return runs
  os.makedirs(workdir, exist_ok=True)
  report.write_text(os.path.join(workdir, 'report.md'), markdown)
  plots.loss_curves(runs, os.path.join(workdir, 'loss_curves.png'))
  for model_runs in runs:
    if 'attention' in model_runs.examples:
      plots.attention_maps(
          {k: v[0] for k, v in model_runs.examples.items()},
          os.path.join(workdir, 'attention.png'))
  _write_results(report.results_dict(config, runs), workdir, start, log)
  return runs


def run_grid(config, workdir, cache_dir=None, log=print):
  """Runs every point of config.grid; writes results.json, report.md and the
  accuracy figure. Returns [(point, [ModelRuns per model])]."""
  start = time.perf_counter()
  grid_runs = sweep.run_grid(config, cache_dir)
  for point, runs in grid_runs:
    log('== point ' + ', '.join(f'{f}={v}' for f, v in point.items()))
    for model_runs in runs:
      log(report.format_run(model_runs))
  markdown = report.grid_markdown(config, grid_runs)
  log(markdown)
  if jax.process_index() != 0:
    return grid_runs
  os.makedirs(workdir, exist_ok=True)
  report.write_text(os.path.join(workdir, 'report.md'), markdown)
  figure = plots.grid_figure_name(next(iter(grid_runs[0][0])))
  plots.grid_accuracy(config, grid_runs, os.path.join(workdir, figure))
  _write_results(report.grid_results_dict(config, grid_runs), workdir, start,
                 log)
  return grid_runs


def _write_results(results, workdir, start, log):
  path = os.path.join(workdir, 'results.json')
  # Linux reports KiB (macOS bytes; the figure is then 1024x too large).
  results['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
  results['devices'] = jax.device_count()
  results['processes'] = jax.process_count()
  report.write_json(path, results)
  log(f'total {time.perf_counter() - start:.1f} s; peak memory '
      f'{results["peak_rss_mb"]:.0f} MB; wrote {path}')
