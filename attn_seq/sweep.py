"""Repeats of a model as one program: train(key) mapped over seed keys,
sharded over devices, vmapped in batches on each."""

import dataclasses
import time

import jax
import jax.numpy as jnp
import numpy as np

from attn_seq import executables
from attn_seq import train as train_lib


def repeat_keys(seed, num_repeats):
  """One PRNG key per repeat; repeat i's key does not depend on num_repeats."""
  base = jax.random.PRNGKey(seed)
  return jax.vmap(lambda i: jax.random.fold_in(base, i))(jnp.arange(num_repeats))


@dataclasses.dataclass
class ModelRuns:
  """All repeats of one model: per-repeat arrays and wall times."""
  model: str
  accuracy: np.ndarray        # [repeats], percent
  loss: np.ndarray            # [repeats, steps]
  examples: dict              # inputs/targets/predicted: [repeats, E, T]
  compile_seconds: float
  compile_cached: bool        # loaded from the executable cache
  run_seconds: float


def repeats_per_batch(config):
  """How many repeats one device runs as one vmap; 0 in the config = auto.

  Auto is every repeat of the device at once on GPU/TPU, and one at a time on
  CPU, where a repeat's working set then stays in cache (measured ~1.5x
  faster per seed-step on 2 cores than vmapping all ten).
  """
  if config.repeats_per_batch > 0:
    return config.repeats_per_batch
  return 1 if jax.default_backend() == 'cpu' else config.num_repeats


def make_repeats(config, model_name, devices):
  """keys [R] -> results [R] for R a multiple of len(devices).

  The repeats are split over a 1-D 'seed' mesh of `devices`; each device runs
  its share with `lax.map(train, batch_size=repeats_per_batch)`, i.e. vmapped
  in batches, the batches one after another.
  """
  train = train_lib.make_train(config, model_name)
  per_device = -(-config.num_repeats // len(devices))
  batch = min(repeats_per_batch(config), per_device)
  mesh = jax.sharding.Mesh(np.asarray(devices), ('seed',))
  spec = jax.sharding.PartitionSpec('seed')
  local = lambda keys: jax.lax.map(train, keys, batch_size=batch)
  return jax.jit(jax.shard_map(local, mesh=mesh, in_specs=spec, out_specs=spec,
                               check_vma=False))


def padded_keys(config, num_devices):
  """The repeats' keys, padded with extra repeats to a multiple of devices."""
  total = -(-config.num_repeats // num_devices) * num_devices
  return repeat_keys(config.seed, total)


def compile_repeats(config, model_name, devices=None, cache_dir=None):
  """Ahead-of-time compiles the repeats of one model.

  With `cache_dir`, the program is loaded from there when a previous run
  compiled it, and saved there otherwise (executables.py).
  Returns (fn, seconds, cached).
  """
  start = time.perf_counter()
  devices = devices or jax.local_devices()
  options = {}
  if jax.default_backend() == 'cpu' and config.cpu_optimization_level >= 0:
    options['xla_backend_optimization_level'] = config.cpu_optimization_level
  key = compiled = None
  if cache_dir:
    key = executables.cache_key(config, model_name, devices, options)
    compiled = executables.load(cache_dir, key)
  cached = compiled is not None
  if not cached:
    keys = padded_keys(config, len(devices))
    compiled = make_repeats(config, model_name, devices).lower(keys).compile(
        options)
    if key:
      executables.save(cache_dir, key, compiled)
  return compiled, time.perf_counter() - start, cached


def run_repeats(config, model_name, devices=None, cache_dir=None):
  """Trains and evaluates config.num_repeats repeats of `model_name`.

  The repeats are spread over `devices` (default: all local devices).
  """
  devices = devices or jax.local_devices()
  compiled, compile_seconds, cached = compile_repeats(
      config, model_name, devices, cache_dir)
  keys = padded_keys(config, len(devices))
  start = time.perf_counter()
  out = jax.block_until_ready(compiled(keys))
  run_seconds = time.perf_counter() - start
  # Drop the padding repeats.
  out = jax.tree.map(lambda x: np.asarray(x)[:config.num_repeats],
                     jax.device_get(out))
  return ModelRuns(model=model_name, accuracy=out['accuracy'],
                   loss=out['loss'], examples=out['examples'],
                   compile_seconds=compile_seconds, compile_cached=cached,
                   run_seconds=run_seconds)


def run_models(config, cache_dir=None):
  """Runs the repeats of every model in config.models, one model after another."""
  return [run_repeats(config, name, cache_dir=cache_dir)
          for name in config.models]
