"""Fixtures for the diarization tests: a pyannote pipeline directory built locally.

The community-1 weights cannot be downloaded in tests (nor shipped), so the test builds a directory
with the same layout (config.yaml + segmentation/ + embedding/ + plda/) holding randomly
initialised PyanNet and WeSpeakerResNet34 checkpoints and a random PLDA. It exercises loading and
plumbing exactly as an operator's directory would, not accuracy.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

CONFIG = """\
version: 4.0.0
pipeline:
  name: pyannote.audio.pipelines.SpeakerDiarization
  params:
    clustering: VBxClustering
    embedding: $model/embedding
    embedding_batch_size: 8
    embedding_exclude_overlap: true
    plda: $model/plda
    segmentation: $model/segmentation
    segmentation_batch_size: 8
params:
  clustering:
    threshold: 0.6
    Fa: 0.07
    Fb: 0.8
  segmentation:
    min_duration_off: 0.0
"""


def _save_model(model, path: Path) -> None:
    import torch
    from pyannote.audio import __version__

    path.mkdir(parents=True)
    torch.save(
        {
            "state_dict": model.state_dict(),
            "hyper_parameters": dict(model.hparams),
            "pytorch-lightning_version": "2.5.0",
            "pyannote.audio": {
                "versions": {"pyannote.audio": __version__},
                "architecture": {"module": type(model).__module__, "class": type(model).__name__},
                "specifications": model.specifications,
            },
        },
        path / "pytorch_model.bin",
    )


def build_pipeline_dir(root: Path, seed: int = 0) -> Path:
    os.environ.update({"HF_HUB_OFFLINE": "1", "PYANNOTE_METRICS_ENABLED": "false"})
    import torch
    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.embedding import WeSpeakerResNet34
    from pyannote.audio.models.segmentation import PyanNet

    torch.manual_seed(seed)
    segmentation = PyanNet()
    segmentation.specifications = Specifications(
        problem=Problem.MONO_LABEL_CLASSIFICATION,
        resolution=Resolution.FRAME,
        duration=10.0,
        classes=["speaker#1", "speaker#2", "speaker#3"],
        powerset_max_classes=2,
        permutation_invariant=True,
    )
    segmentation.build()
    _save_model(segmentation, root / "segmentation")

    embedding = WeSpeakerResNet34()
    embedding.specifications = Specifications(
        problem=Problem.REPRESENTATION, resolution=Resolution.CHUNK, duration=10.0
    )
    _save_model(embedding, root / "embedding")

    rng = np.random.default_rng(seed)
    dim, lda_dim = 256, 128
    (root / "plda").mkdir()
    np.savez(
        root / "plda" / "xvec_transform.npz",
        mean1=rng.normal(size=dim) * 0.01,
        mean2=rng.normal(size=lda_dim) * 0.01,
        lda=np.linalg.qr(rng.normal(size=(dim, dim)))[0][:, :lda_dim],
    )
    np.savez(
        root / "plda" / "plda.npz",
        mu=np.zeros(lda_dim),
        tr=np.linalg.qr(rng.normal(size=(lda_dim, lda_dim)))[0],
        psi=np.linspace(2.0, 0.1, lda_dim),
    )
    (root / "config.yaml").write_text(CONFIG)
    return root


@pytest.fixture(scope="session")
def pyannote_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not os.environ.get("CI"):  # in CI the extra is installed (make test): a skip would hide breakage
        pytest.importorskip("pyannote.audio", reason="optional extra: make install-pyannote")
    return build_pipeline_dir(tmp_path_factory.mktemp("pyannote-pipeline"))
