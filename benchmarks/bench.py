r"""Speed of the sweeps: compile time, seed-steps/s, scaling, the comparison.

  python benchmarks/bench.py [--models=baseline,attention] [--repeats=1,10,100]
      [--steps=1000,5000] [--tables=steps,repeats,length] [--length_steps=2000]
      [--table_model=attention]
      [--comparison]
      [--out=FILE.json] [--config.model.units=...]

Prints tables and writes them as JSON (default runs/bench-<time>.json).

  grid        per model, repeats x steps: compile seconds (cold: no cache)
              and the wall time of the compiled sweep. Steady-state
              seed-steps/s is the slope between the two step counts,
              (R * (S2 - S1)) / (t2 - t1), so init, evaluation and dispatch
              (the intercept) do not count. A run under 2 s is timed twice
              (a program's first run has start-up costs).
  floor       the analytic floor of a batch-1 Adam step: ~40 bytes of cache
              traffic per parameter (read params, grads, m, v; write params,
              m, v; the gradient written once) at the single-core bandwidth
              measured here on a working set of one seed's size, divided over
              the cores. The ratio is measured / floor.
  tables      time vs steps (1k, 5k, 20k; 2 repeats), vs repeats (1, 10, 100,
              1000; 100 steps), vs sequence length n_in (5, 10, 20, 40; n_out
              = 40% of n_in; 2 repeats, --length_steps steps), for
              --table_model (default attention).
  comparison  `python -m attn_seq.main --config=configs/compare.py` twice
              with a fresh compile cache: cold, then warm (wall seconds).
Peak memory is the peak resident set of this process (of main's, for the comparison).
"""

import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from attn_seq import cpu_devices  # pylint: disable=g-import-not-at-top

cpu_devices.use_all_cores()  # Before jax is imported.

from absl import app
from absl import flags
import jax
import numpy as np
from ml_collections import config_flags

from attn_seq import models
from attn_seq import sweep

_CONFIG = config_flags.DEFINE_config_file(
    'config', os.path.join(ROOT, 'configs', 'compare.py'),
    'Base config the measurements vary.', lock_config=True)
_MODELS = flags.DEFINE_list('models', ['baseline', 'attention'], 'Models.')
_REPEATS = flags.DEFINE_list('repeats', ['1', '10', '100'], 'Grid repeats.')
_STEPS = flags.DEFINE_list('steps', ['1000', '5000'], 'Grid steps (two or more).')
_TABLES = flags.DEFINE_list('tables', ['steps', 'repeats', 'length'],
                            'Scaling tables to measure (empty: none).')
_TABLE_MODEL = flags.DEFINE_string('table_model', 'attention',
                                   'The model the scaling tables time.')
_LENGTH_STEPS = flags.DEFINE_integer(
    'length_steps', 2000, 'Steps per run of the length table (2 repeats).')
_COMPARISON = flags.DEFINE_bool('comparison', True,
                                'Time the full comparison, cold and warm.')
_OUT = flags.DEFINE_string('out', None, 'JSON output; default runs/bench-*.json.')

BYTES_PER_PARAM_STEP = 40


def peak_rss_mb():
  return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB.


def num_params(config, model_name):
  model = models.create_model(config, model_name)
  x = np.zeros((1, config.task.n_in, config.task.cardinality), np.float32)
  shapes = jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), x))
  return sum(int(np.prod(s.shape)) for s in jax.tree.leaves(shapes['params']))


def bandwidth_gb_s(num_floats, seconds=0.5):
  """Single-core streaming bandwidth (c = a + b: 12 bytes per float)."""
  a, b, c = (np.ones(num_floats, np.float32) for _ in range(3))
  loops, start = 0, time.perf_counter()
  while time.perf_counter() - start < seconds:
    np.add(a, b, out=c)
    loops += 1
  return 12 * num_floats * loops / (time.perf_counter() - start) / 1e9


def timed_sweep(config, model_name):
  """(compile seconds, run seconds) of one cold-compiled sweep.

  A run under 10 s is timed twice and the faster run kept: a program's
  first run has start-up costs, and this machine's speed drifts.
  """
  compiled, compile_seconds, _ = sweep.compile_repeats(config, model_name)
  inputs = sweep.program_inputs(config)
  runs = []
  while len(runs) < 2 and (not runs or runs[0] < 10.0):
    start = time.perf_counter()
    jax.block_until_ready(compiled(*inputs))
    runs.append(time.perf_counter() - start)
  return compile_seconds, min(runs)


def with_fields(config, **fields):
  config = config.copy_and_resolve_references()
  with config.unlocked():
    for path, value in fields.items():
      *parents, last = path.split('__')
      node = config
      for p in parents:
        node = node[p]
      node[last] = value
  return config


def _cell(v):
  if isinstance(v, float):
    return f'{v:,.0f}' if abs(v) >= 1000 else f'{v:.3g}'
  return str(v)


def print_table(title, header, rows):
  print(f'\n{title}')
  print(' | '.join(header))
  print(' | '.join('---' for _ in header))
  for row in rows:
    print(' | '.join(_cell(v) for v in row))


def grid(config, model_name, floor_ms_per_seed_step):
  """Per repeats: compile and run seconds at every step count, and the slope."""
  steps = sorted(int(s) for s in _STEPS.value)
  rows = []
  for repeats in (int(r) for r in _REPEATS.value):
    times = [timed_sweep(with_fields(config, num_repeats=repeats,
                                     train__steps=s), model_name)
             for s in steps]
    slope = (times[-1][1] - times[0][1]) / (steps[-1] - steps[0])
    rate = repeats / slope if slope > 0 else float('nan')
    ms = 1e3 / rate
    rows.append({'model': model_name, 'repeats': repeats, 'steps': steps,
                 'compile_seconds': [t[0] for t in times],
                 'run_seconds': [t[1] for t in times],
                 'seed_steps_per_second': rate,
                 'ms_per_seed_step': ms,
                 'floor_ratio': ms / floor_ms_per_seed_step,
                 'peak_rss_mb': peak_rss_mb()})
    print(f'  {model_name} repeats={repeats}: {rate:,.0f} seed-steps/s '
          f'({ms:.3f} ms), compile {times[0][0]:.1f} s', flush=True)
  return rows


def scaling(config, table, model_name):
  """Wall time of `model_name`'s sweeps as one kind of work grows."""
  if table == 'steps':
    points = [('train__steps', s) for s in (1000, 5000, 20000)]
    base = dict(num_repeats=2)
  elif table == 'repeats':
    points = [('num_repeats', r) for r in (1, 10, 100, 1000)]
    base = dict(train__steps=100)
  else:  # 'length'
    points = [('task__n_in', n) for n in (5, 10, 20, 40)]
    base = dict(num_repeats=2, train__steps=_LENGTH_STEPS.value)
  rows = []
  for field, value in points:
    fields = dict(base, **{field: value})
    if field == 'task__n_in':
      fields['task__n_out'] = max(1, round(0.4 * value))
    cfg = with_fields(config, **fields)
    compile_seconds, run_seconds = timed_sweep(cfg, model_name)
    seed_steps = cfg.num_repeats * cfg.train.steps
    rows.append({'table': table, field.split('__')[-1]: value,
                 'compile_seconds': compile_seconds, 'run_seconds': run_seconds,
                 'us_per_seed_step': 1e6 * run_seconds / seed_steps,
                 'peak_rss_mb': peak_rss_mb()})
    print(f'  {table}: {field.split("__")[-1]}={value}: run {run_seconds:.2f} s',
          flush=True)
  return rows


def comparison():
  """Wall seconds of the comparison command, cold then warm compile cache."""
  out = {}
  with tempfile.TemporaryDirectory() as tmp:
    for label in ('cold', 'warm'):
      start = time.perf_counter()
      subprocess.run(
          [sys.executable, '-m', 'attn_seq.main',
           '--config=configs/compare.py', f'--workdir={tmp}/{label}',
           f'--cache_dir={tmp}/cache'],
          cwd=ROOT, capture_output=True, text=True, check=True)
      wall = time.perf_counter() - start
      with open(os.path.join(tmp, label, 'results.json')) as f:
        results = json.load(f)
      runs = results['runs']
      out[label] = {'wall_seconds': wall, 'peak_rss_mb': results['peak_rss_mb'],
                    'models': {r['model']: {k: r[k] for k in (
                        'mean_accuracy', 'compile_seconds', 'run_seconds')}
                               for r in runs}}
      print(f'  comparison {label}: {wall:.1f} s wall, peak '
            f'{results["peak_rss_mb"]:.0f} MB; ' + ', '.join(
          f'{m}: {v["mean_accuracy"]:.1f}% (compile {v["compile_seconds"]:.1f} s,'
          f' run {v["run_seconds"]:.1f} s)' for m, v in out[label]['models'].items()),
            flush=True)
  return out


def cpu_name():
  try:
    with open('/proc/cpuinfo') as f:
      return next(l.split(':', 1)[1].strip() for l in f if l.startswith('model name'))
  except (OSError, StopIteration):
    return platform.processor() or platform.machine()


def machine():
  return {'date': datetime.date.today().isoformat(),
          'platform': platform.platform(), 'python': platform.python_version(),
          'cpu': cpu_name(),
          'cores': os.cpu_count(), 'jax': jax.__version__,
          'backend': jax.default_backend(),
          'devices': [str(d) for d in jax.local_devices()]}


TABLES = ('steps', 'repeats', 'length')


def _check_flags():
  """Every bad flag fails here, before anything compiles."""
  for name, values in (('repeats', _REPEATS.value), ('steps', _STEPS.value)):
    if not all(v.isdigit() and int(v) > 0 for v in values):
      raise app.UsageError(f'--{name} must be positive integers (got {values})')
  if _LENGTH_STEPS.value < 1:
    raise app.UsageError(f'--length_steps must be positive (got {_LENGTH_STEPS.value})')
  if len(set(_STEPS.value)) < 2:
    raise app.UsageError('--steps needs two different step counts (the slope)')
  if _TABLE_MODEL.value not in models.MODELS:
    raise app.UsageError(f'--table_model: unknown {_TABLE_MODEL.value!r}; '
                         f'known: {sorted(models.MODELS)}')
  unknown = set(_MODELS.value) - set(models.MODELS)
  if unknown:
    raise app.UsageError(f'--models: unknown {sorted(unknown)}; '
                         f'known: {sorted(models.MODELS)}')
  unknown = set(_TABLES.value) - set(TABLES)
  if unknown:
    raise app.UsageError(f'--tables: unknown {sorted(unknown)}; known: {TABLES}')


def main(argv):
  if len(argv) > 1:
    raise app.UsageError(f'unexpected arguments: {argv[1:]}')
  _check_flags()
  config = _CONFIG.value
  results = {'machine': machine(), 'grid': [], 'tables': {}}
  print(results['machine'])
  cores = len(jax.local_devices()) if jax.default_backend() == 'cpu' else 1
  for name in _MODELS.value:
    params = num_params(config, name)
    bw = bandwidth_gb_s(4 * params)  # One seed's params, grads, m, v.
    floor_ms = BYTES_PER_PARAM_STEP * params / (bw * 1e9) * 1e3 / cores
    results.setdefault('floor', {})[name] = {
        'params': params, 'bandwidth_gb_s_per_core': bw,
        'floor_ms_per_seed_step': floor_ms}
    print(f'{name}: {params:,} params; {bw:.0f} GB/s per core; floor '
          f'{floor_ms:.3f} ms per seed-step on {cores} core(s)', flush=True)
    results['grid'] += grid(config, name, floor_ms)
  print_table('grid', ['model', 'repeats', 'compile s (first)',
                       'seed-steps/s', 'ms/seed-step', 'x floor'],
              [(r['model'], r['repeats'], r['compile_seconds'][0],
                r['seed_steps_per_second'], r['ms_per_seed_step'],
                r['floor_ratio']) for r in results['grid']])
  for table in _TABLES.value:
    rows = scaling(config, table, _TABLE_MODEL.value)
    results['tables'][table] = rows
    key = [k for k in rows[0] if k not in (
        'table', 'compile_seconds', 'run_seconds', 'us_per_seed_step',
        'peak_rss_mb')][0]
    print_table(f'{_TABLE_MODEL.value}: time vs {key}', [key, 'compile s', 'run s',
                                              'us/seed-step'],
                [(r[key], r['compile_seconds'], r['run_seconds'],
                  r['us_per_seed_step']) for r in rows])
  if _COMPARISON.value:
    results['comparison'] = comparison()
  results['peak_rss_mb'] = peak_rss_mb()
  print(f'\npeak RSS {results["peak_rss_mb"]:.0f} MB')
  out = _OUT.value or os.path.join(
      ROOT, 'runs', datetime.datetime.now().strftime('bench-%Y%m%d-%H%M%S.json'))
  os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
  with open(out, 'w') as f:
    json.dump(results, f, indent=1)
  print(f'wrote {out}')


if __name__ == '__main__':
  app.run(main)
