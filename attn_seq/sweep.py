"""Repeats of a model as one program: train(key, hparams) mapped over
(grid point, seed) pairs, sharded over devices, vmapped in batches on each."""

import dataclasses
import functools
import os
import time

import jax
from jax.experimental import multihost_utils
import jax.numpy as jnp
import numpy as np

from attn_seq import checkpoints
from attn_seq import executables
from attn_seq import grid
from attn_seq import train as train_lib


def repeat_keys(seed, num_repeats):
  """One PRNG key per repeat; repeat i's key does not depend on num_repeats."""
  base = jax.random.PRNGKey(seed)
  return jax.vmap(lambda i: jax.random.fold_in(base, i))(jnp.arange(num_repeats))


@dataclasses.dataclass
class ModelRuns:
  """All repeats of one model (at one grid point): per-repeat arrays and wall
  times."""
  model: str
  accuracy: np.ndarray        # [repeats], percent
  loss: np.ndarray            # [repeats, steps]
  examples: dict              # inputs/targets/predicted: [repeats, E, T]
  params: dict                # the trained parameters, each [repeats, ...]
  compile_seconds: float
  compile_cached: bool        # loaded from the executable cache
  run_seconds: float
  # Grid points run by the same program; the timings are that program's.
  shared_by: int = 1

  @property
  def diverged(self):
    """{repeat: the first step whose loss is NaN or infinite}."""
    bad_RxS = ~np.isfinite(self.loss)
    return {int(r): int(np.argmax(bad_RxS[r])) for r in np.flatnonzero(bad_RxS.any(1))}

  @property
  def valid_accuracy(self):
    """The accuracies of the repeats that did not diverge."""
    return np.delete(self.accuracy, list(self.diverged))


def repeats_per_batch(config, per_device):
  """How many (point, repeat) pairs one device runs as one vmap; 0 in the
  config = auto.

  Auto is every pair of the device at once on GPU/TPU, and one at a time on
  CPU, where a repeat's working set then stays in cache (measured ~1.5x
  faster per seed-step on 2 cores than vmapping all ten).
  """
  if config.repeats_per_batch > 0:
    return min(config.repeats_per_batch, per_device)
  return 1 if jax.default_backend() == 'cpu' else per_device


def sweep_inputs(config, points=({},), num_devices=1):
  """(keys [N], hparams {field: [N]}): every (point, repeat) pair, point
  major, padded with copies of the first pair to a multiple of num_devices.

  Every point gets the same repeat keys; hparams holds the points' fields
  (grid.BATCHED_FIELDS, the program's inputs).
  """
  keys_R = repeat_keys(config.seed, config.num_repeats)
  size = len(points) * config.num_repeats
  index = np.arange(-(-size // num_devices) * num_devices)
  index[size:] = 0
  keys = jnp.tile(keys_R, (len(points), 1))[index]
  hparams = {f: jnp.repeat(jnp.asarray([p[f] for p in points], jnp.float32),
                           config.num_repeats)[index]
             for f in batched_fields(points)}
  return keys, hparams


def batched_fields(points):
  """The fields of `points` that are inputs of their program, sorted."""
  return sorted(f for f in points[0] if f in grid.BATCHED_FIELDS)


def seed_mesh(devices):
  """The 1-D mesh over `devices` that (point, seed) pairs are split along."""
  return jax.sharding.Mesh(np.asarray(devices), ('seed',))


def shard_inputs(inputs, mesh):
  """Host arrays [N, ...] -> global arrays split over the mesh's 'seed' axis
  (NamedSharding); with several processes, each fills its own devices."""
  sharding = jax.sharding.NamedSharding(mesh, jax.sharding.PartitionSpec('seed'))

  def to_global(x):
    x = np.asarray(x)
    return jax.make_array_from_callback(x.shape, sharding, lambda i: x[i])

  return jax.tree.map(to_global, inputs)


def program_inputs(config, points=({},), devices=None):
  """sweep_inputs of `points`, sharded over `devices` (default: all)."""
  devices = devices or jax.devices()
  return shard_inputs(sweep_inputs(config, points, len(devices)),
                      seed_mesh(devices))


def gather(out):
  """Global results -> NumPy arrays on every process."""
  if jax.process_count() > 1:
    return multihost_utils.process_allgather(out, tiled=True)
  return jax.device_get(out)


def pair_program(fn, config, devices, num_pairs, num_args):
  """jit of fn mapped over the leading (point, seed) axis of its `num_args`
  arguments, N = num_pairs a multiple of len(devices).

  The pairs are split over a 1-D 'seed' mesh of `devices`; each device runs
  its share with `lax.map(fn, batch_size=repeats_per_batch)`, i.e. vmapped
  in batches, the batches one after another.
  """
  batch = repeats_per_batch(config, num_pairs // len(devices))
  spec = jax.sharding.PartitionSpec('seed')
  local = lambda *args: jax.lax.map(lambda a: fn(*a), args, batch_size=batch)
  return jax.jit(jax.shard_map(local, mesh=seed_mesh(devices),
                               in_specs=(spec,) * num_args, out_specs=spec,
                               check_vma=False))


def make_repeats(config, model_name, devices, num_pairs):
  """(keys [N], hparams {field: [N]}) -> results [N]: whole runs."""
  return pair_program(train_lib.make_train(config, model_name), config,
                      devices, num_pairs, num_args=2)


def compile_program(jitted, args, config, model_name, devices, cache_dir,
                    program):
  """Ahead-of-time compiles jitted(*args); `program` (a dict) names what it
  computes beyond config and model, for the cache key.

  With `cache_dir` (and one process), the program is loaded from there when
  a previous run compiled it, and saved there otherwise (executables.py).
  Returns (fn, seconds, cached).
  """
  start = time.perf_counter()
  options = {}
  if jax.default_backend() == 'cpu' and config.cpu_optimization_level >= 0:
    options['xla_backend_optimization_level'] = config.cpu_optimization_level
  key = compiled = None
  if cache_dir and jax.process_count() == 1:
    key = executables.cache_key(config, model_name, devices, options,
                                inputs=program)
    compiled = executables.load(cache_dir, key)
  cached = compiled is not None
  if not cached:
    compiled = jitted.lower(*args).compile(options)
    if key:
      executables.save(cache_dir, key, compiled)
  return compiled, time.perf_counter() - start, cached


def compile_repeats(config, model_name, devices=None, cache_dir=None,
                    points=({},)):
  """The whole runs of one model at `points` (grid points differing only in
  batched fields; default: the config itself) as one compiled program.

  Returns (fn, seconds, cached); fn takes program_inputs(config, points).
  """
  devices = devices or jax.devices()
  inputs = program_inputs(config, points, devices)
  num_pairs = len(inputs[0])
  return compile_program(
      make_repeats(config, model_name, devices, num_pairs), inputs, config,
      model_name, devices, cache_dir,
      {'batched': batched_fields(points), 'pairs': num_pairs})


def run_repeats(config, model_name, devices=None, cache_dir=None, **kwargs):
  """Trains and evaluates config.num_repeats repeats of `model_name`.

  The repeats are spread over `devices` (default: every device of every
  process, `jax.devices()`). kwargs: as run_points.
  """
  return run_points(config, model_name, ({},), devices, cache_dir, **kwargs)[0]


def run_points(config, model_name, points, devices=None, cache_dir=None,
               checkpoint_dir=None, on_chunk=None):
  """run_repeats at each of `points` (grid points differing only in batched
  fields) in the same programs; returns [ModelRuns], one per point.

  With config.train.checkpoint_every = 0 the runs are one program. Otherwise
  they run in chunks of that many steps: after each, `on_chunk(model_name,
  points, step, seconds, loss_PxRxL)` is called and, with `checkpoint_dir`,
  the sweep's state is saved there; a later call with the same directory
  resumes from the last chunk saved.
  """
  devices = devices or jax.devices()
  if config.train.checkpoint_every:
    out, compile_seconds, cached, run_seconds = _run_in_chunks(
        config, model_name, points, devices, cache_dir, checkpoint_dir,
        on_chunk)
  else:
    compiled, compile_seconds, cached = compile_repeats(
        config, model_name, devices, cache_dir, points)
    inputs = program_inputs(config, points, devices)
    start = time.perf_counter()
    out = gather(jax.block_until_ready(compiled(*inputs)))
    run_seconds = time.perf_counter() - start
  repeats = config.num_repeats
  runs = []
  for i in range(len(points)):  # The padding pairs are dropped.
    part = jax.tree.map(
        lambda x, i=i: np.asarray(x)[i * repeats:(i + 1) * repeats], out)
    runs.append(ModelRuns(
        model=model_name, accuracy=part['accuracy'], loss=part['loss'],
        examples=part['examples'], params=part['params'],
        compile_seconds=compile_seconds, compile_cached=cached,
        run_seconds=run_seconds, shared_by=len(points)))
  return runs


def chunk_lengths(total, every):
  """Steps per chunk: `every` each, the last one the remainder."""
  return [min(every, total - start) for start in range(0, total, every)]


def _run_in_chunks(config, model_name, points, devices, cache_dir,
                   checkpoint_dir, on_chunk):
  """The runs as init, chunks of steps, evaluation: three kinds of program.
  Returns (results [N], compile seconds, all cached, run seconds)."""
  phases = train_lib.make_phases(config, model_name)
  keys, hparams = program_inputs(config, points, devices)
  num_pairs = len(keys)
  program = {'batched': batched_fields(points), 'pairs': num_pairs}
  timings = {'compile': 0.0, 'run': 0.0, 'cached': True}

  def compiled(fn, args, num_args, **name):
    fn, seconds, cached = compile_program(
        pair_program(fn, config, devices, num_pairs, num_args), args, config,
        model_name, devices, cache_dir, dict(program, **name))
    timings['compile'] += seconds
    timings['cached'] &= cached
    return fn

  def timed(fn, *args):
    start = time.perf_counter()
    out = jax.block_until_ready(fn(*args))
    timings['run'] += time.perf_counter() - start
    return out

  state = timed(compiled(phases.init, (keys, hparams), 2, phase='init'),
                keys, hparams)
  store = checkpoints.Checkpoints(checkpoint_dir) if checkpoint_dir else None
  saved = store.restore_latest(state) if store else None
  done, losses = 0, []
  if saved:
    done, host_state, loss = saved
    state = shard_inputs(host_state, seed_mesh(devices))
    losses.append(np.asarray(loss))
  programs = {}
  for length in chunk_lengths(config.train.steps - done,
                              config.train.checkpoint_every):
    if length not in programs:
      programs[length] = compiled(
          functools.partial(phases.run_steps, num_steps=length),
          (state, hparams), 2, phase='steps', steps=length)
    start = time.perf_counter()
    state, loss = timed(programs[length], state, hparams)
    losses.append(np.asarray(gather(loss)))
    done += length
    if store:
      store.save(done, gather(state), np.concatenate(losses, axis=1))
    if on_chunk:
      size = len(points) * config.num_repeats
      on_chunk(model_name, points, done, time.perf_counter() - start,
               losses[-1][:size].reshape(len(points), config.num_repeats, -1))
  out = timed(compiled(phases.evaluate, (state,), 1, phase='evaluate'), state)
  out = dict(gather(out), params=gather(state['params']),
             loss=np.concatenate(losses, axis=1))
  return out, timings['compile'], timings['cached'], timings['run']


def run_models(config, cache_dir=None, checkpoint_root=None, on_chunk=None):
  """Runs the repeats of every model in config.models, one model after
  another; with `checkpoint_root`, each checkpoints in a folder of it."""
  return [run_repeats(config, name, cache_dir=cache_dir,
                      checkpoint_dir=_folder(checkpoint_root, name),
                      on_chunk=on_chunk)
          for name in config.models]


def run_grid(config, cache_dir=None, checkpoint_root=None, on_chunk=None):
  """Every point of config.grid: [(point, [ModelRuns per model])], in grid
  order; the points that differ only in batched fields share programs."""
  by_point = {}
  for i, (program_config, points) in enumerate(grid.programs(config)):
    for name in config.models:
      for point, runs in zip(points, run_points(
          program_config, name, points, cache_dir=cache_dir,
          checkpoint_dir=_folder(checkpoint_root, f'{name}-{i}'),
          on_chunk=on_chunk)):
        by_point.setdefault(_point_key(point), []).append(runs)
  return [(point, by_point[_point_key(point)]) for point in grid.points(config)]


def _folder(root, name):
  return os.path.join(root, name) if root else None


def _point_key(point):
  return tuple(sorted(point.items()))
