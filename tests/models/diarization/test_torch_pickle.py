import pickle

import numpy as np
import pytest

from models.diarization.ge2e import resemblyzer_weights_path
from models.diarization.torch_pickle import load_legacy_checkpoint


def test_reads_resemblyzer_weights_as_numpy():
    state = load_legacy_checkpoint(resemblyzer_weights_path())["model_state"]
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["lstm.weight_hh_l2"].shape == (1024, 256)
    assert state["linear.weight"].shape == (256, 256)
    assert all(isinstance(v, np.ndarray) and v.dtype == np.float32 for v in state.values())
    assert np.isfinite(state["lstm.weight_ih_l0"]).all() and state["lstm.weight_ih_l0"].std() > 0.1


def test_strided_and_offset_tensors_match_torch(tmp_path):
    torch = pytest.importorskip("torch", reason="torch (pyannote extra) absent: no legacy writer to compare with")
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    obj = {"t": base.t(), "view": base[1:, 2:], "i": torch.tensor([3, -1], dtype=torch.int64), "n": 7}
    path = tmp_path / "legacy.pt"
    torch.save(obj, path, _use_new_zipfile_serialization=False)
    loaded = load_legacy_checkpoint(path)
    assert loaded["n"] == 7
    for key in ("t", "view", "i"):
        np.testing.assert_array_equal(loaded[key], obj[key].numpy())


def test_rejects_other_files_and_foreign_globals(tmp_path):
    bogus = tmp_path / "bogus.pt"
    bogus.write_bytes(b"PK\x03\x04 not a legacy checkpoint")
    with pytest.raises(ValueError):
        load_legacy_checkpoint(bogus)
    evil = tmp_path / "evil.pt"
    with open(evil, "wb") as f:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(header, f, protocol=2)
        f.write(b"cos\nsystem\n(S'true'\ntR.")  # os.system('true')
    with pytest.raises(pickle.UnpicklingError):
        load_legacy_checkpoint(evil)
