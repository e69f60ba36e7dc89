import pytest

from attn_seq import config as config_lib
from attn_seq import workdirs


def test_new_then_resume_then_finished(tmp_path):
  config = config_lib.get_config()
  workdir = str(tmp_path / 'w')
  assert workdirs.prepare(config, workdir) == 'new'
  assert (tmp_path / 'w' / 'config.json').exists()
  assert workdirs.prepare(config, workdir) == 'resume'
  (tmp_path / 'w' / 'results.json').write_text('{}')
  assert workdirs.prepare(config, workdir) == 'finished'


def test_another_config_is_refused_unless_overwrite(tmp_path):
  config = config_lib.get_config()
  workdir = str(tmp_path / 'w')
  workdirs.prepare(config, workdir)
  (tmp_path / 'w' / 'results.json').write_text('{}')
  other = config_lib.get_config()
  other.task.n_in = 7
  with pytest.raises(workdirs.WorkdirError,
                     match='config.task.n_in was 5, now 7.*--overwrite'):
    workdirs.prepare(other, workdir)
  assert workdirs.prepare(other, workdir, overwrite=True) == 'new'
  assert not (tmp_path / 'w' / 'results.json').exists()
  assert workdirs.prepare(other, workdir) == 'resume'


def test_a_folder_of_other_files_is_refused(tmp_path):
  (tmp_path / 'notes.txt').write_text('mine')
  with pytest.raises(workdirs.WorkdirError, match='not empty'):
    workdirs.prepare(config_lib.get_config(), str(tmp_path))
  assert (tmp_path / 'notes.txt').exists()
