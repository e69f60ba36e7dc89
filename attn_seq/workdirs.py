"""What a workdir holds, and whether a command may run in it.

A workdir is tied to one config by DIR/config.json: the same command again
resumes from its checkpoints, or does nothing when DIR/results.json says it
finished; a different config is refused unless --overwrite clears the folder.
"""

import json
import os
import shutil

from attn_seq import report

CONFIG = 'config.json'
RESULTS = 'results.json'


class WorkdirError(ValueError):
  """The workdir holds another run; the message says which field differs."""


def _normalized(config):
  return json.loads(json.dumps(config.to_dict(), sort_keys=True))


def _first_difference(saved, now, prefix=''):
  for key in sorted(set(saved) | set(now)):
    a, b = saved.get(key, '<absent>'), now.get(key, '<absent>')
    if isinstance(a, dict) and isinstance(b, dict):
      found = _first_difference(a, b, f'{prefix}{key}.')
      if found:
        return found
    elif a != b:
      return f'config.{prefix}{key} was {a!r}, now {b!r}'
  return None


def prepare(config, workdir, overwrite=False):
  """Makes `workdir` ready for `config`; returns 'new', 'resume' or
  'finished'. Raises WorkdirError when it holds a different config and
  `overwrite` is False; with `overwrite`, its contents are removed first."""
  path = os.path.join(workdir, CONFIG)
  if os.path.exists(path) and overwrite:
    shutil.rmtree(workdir)
  if os.path.exists(path):
    with open(path) as f:
      saved = json.load(f)
    difference = _first_difference(saved, _normalized(config))
    if difference:
      raise WorkdirError(
          f'{workdir} holds a run of another config ({difference}); '
          'pass --overwrite to replace it, or choose another --workdir')
    return 'finished' if os.path.exists(os.path.join(workdir, RESULTS)) else 'resume'
  if os.path.isdir(workdir) and os.listdir(workdir) and not overwrite:
    raise WorkdirError(f'{workdir} is not empty and holds no {CONFIG}; pass '
                       '--overwrite to replace it, or choose another --workdir')
  if overwrite and os.path.isdir(workdir):
    shutil.rmtree(workdir)
  os.makedirs(workdir, exist_ok=True)
  report.write_json(path, _normalized(config))
  return 'new'
