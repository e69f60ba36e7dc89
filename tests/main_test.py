import json
import os

import numpy as np
import pytest

from tests.helpers import run_main

# Through the command line: parse errors and a few of validation's (the
# rest of validation's rules: tests/validation_test.py, in-process).
BAD_INPUTS = [
    ('--config.task.n_out=6', 'config.task.n_out'),
    ("--config.models=('baseline','transformer')", 'config.models'),
    ('--config.train.stepz=10', 'stepz'),
    ('--config.train.steps=abc', 'config.train.steps'),
    ('--config.model.teacher_forcing=2', 'config.model.teacher_forcing'),
    ("--config.grid=(('task.n_out', (2, 9)),)", 'config.grid point task.n_out=9'),
    ("--config.grid=((task.n_in, 5),)", 'config.grid[0]'),
]


def assert_one_line_error(proc, name, workdir):
  assert proc.returncode == 2, proc.stderr
  lines = [l for l in proc.stderr.splitlines() if l.strip()]
  assert len(lines) == 1, proc.stderr
  assert name in lines[0]
  assert 'Traceback' not in proc.stderr + proc.stdout
  assert not os.path.exists(workdir)


@pytest.mark.parametrize('flag,name', BAD_INPUTS)
def test_bad_config_field_is_one_line_exit_2(tmp_path, flag, name):
  workdir = str(tmp_path / 'work')
  proc = run_main('--config=configs/test.py', f'--workdir={workdir}', flag)
  assert_one_line_error(proc, name, workdir)


@pytest.mark.parametrize('flag', ['workdir', 'cache_dir'])
def test_a_file_as_folder_is_one_line_exit_2(tmp_path, flag):
  path = tmp_path / 'a_file'
  path.write_text('x')
  args = [f'--{flag}={path}']
  if flag == 'cache_dir':
    args.append(f'--workdir={tmp_path / "work"}')
  proc = run_main('--config=configs/test.py', *args)
  assert_one_line_error(proc, f'--{flag} must be a folder', str(tmp_path / 'work'))


def test_missing_config_file_is_one_line_exit_2(tmp_path):
  workdir = str(tmp_path / 'work')
  proc = run_main('--config=configs/does_not_exist.py', f'--workdir={workdir}')
  assert_one_line_error(proc, 'does_not_exist.py', workdir)


def test_main_end_to_end_writes_results(tmp_path):
  workdir = str(tmp_path / 'work')
  proc = run_main('--config=configs/test.py', f'--workdir={workdir}')
  assert proc.returncode == 0, proc.stderr
  assert proc.stdout.count('Mean Accuracy:') == 2
  assert proc.stdout.count('Expected:') == 2 * 3
  with open(os.path.join(workdir, 'results.json')) as f:
    results = json.load(f)
  assert results['config']['train']['steps'] == 300
  assert [r['model'] for r in results['runs']] == ['baseline', 'attention']
  assert results['peak_rss_mb'] > 100
  (comparison,) = results['comparisons']
  assert (comparison['model'], comparison['versus']) == ('attention', 'baseline')
  with open(os.path.join(workdir, 'report.md')) as f:
    markdown = f.read()
  assert '| baseline | 2 |' in markdown and '| attention | 2 |' in markdown
  assert "Welch's t-test" in markdown
  for run in results['runs']:
    assert len(run['accuracy']) == 2
    assert all(0 <= a <= 100 for a in run['accuracy'])
    assert run['mean_accuracy'] == pytest.approx(sum(run['accuracy']) / 2)
    assert run['std_accuracy'] >= 0
    assert run['compile_seconds'] > 0 and run['run_seconds'] > 0
    assert len(run['loss']) == 2 and len(run['loss'][0]) == 300
    assert len(run['examples']) == 3
    keys = {'input', 'expected', 'predicted'}
    if run['model'] == 'attention':
      keys.add('attention')
      a_SxT = np.asarray(run['examples'][0]['attention'])
      assert a_SxT.shape == (5, 5)
      np.testing.assert_allclose(a_SxT.sum(-1), 1.0, atol=1e-3)
    assert set(run['examples'][0]) == keys
  for figure in ('loss_curves.png', 'attention.png'):
    with open(os.path.join(workdir, figure), 'rb') as f:
      assert f.read(8) == b'\x89PNG\r\n\x1a\n'


def test_second_run_loads_compiled_programs_from_the_cache(tmp_path):
  # One program per model (checkpoint_every=0), as configs/compare.py runs.
  args = ('--config=configs/test.py', '--config.train.steps=30',
          '--config.train.checkpoint_every=0', f'--cache_dir={tmp_path / "cache"}')
  results = []
  for i in range(2):
    workdir = str(tmp_path / f'work{i}')
    proc = run_main(*args, f'--workdir={workdir}')
    assert proc.returncode == 0, proc.stderr
    with open(os.path.join(workdir, 'results.json')) as f:
      results.append(json.load(f)['runs'])
  assert [r['compile_cached'] for r in results[0]] == [False, False]
  assert [r['compile_cached'] for r in results[1]] == [True, True]
  assert 'compile' in proc.stdout and '(cached)' in proc.stdout
  for cold, warm in zip(*results):
    assert warm['accuracy'] == cold['accuracy']
    assert warm['loss'] == cold['loss']


GRID = "(('task.n_in,task.n_out', ((4, 2), (6, 3))), ('train.learning_rate', (1e-3, 1e-2)))"


def test_grid_runs_every_point_as_its_own_config_would(tmp_path):
  """A 2 lengths x 2 learning rates grid (2 programs, the rates batched) with
  the cache on writes the grid's files, and each point's results are those
  of a plain run of that point's config."""
  from attn_seq import grid
  from attn_seq import sweep
  from tests.train_test import load_test_config
  workdir = str(tmp_path / 'work')
  flags = ("--config.models=('baseline',)", '--config.train.steps=30',
           f'--config.grid={GRID}')
  proc = run_main('--config=configs/test.py', f'--workdir={workdir}',
                  f'--cache_dir={tmp_path / "cache"}', *flags)
  assert proc.returncode == 0, proc.stderr
  assert proc.stdout.count('== point') == 4
  with open(os.path.join(workdir, 'results.json')) as f:
    results = json.load(f)
  with open(os.path.join(workdir, 'report.md')) as f:
    markdown = f.read()
  assert '| task.n_in | task.n_out | train.learning_rate | model |' in markdown
  assert '| 6 | 3 | 0.01 | baseline |' in markdown
  with open(os.path.join(workdir, 'length_sweep.png'), 'rb') as f:
    assert f.read(8) == b'\x89PNG\r\n\x1a\n'
  assert [p['point']['train.learning_rate'] for p in results['grid']] == [
      1e-3, 1e-2, 1e-3, 1e-2]
  assert [p['runs'][0]['program_shared_by'] for p in results['grid']] == [2] * 4

  config = load_test_config()
  config.models, config.train.steps = ('baseline',), 30
  config.grid = eval(GRID)  # pylint: disable=eval-used
  for i, (point, result) in enumerate(zip(grid.points(config), results['grid'])):
    assert result['point'] == point
    if i not in (1, 2):  # One point of each program is enough.
      continue
    single = sweep.run_repeats(grid.apply(config, point), 'baseline')
    (run,) = result['runs']
    assert run['accuracy'] == single.accuracy.tolist()
    np.testing.assert_allclose(run['loss'], single.loss, rtol=1e-5, atol=1e-6)
    assert len(run['loss'][0]) == 30
    assert len(run['examples'][0]['expected']) == point['task.n_in']
