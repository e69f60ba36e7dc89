"""run(config, workdir): the sweep, its printout, DIR/results.json,
DIR/report.md, DIR/loss_curves.png and (for attention) DIR/attention.png."""

import os
import resource
import time

from attn_seq import plots
from attn_seq import report
from attn_seq import sweep


def run(config, workdir, cache_dir=None, log=print):
  """Runs every model of `config`, logs the summary, writes results.json,
  report.md (statistics) and the figures.

  Compiled programs are cached in `cache_dir` (None: not cached).
  """
  start = time.perf_counter()
  runs = sweep.run_models(config, cache_dir)
  for model_runs in runs:
    log(report.format_run(model_runs))
  markdown = report.markdown(config, runs)
  log(markdown)
  os.makedirs(workdir, exist_ok=True)
  report.write_text(os.path.join(workdir, 'report.md'), markdown)
  plots.loss_curves(runs, os.path.join(workdir, 'loss_curves.png'))
  for model_runs in runs:
    if 'attention' in model_runs.examples:
      plots.attention_maps(
          {k: v[0] for k, v in model_runs.examples.items()},
          os.path.join(workdir, 'attention.png'))
  path = os.path.join(workdir, 'results.json')
  results = report.results_dict(config, runs)
  # Linux reports KiB (macOS bytes; the figure is then 1024x too large).
  results['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
  report.write_json(path, results)
  log(f'total {time.perf_counter() - start:.1f} s; peak memory '
      f'{results["peak_rss_mb"]:.0f} MB; wrote {path}')
  return runs
