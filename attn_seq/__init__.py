"""attn_seq: LSTM encoder-decoders with and without Bahdanau attention, in JAX/Flax."""
