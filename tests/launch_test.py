"""The launchers' argument handling; tpu_vm.sh through --dry-run (the runs
themselves: distributed_test.py and slurm_test.py)."""

import shlex
import subprocess

import pytest

from tests.helpers import ROOT


def launch(*args):
  return subprocess.run(['bash', *args], cwd=ROOT, capture_output=True,
                        text=True, timeout=60)


def test_tpu_vm_dry_run_prints_each_gcloud_command():
  create = launch('launch/tpu_vm.sh', '--dry-run', 'create', 'my-tpu')
  assert create.returncode == 0, create.stderr
  assert shlex.split(create.stdout) == [
      'gcloud', 'compute', 'tpus', 'tpu-vm', 'create', 'my-tpu',
      '--zone=us-central2-b', '--accelerator-type=v4-32',
      '--version=tpu-ubuntu2204-base']
  delete = launch('launch/tpu_vm.sh', '--dry-run', 'delete', 'my-tpu')
  assert shlex.split(delete.stdout)[4:] == ['delete', 'my-tpu',
                                            '--zone=us-central2-b', '--quiet']
  setup = launch('launch/tpu_vm.sh', '--dry-run', 'setup', 'my-tpu')
  lines = setup.stdout.splitlines()
  assert lines[0].startswith('git archive') and '--worker=all' in lines[2]


def test_tpu_vm_run_quotes_flags_for_every_worker():
  flag = "--config.models=('attention',)"
  proc = launch('launch/tpu_vm.sh', '--dry-run', 'run', 'my-tpu', '--',
                '--config=configs/compare.py', flag)
  assert proc.returncode == 0, proc.stderr
  words = shlex.split(proc.stdout)
  assert words[:6] == ['gcloud', 'compute', 'tpus', 'tpu-vm', 'ssh', 'my-tpu']
  assert '--worker=all' in words
  (command,) = [w[len('--command='):] for w in words if w.startswith('--command=')]
  assert shlex.split(command) == [
      'cd', 'attn_seq', '&&', 'python', '-m', 'attn_seq.main', '--distributed',
      '--config=configs/compare.py', flag]


@pytest.mark.parametrize('args,message', [
    (('launch/tpu_vm.sh', '--dry-run', 'frob', 'x'), "unknown command 'frob'"),
    (('launch/tpu_vm.sh', '--dry-run', 'create'), 'need a command and a TPU name'),
    (('launch/tpu_vm.sh', '--dry-run', 'run', 'x'), 'run needs attn_seq flags'),
    (('launch/local_multiprocess.sh', '-n', '0'), '-n must be a positive integer'),
    (('launch/local_multiprocess.sh', '--config=x'), 'unknown option --config=x'),
])
def test_bad_launcher_arguments_exit_2(args, message):
  proc = launch(*args)
  assert proc.returncode == 2
  assert message in proc.stderr
