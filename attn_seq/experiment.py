"""run(config, workdir): the sweep, its printout, DIR/results.json,
DIR/report.md, DIR/loss_curves.png and (for attention) DIR/attention.png;
for a grid (config.grid), results.json, report.md and the accuracy figure
(DIR/length_sweep.png over task.n_in). Along the way: DIR/config.json,
checkpoints, metrics.jsonl, TensorBoard events, and the trained params."""

import os
import resource
import time

from flax import serialization
import jax

from attn_seq import monitor as monitor_lib
from attn_seq import plots
from attn_seq import report
from attn_seq import sweep
from attn_seq import workdirs


def run(config, workdir, cache_dir=None, log=print, progress=True,
        overwrite=False):
  """Runs every model (at every grid point) of `config` in `workdir`.

  The same config in the same workdir resumes from the last checkpoint, or,
  once results.json exists, is not run again; another config there raises
  workdirs.WorkdirError unless `overwrite`. Compiled programs are cached in
  `cache_dir` (None: not cached). `progress`: a line per chunk. With several
  processes (jax.distributed) every process runs its share, only process 0
  writes, and nothing is checkpointed.
  Returns [(point, [ModelRuns per model])] ([({}, runs)] without a grid), or
  None when the workdir had finished already.
  """
  start = time.perf_counter()
  writer = jax.process_index() == 0
  single = jax.process_count() == 1
  if writer:
    state = workdirs.prepare(config, workdir, overwrite)
    if state == 'finished':
      log(f'{workdir} holds this finished run; nothing to do (--overwrite '
          'runs it again). Its report:')
      with open(os.path.join(workdir, 'report.md')) as f:
        log(f.read())
      return None
    if state == 'resume':
      log(f'resuming in {workdir} from its last checkpoints')
  monitor = monitor_lib.Monitor(config.train.steps, workdir if writer else None,
                                log if progress else None)
  checkpoint_root = (os.path.join(workdir, 'checkpoints')
                     if writer and single else None)
  try:
    if config.grid:
      grid_runs = sweep.run_grid(config, cache_dir, checkpoint_root,
                                 monitor.on_chunk)
    else:
      grid_runs = [({}, sweep.run_models(config, cache_dir, checkpoint_root,
                                         monitor.on_chunk))]
    for point, runs in grid_runs:
      for model_runs in runs:
        monitor.on_done(point, model_runs)
  finally:
    monitor.close()
  for point, runs in grid_runs:
    if point:
      log('== point ' + ', '.join(f'{f}={v}' for f, v in point.items()))
    for model_runs in runs:
      log(report.format_run(model_runs))
  if config.grid:
    markdown = report.grid_markdown(config, grid_runs)
    results = report.grid_results_dict(config, grid_runs)
  else:
    markdown = report.markdown(config, grid_runs[0][1])
    results = report.results_dict(config, grid_runs[0][1])
  log(markdown)
  if writer:
    _write_figures(config, grid_runs, workdir)
    _save_params(grid_runs, workdir)
    report.write_text(os.path.join(workdir, 'report.md'), markdown)
    _write_results(results, workdir, start, log)
  return grid_runs


def _write_figures(config, grid_runs, workdir):
  if config.grid:
    figure = plots.grid_figure_name(next(iter(grid_runs[0][0])))
    plots.grid_accuracy(config, grid_runs, os.path.join(workdir, figure))
    return
  runs = grid_runs[0][1]
  plots.loss_curves(runs, os.path.join(workdir, 'loss_curves.png'))
  for model_runs in runs:
    if 'attention' in model_runs.examples:
      plots.attention_maps(
          {k: v[0] for k, v in model_runs.examples.items()},
          os.path.join(workdir, 'attention.png'))


def params_path(workdir, model, point_index=None):
  """Where the trained params of `model` (at grid point i) are saved."""
  name = model if point_index is None else f'{model}-{point_index}'
  return os.path.join(workdir, 'params', f'{name}.msgpack')


def load_params(path):
  """The params tree params_path holds, each leaf [repeats, ...]."""
  with open(path, 'rb') as f:
    return serialization.msgpack_restore(f.read())


def _save_params(grid_runs, workdir):
  """Every repeat's trained params, stacked [repeats, ...], as msgpack."""
  os.makedirs(os.path.join(workdir, 'params'), exist_ok=True)
  for i, (point, runs) in enumerate(grid_runs):
    for model_runs in runs:
      path = params_path(workdir, model_runs.model, i if point else None)
      report.write_bytes(path, serialization.msgpack_serialize(
          model_runs.params))


def _write_results(results, workdir, start, log):
  path = os.path.join(workdir, workdirs.RESULTS)
  # Linux reports KiB (macOS bytes; the figure is then 1024x too large).
  results['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
  results['devices'] = jax.device_count()
  results['processes'] = jax.process_count()
  report.write_json(path, results)
  log(f'total {time.perf_counter() - start:.1f} s; peak memory '
      f'{results["peak_rss_mb"]:.0f} MB; wrote {path}')
