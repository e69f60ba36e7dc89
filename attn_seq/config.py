"""The default experiment: every field that configs/*.py and the command line set."""

import ml_collections


def get_config():
  """The tutorial's protocol, both models, one repeat."""
  config = ml_collections.ConfigDict()
  config.models = ('baseline', 'attention')
  config.num_repeats = 1
  config.seed = 0
  # Repeats vmapped together on a device, the batches run one after another;
  # 0 = auto: all at once on GPU/TPU, one at a time on CPU.
  config.repeats_per_batch = 0
  # XLA's LLVM optimization level on CPU: 1 compiles ~30-40% faster than the
  # default (3) at the same step time (measured on 2 cores); -1 = XLA default.
  config.cpu_optimization_level = 1

  config.task = ml_collections.ConfigDict()
  config.task.n_in = 5
  config.task.n_out = 2
  config.task.cardinality = 50
  # Output steps: 0 = n_in (the tutorial: outputs as long as the inputs, the
  # last n_in - n_out of them zeros); n_out = exactly the echoed integers.
  config.task.decoder_steps = 0

  config.model = ml_collections.ConfigDict()
  config.model.units = 150
  # Keras 2.0-era LSTMs used 'hard_sigmoid' gates; today's Keras uses 'sigmoid'.
  config.model.gate_activation = 'sigmoid'
  # 'bahdanau': y_t from s_{t-1} (faithful); 'bahdanau_new_state': from s_t;
  # 'luong_dot', 'luong_general': Luong et al.'s scores (attention.py).
  config.model.attention = 'bahdanau'
  # True: while training, the attention decoder's y_{t-1} is the one-hot
  # target of step t-1 (teacher forcing); evaluation always feeds back its own
  # outputs. The baseline's decoder has no y_{t-1}, so this leaves it alone.
  config.model.teacher_forcing = False
  # Time steps per iteration of the inner scans (a speed knob; 0 = all). 1
  # compiles ~15% faster than 0 at the same step time (measured on 2 cores).
  config.model.unroll = 1

  config.train = ml_collections.ConfigDict()
  config.train.steps = 5000
  # Steps per chunk: after each, the sweep's state is checkpointed in the
  # workdir (a rerun resumes there) and a progress line printed; 0 = the whole
  # run as one program (no checkpoints, no progress lines).
  config.train.checkpoint_every = 1000
  # Pairs per Adam step (the tutorial: 1).
  config.train.batch_size = 1
  # Adam as optax defines it: eps is added to sqrt(v_hat) after bias
  # correction (Keras 2.0 added it before; it only matters in the first steps).
  config.train.learning_rate = 1e-3
  config.train.b1 = 0.9
  config.train.b2 = 0.999
  config.train.eps = 1e-8

  config.eval = ml_collections.ConfigDict()
  config.eval.num_pairs = 100
  config.eval.num_examples = 10

  # Axes of a grid of experiments, e.g. (('train.learning_rate', (1e-3, 3e-3)),
  # ('task.n_in,task.n_out', ((5, 2), (10, 4)))); () = one experiment. The
  # syntax and what shares a program: grid.py and the README.
  config.grid = ()
  return config
