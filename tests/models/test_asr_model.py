import time
from pathlib import Path

import pytest

from models.asr_model import EMBEDDED_SIZE, choose_device, prepare_embedded_model, resolve_model_dir
from models.errors import GijirokuError


def test_embedded_model_is_joined_once_into_the_cache(tmp_path: Path) -> None:
    target = prepare_embedded_model(tmp_path)
    model_bin = target / "model.bin"
    assert model_bin.stat().st_size == EMBEDDED_SIZE
    assert {p.name for p in target.iterdir()} == {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"}
    mtime = model_bin.stat().st_mtime_ns
    assert prepare_embedded_model(tmp_path) == target
    assert model_bin.stat().st_mtime_ns == mtime  # not rewritten


def test_a_truncated_cached_model_is_rebuilt(tmp_path: Path) -> None:
    target = prepare_embedded_model(tmp_path)
    (target / "model.bin").write_bytes(b"partial")
    prepare_embedded_model(tmp_path)
    assert (target / "model.bin").stat().st_size == EMBEDDED_SIZE


def test_a_model_path_without_files_fails_at_once_with_what_to_do(tmp_path: Path) -> None:
    started = time.monotonic()
    with pytest.raises(GijirokuError) as err:
        resolve_model_dir(tmp_path / "large-v3", tmp_path)
    assert time.monotonic() - started < 1.0
    assert err.value.code == "model_not_found"
    assert "GIJIROKU_MODEL_PATH" in err.value.ja and "GIJIROKU_MODEL_PATH" in err.value.en


def test_a_hub_name_is_not_downloaded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GijirokuError):
        resolve_model_dir(Path("large-v3"), tmp_path)


def test_auto_device_is_cpu_int8_without_a_gpu() -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        assert choose_device() == choose_device("cuda", "float16")
    else:
        choice = choose_device()
        assert (choice.device, choice.compute_type) == ("cpu", "int8")
    assert choose_device("cpu", "float32").compute_type == "float32"
