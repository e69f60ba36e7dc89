"""benchmarks/bench.py runs end to end (tiny sizes; it measures, not asserts, speed)."""

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def test_bench_writes_its_tables(tmp_path):
  out = tmp_path / 'bench.json'
  proc = subprocess.run(
      [sys.executable, 'benchmarks/bench.py', '--config=configs/test.py',
       '--models=baseline', '--repeats=2', '--steps=50,1000', '--tables=length',
       '--length_steps=100', '--table_model=baseline',
       '--nocomparison', f'--out={out}', '--config.model.units=8'],
      cwd=ROOT, capture_output=True, text=True, timeout=600)
  assert proc.returncode == 0, proc.stderr
  assert 'seed-steps/s' in proc.stdout and 'time vs n_in' in proc.stdout
  results = json.loads(out.read_text())
  (row,) = results['grid']
  assert row['model'] == 'baseline' and row['repeats'] == 2
  assert row['steps'] == [50, 1000] and len(row['run_seconds']) == 2
  assert row['seed_steps_per_second'] > 0 and row['peak_rss_mb'] > 0
  assert results['floor']['baseline']['params'] > 0
  assert [r['n_in'] for r in results['tables']['length']] == [5, 10, 20, 40]
  assert results['machine']['backend'] == 'cpu'


@pytest.mark.parametrize('flag,name', [
    ('--steps=1000', '--steps'), ('--steps=10,x', '--steps'),
    ('--repeats=0', '--repeats'), ('--models=transformer', '--models'),
    ('--tables=width', '--tables'), ('--length_steps=0', '--length_steps'),
    ('--table_model=gru', '--table_model')])
def test_bench_bad_flags_fail_before_compiling(tmp_path, flag, name):
  out = tmp_path / 'bench.json'
  proc = subprocess.run(
      [sys.executable, 'benchmarks/bench.py', flag, f'--out={out}'],
      cwd=ROOT, capture_output=True, text=True, timeout=120)
  assert proc.returncode != 0
  assert name in proc.stderr and 'Traceback' not in proc.stderr
  assert not out.exists()
