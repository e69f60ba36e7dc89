"""One XLA CPU device per core, so a sweep's repeats run on every core.

Call `use_all_cores()` before jax is imported (later it has no effect): it
adds --xla_force_host_platform_device_count=<cores> to XLA_FLAGS unless
XLA_FLAGS already sets it. GPU and TPU backends ignore it.
"""

import os


def use_all_cores():
  flags = os.environ.get('XLA_FLAGS', '')
  if '--xla_force_host_platform_device_count' in flags:
    return
  cores = (len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity')
           else os.cpu_count() or 1)
  os.environ['XLA_FLAGS'] = (
      f'{flags} --xla_force_host_platform_device_count={cores}'.strip())
