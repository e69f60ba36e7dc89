"""Independent NumPy transcriptions of the equations, for equivalence tests."""

import numpy as np


def sigmoid(x):
  return 1.0 / (1.0 + np.exp(-x))


def softmax(x):
  e = np.exp(x - x.max(axis=-1, keepdims=True))
  return e / e.sum(axis=-1, keepdims=True)


def lstm(params, x_TxD, gate=sigmoid):
  """Keras LSTM, one sequence, gates [i, f, c, o]; returns h_TxN."""
  kernel, recurrent, bias = (params['kernel'], params['recurrent_kernel'],
                             params['bias'])
  n = recurrent.shape[0]
  h, c, outs = np.zeros(n), np.zeros(n), []
  for x in x_TxD:
    z = x @ kernel + h @ recurrent + bias
    i, f, g, o = z[:n], z[n:2 * n], z[2 * n:3 * n], z[3 * n:]
    c = gate(f) * c + gate(i) * np.tanh(g)
    h = gate(o) * np.tanh(c)
    outs.append(h)
  return np.stack(outs)


def attention_decoder(params, h_TxD, new_state=False):
  """The AttentionDecoder equations, one sequence, a loop over steps.

  Returns (y_TxK, a_TxT).
  """
  P = {**{k: np.asarray(v, np.float64) for k, v in params['step'].items()},
       **{k: np.asarray(v, np.float64) for k, v in params.items()
          if k != 'step'}}
  h = np.asarray(h_TxD, np.float64)
  T = h.shape[0]
  uh = h @ P['U_a'] + P['b_a']
  s = np.tanh(h[0] @ P['W_s'])
  y = np.zeros(P['b_o'].shape[0])
  ys, attns = [], []
  for _ in range(T):
    e = np.array([np.tanh(s @ P['W_a'] + uh[j]) @ P['V_a'] for j in range(T)])
    a = softmax(e)
    c = sum(a[j] * h[j] for j in range(T))
    r = sigmoid(y @ P['W_r'] + s @ P['U_r'] + c @ P['C_r'] + P['b_r'])
    z = sigmoid(y @ P['W_z'] + s @ P['U_z'] + c @ P['C_z'] + P['b_z'])
    p = np.tanh(y @ P['W_p'] + (r * s) @ P['U_p'] + c @ P['C_p'] + P['b_p'])
    s_new = (1 - z) * s + z * p
    s_out = s_new if new_state else s
    y = softmax(y @ P['W_o'] + s_out @ P['U_o'] + c @ P['C_o'] + P['b_o'])
    s = s_new
    ys.append(y)
    attns.append(a)
  return np.stack(ys), np.stack(attns)
