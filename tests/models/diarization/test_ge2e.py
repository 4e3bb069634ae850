import numpy as np
import pytest

from models.diarization.ge2e import (
    HOP,
    N_FFT,
    SpeakerEncoder,
    hz_to_mel,
    mel_filterbank,
    mel_spectrogram,
    mel_to_hz,
    resemblyzer_weights_path,
    volume_gain,
)
from models.types import SAMPLE_RATE


@pytest.fixture(scope="module")
def encoder() -> SpeakerEncoder:
    return SpeakerEncoder()


def test_slaney_mel_scale_hand_values():
    # linear 200/3 Hz per mel below 1 kHz, 27 mels per factor 6.4 above
    np.testing.assert_allclose(hz_to_mel([0.0, 200 / 3, 1000.0, 6400.0]), [0.0, 1.0, 15.0, 42.0], atol=1e-9)
    np.testing.assert_allclose(mel_to_hz(hz_to_mel([123.0, 4567.0])), [123.0, 4567.0])


def test_filterbank_is_slaney_normalised_triangles():
    fb = mel_filterbank()
    assert fb.shape == (40, N_FFT // 2 + 1) and (fb >= 0).all()
    bin_hz = SAMPLE_RATE / N_FFT
    # each triangle has area 1 (height 2 / width); sampling it on 40 Hz bins is within a few %
    np.testing.assert_allclose(fb[5:].sum(axis=1) * bin_hz, 1.0, rtol=0.05)
    peaks = np.argmax(fb, axis=1)
    assert (np.diff(peaks) >= 0).all()


def test_mel_spectrogram_of_a_tone_is_power_in_its_band():
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    freq = 1000.0  # exactly bin 25 of a 400-point FFT at 16 kHz
    mel = mel_spectrogram(np.sin(2 * np.pi * freq * t).astype(np.float32))
    assert mel.shape == (1 + SAMPLE_RATE // HOP, 40)
    fb = mel_filterbank()
    middle = mel[50]
    assert np.argmax(middle) == np.argmax(fb[:, 25])
    # periodic Hann, amplitude 1, tone on bin 25: |X[25]| = N/4 and |X[24]| = |X[26]| = N/8, zero
    # elsewhere; the mel band sums those powers with its filter weights
    band = np.argmax(middle)
    expected = (N_FFT / 4) ** 2 * fb[band, 25] + (N_FFT / 8) ** 2 * (fb[band, 24] + fb[band, 26])
    np.testing.assert_allclose(middle[band], expected, rtol=1e-3)
    # a power spectrogram scales with amplitude squared (no log): volume matters to the encoder
    np.testing.assert_allclose(
        mel_spectrogram((0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32))[50], middle / 4, rtol=1e-4
    )


def test_volume_gain_only_raises_to_minus_30_dbfs():
    assert volume_gain(10 ** (-40 / 10)) == pytest.approx(10 ** (10 / 20))
    assert volume_gain(10 ** (-20 / 10)) == 1.0
    assert volume_gain(0.0) == 1.0


def test_forward_matches_torch_lstm(encoder):
    torch = pytest.importorskip("torch", reason="torch (pyannote extra) absent: no reference LSTM")
    state = torch.load(resemblyzer_weights_path(), map_location="cpu", weights_only=False)["model_state"]
    lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
    linear = torch.nn.Linear(256, 256)
    lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
    linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
    rng = np.random.default_rng(0)
    mels = rng.gamma(0.5, 2.0, size=(3, 80, 40)).astype(np.float32)
    with torch.no_grad():
        _, (hidden, _) = lstm(torch.from_numpy(mels))
        ref = torch.relu(linear(hidden[-1]))
        ref = (ref / ref.norm(dim=1, keepdim=True)).numpy()
    np.testing.assert_allclose(encoder.forward(mels), ref, atol=1e-5)


def test_embeddings_are_unit_norm_and_batch_independent(encoder):
    rng = np.random.default_rng(1)
    mel = rng.gamma(0.5, 2.0, size=(600, 40)).astype(np.float32)
    starts = np.array([0, 75, 150, 300, 450])
    one_batch = encoder.embed_windows(mel, starts, 150)
    small_batches = encoder.embed_windows(mel, starts, 150, batch_size=2)
    np.testing.assert_allclose(np.linalg.norm(one_batch, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(one_batch, small_batches, atol=1e-6)
    assert (one_batch >= 0).all()
