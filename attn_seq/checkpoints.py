"""A sweep's state between chunks, on disk with orbax: each save is atomic
(written under a temporary name, then renamed), and only the latest is kept.
"""

import os

import jax
import orbax.checkpoint as ocp


class Checkpoints:
  """save(step, state, loss) after a chunk; restore_latest(like) to resume."""

  def __init__(self, directory):
    self._manager = ocp.CheckpointManager(
        os.path.abspath(directory),
        options=ocp.CheckpointManagerOptions(
            max_to_keep=1, enable_async_checkpointing=False))

  def save(self, step, state, loss):
    """Saves the state (a tree of NumPy arrays) and the loss so far, after
    `step` steps."""
    tree = {'state': jax.tree.leaves(state), 'loss': loss}
    self._manager.save(step, args=ocp.args.StandardSave(tree))
    self._manager.wait_until_finished()

  def restore_latest(self, like):
    """(step, state shaped as the tree `like`, loss) of the latest save, or
    None when nothing was saved."""
    step = self._manager.latest_step()
    if step is None:
      return None
    tree = self._manager.restore(step, args=ocp.args.StandardRestore())
    state = jax.tree.unflatten(jax.tree.structure(like), tree['state'])
    return step, state, tree['loss']
