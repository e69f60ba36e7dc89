"""run(config, workdir): the sweep, its printout, and DIR/results.json."""

import os
import resource
import time

from attn_seq import report
from attn_seq import sweep


def run(config, workdir, cache_dir=None, log=print):
  """Runs every model of `config`, logs the summary, writes results.json.

  Compiled programs are cached in `cache_dir` (None: not cached).
  """
  start = time.perf_counter()
  runs = sweep.run_models(config, cache_dir)
  for model_runs in runs:
    log(report.format_run(model_runs))
  os.makedirs(workdir, exist_ok=True)
  path = os.path.join(workdir, 'results.json')
  results = report.results_dict(config, runs)
  # Linux reports KiB (macOS bytes; the figure is then 1024x too large).
  results['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
  report.write_json(path, results)
  log(f'total {time.perf_counter() - start:.1f} s; peak memory '
      f'{results["peak_rss_mb"]:.0f} MB; wrote {path}')
  return runs
