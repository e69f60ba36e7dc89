"""Repeats over devices and processes give the single-device results, seed
for seed: 4 CPU devices in one process, 2 jax.distributed processes on
127.0.0.1 (launch/local_multiprocess.sh), and 2 processes started the way
SLURM's srun starts them (launch/slurm.sbatch, JAX's SLURM detection)."""

import json
import os
import socket
import subprocess

import numpy as np
import pytest

from attn_seq import sweep
from tests.helpers import ROOT, run_main
from tests.train_test import load_test_config

FLAGS = ("--config.models=('baseline',)", '--config.train.steps=30',
         '--config.num_repeats=3')


@pytest.fixture(scope='module')
def reference():
  """3 repeats on this process's one CPU device."""
  config = load_test_config()
  config.models, config.train.steps, config.num_repeats = ('baseline',), 30, 3
  return sweep.run_repeats(config, 'baseline')


def free_port():
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def assert_same_as(reference, workdir, devices, processes):
  with open(os.path.join(workdir, 'results.json')) as f:
    results = json.load(f)
  assert (results['devices'], results['processes']) == (devices, processes)
  (run,) = results['runs']
  assert run['accuracy'] == reference.accuracy.tolist()
  np.testing.assert_allclose(run['loss'], reference.loss, rtol=1e-6, atol=1e-7)
  assert run['examples'][0]['predicted'] == reference.examples['predicted'][0][0].tolist()


def test_four_cpu_devices_match_one(reference, tmp_path):
  """3 repeats padded to 4 over 4 devices; the padding is dropped."""
  proc = run_main('--config=configs/test.py', f'--workdir={tmp_path}', *FLAGS,
                  env={'XLA_FLAGS': '--xla_force_host_platform_device_count=4'})
  assert proc.returncode == 0, proc.stderr
  assert 'devices: 4 cpu over 1 process(es)' in proc.stdout
  assert_same_as(reference, tmp_path, devices=4, processes=1)


def run_script(args, env=None, timeout=180):
  env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
  env.pop('XLA_FLAGS', None)
  return subprocess.run(args, cwd=ROOT, env=env, capture_output=True,
                        text=True, timeout=timeout)


def test_two_processes_on_localhost_match_one(reference, tmp_path):
  workdir = tmp_path / 'work'
  proc = run_script(['bash', 'launch/local_multiprocess.sh', '-n', '2', '-p',
                     str(free_port()), '--', '--config=configs/test.py',
                     f'--workdir={workdir}', '--cache_dir=', *FLAGS])
  assert proc.returncode == 0, proc.stderr
  assert proc.stdout.count('Mean Accuracy:') == 1  # Process 0 only.
  assert 'devices: 2 cpu over 2 process(es)' in proc.stdout
  assert_same_as(reference, workdir, devices=2, processes=2)


def test_a_failing_process_stops_the_job(tmp_path):
  proc = run_script(['bash', 'launch/local_multiprocess.sh', '-n', '2', '-p',
                     str(free_port()), '--', '--config=configs/test.py',
                     f'--workdir={tmp_path / "work"}', '--config.train.steps=0'],
                    timeout=120)
  assert proc.returncode == 2
  assert 'config.train.steps' in proc.stderr
  assert not (tmp_path / 'work').exists()


@pytest.mark.parametrize('flag,message', [
    ('--process_id=1', '--process_id need --distributed'),
    ('--num_processes=0', None)])
def test_bad_distributed_flags_are_one_line(tmp_path, flag, message):
  args = [flag] if message else ['--distributed', flag]
  proc = run_main('--config=configs/test.py', f'--workdir={tmp_path / "w"}',
                  *args)
  assert proc.returncode == 2
  lines = [l for l in proc.stderr.splitlines() if l.strip()]
  assert len(lines) == 1 and (message or '--num_processes must be >= 1') in lines[0]
