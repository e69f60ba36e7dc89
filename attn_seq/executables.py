"""Compiled sweep programs cached on disk: a second run of the same command
loads its programs instead of tracing and compiling them (~0.5 s vs ~5-10 s).

An entry is keyed by everything that shapes the program: the config (less the
fields that are only its inputs or choose programs), the model, the devices,
the compile options, XLA_FLAGS, the versions of jax/jaxlib/flax/optax, and the
source of this package. A missing, stale or unreadable entry is compiled anew.
"""

import hashlib
import importlib.metadata
import json
import os
import pickle
import tempfile

import jax
from jax.experimental import serialize_executable

# Config fields that do not change the compiled program.
_NOT_IN_PROGRAM = ('seed', 'models')
_PACKAGES = ('jax', 'jaxlib', 'flax', 'optax')


def _source_digest():
  package_dir = os.path.dirname(os.path.abspath(__file__))
  digest = hashlib.sha256()
  for name in sorted(os.listdir(package_dir)):
    if name.endswith('.py'):
      with open(os.path.join(package_dir, name), 'rb') as f:
        digest.update(name.encode() + f.read())
  return digest.hexdigest()


def cache_key(config, model_name, devices, options, inputs=None):
  """A hex digest naming the program of `model_name`'s repeats under `config`.

  `inputs` {'batched': fields, 'pairs': N} describes the program's inputs:
  the batched fields' values in `config` are then not part of the key.
  """
  inputs = inputs or {}
  fields = {k: v for k, v in config.to_dict().items() if k not in _NOT_IN_PROGRAM}
  for field in inputs.get('batched', ()):
    section, name = field.split('.')
    fields[section] = {k: v for k, v in fields[section].items() if k != name}
  spec = {
      'config': fields, 'model': model_name, 'options': options,
      'inputs': inputs,
      'devices': [(d.platform, d.device_kind, d.id) for d in devices],
      'processes': jax.process_count(),
      'xla_flags': os.environ.get('XLA_FLAGS', ''),
      'versions': {p: importlib.metadata.version(p) for p in _PACKAGES},
      'source': _source_digest(),
  }
  text = json.dumps(spec, sort_keys=True, default=str)
  return hashlib.sha256(text.encode()).hexdigest()[:32]


def _path(cache_dir, key):
  return os.path.join(cache_dir, f'{key}.executable')


def load(cache_dir, key):
  """The cached executable for `key`, or None."""
  try:
    with open(_path(cache_dir, key), 'rb') as f:
      payload, in_tree, out_tree = pickle.load(f)
    return serialize_executable.deserialize_and_load(payload, in_tree, out_tree)
  except Exception:  # pylint: disable=broad-except  # Any failure: recompile.
    return None


def save(cache_dir, key, compiled):
  """Writes `compiled` for `key` (atomically: a reader sees all or nothing)."""
  os.makedirs(cache_dir, exist_ok=True)
  blob = pickle.dumps(serialize_executable.serialize(compiled))
  fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix='.tmp')
  with os.fdopen(fd, 'wb') as f:
    f.write(blob)
  os.replace(tmp, _path(cache_dir, key))
