"""launch/slurm.sbatch submitted to a real one-node SLURM cluster started here
(slurmctld + slurmd + munge from Debian's slurm-wlm): 2 tasks -> 2
jax.distributed processes found by JAX's SLURM detection, results equal to a
single-process run. Needs root and the SLURM/munge binaries (.ci/run installs
them); skipped, and so not passed, without them."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from tests.distributed_test import FLAGS, assert_same_as, free_port, reference  # pylint: disable=unused-import
from tests.helpers import ROOT

BINARIES = ('slurmctld', 'slurmd', 'sbatch', 'sinfo', 'scontrol', 'munged',
            'munge')
MISSING = [b for b in BINARIES if shutil.which(b) is None]
pytestmark = pytest.mark.skipif(
    bool(MISSING) or os.geteuid() != 0,
    reason=f'needs root and {", ".join(MISSING) or "SLURM"}')

CONF = """\
ClusterName=attnseqtest
SlurmctldHost={host}(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmUser=root
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
SlurmctldPidFile={dir}/slurmctld.pid
SlurmdPidFile={dir}/slurmd.pid
SlurmdSpoolDir={dir}/spool
StateSaveLocation={dir}/state
SlurmctldLogFile={dir}/slurmctld.log
SlurmdLogFile={dir}/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


def _run(*args, env=None, timeout=60):
  return subprocess.run(args, env=env, capture_output=True, text=True,
                        timeout=timeout)


@pytest.fixture(scope='module')
def slurm(tmp_path_factory):
  """A one-node cluster; yields the environment its clients need."""
  directory = tmp_path_factory.mktemp('slurm')
  for sub in ('spool', 'state'):
    (directory / sub).mkdir()
  started_munge = _run('munge', '-n').returncode != 0
  if started_munge:
    os.makedirs('/run/munge', exist_ok=True)
    assert _run('munged', '--force').returncode == 0
  conf = directory / 'slurm.conf'
  conf.write_text(CONF.format(
      host=socket.gethostname().split('.')[0], dir=directory,
      ctld_port=free_port(), d_port=free_port(), cpus=os.cpu_count()))
  env = dict(os.environ, SLURM_CONF=str(conf))
  assert _run('slurmctld', '-f', str(conf), env=env).returncode == 0
  assert _run('slurmd', '-f', str(conf), env=env).returncode == 0
  try:
    deadline = time.time() + 60
    while 'idle' not in _run('sinfo', '-h', '-o', '%T', env=env).stdout:
      assert time.time() < deadline, (directory / 'slurmctld.log').read_text()
      time.sleep(0.5)
    yield env
  finally:
    _run('scontrol', 'shutdown', env=env)
    if started_munge:
      _run('pkill', '-x', 'munged')


def test_sbatch_runs_two_processes_like_one(slurm, reference, tmp_path):
  workdir = tmp_path / 'work'
  env = dict(slurm, PYTHON=sys.executable, PYTHONPATH=ROOT,
             XLA_FLAGS='--xla_force_host_platform_device_count=1')
  proc = subprocess.run(
      ['sbatch', '--wait', '--ntasks-per-node=2', f'--output={tmp_path}/job-%j.out',
       'launch/slurm.sbatch', '--config=configs/test.py',
       f'--workdir={workdir}', '--cache_dir=', *FLAGS],
      cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
  logs = list(tmp_path.glob('job-*.out'))
  assert proc.returncode == 0 and len(logs) == 1, (
      proc.stdout + proc.stderr + ''.join(p.read_text() for p in logs))
  log = logs[0].read_text()
  assert '2 tasks' in log
  assert 'devices: 2 cpu over 2 process(es)' in log
  assert log.count('Mean Accuracy:') == 1  # Process 0 prints, the other not.
  assert_same_as(reference, workdir, devices=2, processes=2)
