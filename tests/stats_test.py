import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from attn_seq import report
from attn_seq import stats
from attn_seq.sweep import ModelRuns
from tests.train_test import load_test_config


def test_describe_t_interval():
  d = stats.describe([1.0, 2.0, 3.0, 4.0, 5.0])
  assert d['n'] == 5 and d['mean'] == 3.0
  assert d['std'] == pytest.approx(math.sqrt(2.5))
  half = 2.7764451 * math.sqrt(2.5) / math.sqrt(5)  # t_{0.975, 4}
  assert (d['ci_low'], d['ci_high']) == pytest.approx((3 - half, 3 + half))


def test_describe_one_value_has_no_interval():
  d = stats.describe([42.0])
  assert d['std'] == 0.0 and math.isnan(d['ci_low'])


def test_welch_matches_an_independent_implementation():
  rng = np.random.default_rng(0)
  a, b = rng.normal(20, 6, size=10), rng.normal(96, 2.5, size=7)
  w = stats.welch(a, b)
  ref = scipy_stats.ttest_ind(b, a, equal_var=False)
  assert w['t'] == pytest.approx(ref.statistic)
  assert w['p'] == pytest.approx(ref.pvalue)
  assert w['difference'] == pytest.approx(b.mean() - a.mean())
  assert w['ci_low'] < w['difference'] < w['ci_high']
  # The CI excludes 0 exactly when p < 0.05.
  assert (w['ci_low'] > 0) == (w['p'] < 0.05)


def test_welch_undefined_without_spread():
  assert math.isnan(stats.welch([1.0], [2.0, 3.0])['p'])
  assert math.isnan(stats.welch([1.0, 1.0], [2.0, 2.0])['p'])


def fake_runs(accuracies, losses=None):
  losses = losses or {}
  return [ModelRuns(model=name, accuracy=np.asarray(acc),
                    loss=np.asarray(losses.get(name, np.zeros((len(acc), 3)))),
                    examples={}, params={}, compile_seconds=1.0,
                    compile_cached=False, run_seconds=1.0)
          for name, acc in accuracies.items()]


def test_a_diverged_repeat_is_left_out_of_the_statistics():
  nan = float('nan')
  runs = fake_runs({'baseline': [20.0, 0.0, 30.0]},
                   {'baseline': [[1.0, 0.5, 0.4], [1.0, nan, nan], [1.0, 0.6, 0.3]]})
  assert runs[0].diverged == {1: 1}
  assert report.summary(runs[0])[0] == 25.0
  text = report.markdown(load_test_config(), runs)
  assert '| baseline | 2 | 25.00 |' in text
  assert 'baseline repeat 1 (from step 1)' in text


def test_markdown_report_has_ci_and_test_beside_the_tutorial():
  config = load_test_config()
  runs = fake_runs({'baseline': [20.0, 25.0, 18.0], 'attention': [96.0, 97.0, 95.0]})
  text = report.markdown(config, runs)
  assert '| baseline | 3 | 21.00 |' in text and '23.10' in text and '95.70' in text
  assert "Welch's t-test" in text and '| attention - baseline | 75.00 |' in text
  ci = stats.describe([20.0, 25.0, 18.0])
  assert f'[{ci["ci_low"]:.2f}, {ci["ci_high"]:.2f}]' in text
