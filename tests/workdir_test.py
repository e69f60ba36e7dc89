"""A workdir across runs: kill and resume, a finished run, another config,
metrics and TensorBoard events, predict, and diverged repeats."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT, run_main

# Long enough (15 chunks a model) to be killed in the middle.
FLAGS = ('--config=configs/test.py', '--config.train.steps=3000',
         '--config.train.checkpoint_every=200')
TIMING = ('compile_seconds', 'compile_cached', 'run_seconds')


def load(workdir, name='results.json'):
  with open(os.path.join(workdir, name)) as f:
    return json.load(f)


def without_timings(results):
  runs = [{k: v for k, v in r.items() if k not in TIMING} for r in results['runs']]
  return dict(results, runs=runs, peak_rss_mb=None)


@pytest.fixture(scope='module')
def cache(tmp_path_factory):
  return f'--cache_dir={tmp_path_factory.mktemp("cache")}'


@pytest.fixture(scope='module')
def finished(tmp_path_factory, cache):
  """An uninterrupted run (its programs then cached for the others)."""
  workdir = str(tmp_path_factory.mktemp('finished'))
  proc = run_main(*FLAGS, f'--workdir={workdir}', cache)
  assert proc.returncode == 0, proc.stderr
  return workdir, proc.stdout


def test_progress_lines_and_metrics(finished):
  workdir, stdout = finished
  assert '  baseline: step 200/3000,' in stdout
  assert '  attention: step 3000/3000,' in stdout and 'seed-steps/s, ETA' in stdout
  records = [json.loads(l) for l in open(os.path.join(workdir, 'metrics.jsonl'))]
  chunks = [r for r in records if r['kind'] == 'chunk']
  assert [r['step'] for r in chunks] == list(range(200, 3001, 200)) * 2
  accuracy = [r for r in records if r['kind'] == 'accuracy']
  assert [r['model'] for r in accuracy] == ['baseline', 'attention']
  results = load(workdir)
  assert accuracy[1]['accuracy_mean'] == results['runs'][1]['mean_accuracy']


def test_tensorboard_lists_the_scalars(finished):
  from tensorboard.backend.event_processing import event_accumulator
  events = event_accumulator.EventAccumulator(os.path.join(finished[0], 'tensorboard'))
  events.Reload()
  tags = set(events.Tags()['scalars'])
  assert {'loss/baseline/mean', 'loss/baseline/std', 'loss/attention/mean',
          'accuracy/baseline/mean', 'accuracy/attention/mean'} <= tags
  steps = [e.step for e in events.Scalars('loss/attention/mean')]
  assert steps == list(range(200, 3001, 200))


def test_noprogress_is_quiet_and_overrides_reach_the_run(tmp_path):
  proc = run_main('--config=configs/test.py', f'--workdir={tmp_path}',
                  '--noprogress', "--config.models=('baseline',)",
                  '--config.train.steps=30', '--config.train.checkpoint_every=10')
  assert proc.returncode == 0, proc.stderr
  assert 'seed-steps/s' not in proc.stdout and 'Mean Accuracy' in proc.stdout
  results = load(tmp_path)
  assert [r['model'] for r in results['runs']] == ['baseline']
  assert len(results['runs'][0]['loss'][0]) == 30


def test_sigkill_then_rerun_equals_the_uninterrupted_run(finished, tmp_path, cache):
  workdir = str(tmp_path / 'work')
  env = dict(os.environ, PYTHONPATH=ROOT)
  args = [sys.executable, '-m', 'attn_seq.main', *FLAGS, f'--workdir={workdir}',
          cache]
  proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
  saved = os.path.join(workdir, 'checkpoints', 'attention')
  deadline = time.time() + 300
  while not (os.path.isdir(saved) and any(n.isdigit() for n in os.listdir(saved))):
    assert proc.poll() is None and time.time() < deadline
    time.sleep(0.02)
  proc.send_signal(signal.SIGKILL)
  proc.wait()
  assert not os.path.exists(os.path.join(workdir, 'results.json'))  # Killed mid-sweep.
  steps_done = int(max(n for n in os.listdir(saved) if n.isdigit()))
  assert steps_done < 3000

  rerun = run_main(*FLAGS, f'--workdir={workdir}', cache)
  assert rerun.returncode == 0, rerun.stderr
  assert 'resuming' in rerun.stdout
  assert f'  attention: step {steps_done}/' not in rerun.stdout  # Not redone.
  assert without_timings(load(workdir)) == without_timings(load(finished[0]))


def test_a_finished_workdir_is_not_rerun(finished, cache):
  workdir = finished[0]
  before = os.path.getmtime(os.path.join(workdir, 'results.json'))
  proc = run_main(*FLAGS, f'--workdir={workdir}', cache)
  assert proc.returncode == 0, proc.stderr
  assert 'nothing to do' in proc.stdout and '| attention |' in proc.stdout
  assert 'seed-steps/s' not in proc.stdout
  assert os.path.getmtime(os.path.join(workdir, 'results.json')) == before


def test_another_config_is_refused_in_one_line(finished, cache):
  proc = run_main(*FLAGS, '--config.train.learning_rate=0.01',
                  f'--workdir={finished[0]}', cache)
  assert proc.returncode == 2
  lines = [l for l in proc.stderr.splitlines() if l.strip()]
  assert len(lines) == 1
  assert 'config.train.learning_rate was 0.001, now 0.01' in lines[0]
  assert '--overwrite' in lines[0]


def test_predict_matches_the_evaluation(finished):
  workdir = finished[0]
  results = load(workdir)
  env = dict(os.environ, PYTHONPATH=ROOT)
  for run in results['runs']:
    example = run['examples'][0]
    proc = subprocess.run(
        [sys.executable, '-m', 'attn_seq.predict', f'--workdir={workdir}',
         '--sequence=' + ','.join(map(str, example['input']))],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f'{run["model"]}: repeat 0 predicts {example["predicted"]};' in proc.stdout
  assert 'attention weights of repeat 0' in proc.stdout


@pytest.mark.parametrize('sequence,message', [
    ('1,2,3', 'must have n_in = 5 integers (got 3)'),
    ('1,2,3,4,10', 'must be in [0, 10) (got 10)'),
    ('1,2,x,4,5', 'comma-separated integers'),
    ('1.5,2,3,4,5', 'comma-separated integers'),
])
def test_predict_refuses_bad_sequences(sequence, message):
  from attn_seq import predict
  with pytest.raises(predict.PredictError, match=message.replace('[', r'\[').replace('(', r'\(').replace(')', r'\)')):
    predict.parse_sequence(sequence, n_in=5, cardinality=10)


def test_predict_bad_input_is_one_line_exit_2(finished):
  proc = subprocess.run(
      [sys.executable, '-m', 'attn_seq.predict', f'--workdir={finished[0]}',
       '--sequence=1,2,3'],
      cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True,
      text=True, timeout=120)
  assert proc.returncode == 2
  lines = [l for l in proc.stderr.splitlines() if l.strip()]
  assert len(lines) == 1 and 'must have n_in = 5 integers' in lines[0]


def test_diverged_repeats_are_reported_and_left_out(tmp_path):
  workdir = str(tmp_path / 'work')
  proc = run_main('--config=configs/test.py', f'--workdir={workdir}',
                  "--config.models=('baseline',)", '--config.train.steps=50',
                  '--config.train.learning_rate=1e38')
  assert proc.returncode == 0, proc.stderr
  (run,) = load(workdir)['runs']
  assert [d['repeat'] for d in run['diverged']] == [0, 1]
  assert [d['step'] for d in run['diverged']] == [1, 1]  # Params overflow at once.
  assert run['mean_accuracy'] is None  # No repeat left to average.
  assert proc.stdout.count('warning: baseline repeat') == 2
  with open(os.path.join(workdir, 'report.md')) as f:
    assert 'Diverged, left out of the statistics' in f.read()
