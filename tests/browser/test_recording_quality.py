"""The meeting page shows the recording-quality grade and the Japanese advice for a degraded
upload (issue 12, item 5): a reverberant, noisy recording made from the meeting fixture is uploaded
through the form and run by the live server's pipeline (the real one by default)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from recording_conditions import add_noise, reverberate, speech, wav_bytes

from models.quality import ADVICE
from models.types import SAMPLE_RATE
from service.db.models import Role

pytestmark = pytest.mark.browser


def _upload(page: Page, live_server, login, user: str, recording: Path, title: str) -> None:
    """A new staff member of 総務課 uploads ``recording`` through the form and lands on its meeting page."""
    live_server.create_user(user, Role.staff, "総務課")
    login(page, user)
    page.goto("/upload")
    page.locator("#file").set_input_files(recording)
    page.locator("#title").fill(title)
    page.get_by_role("button", name="アップロードして文字起こしを開始").click()
    page.wait_for_url("**/meetings/*", timeout=60_000)


def test_degraded_upload_shows_grade_and_advice(
    page: Page, live_server, login, screenshots_dir: Path, tmp_path: Path
) -> None:
    recording = tmp_path / "far_room.wav"  # T60 1 s room, pink noise 12 dB below the speech
    recording.write_bytes(wav_bytes(add_noise(reverberate(speech(), 1.0), 12, "pink")))
    _upload(page, live_server, login, "quality1", recording, "令和7年 第2回 文教委員会（後方の録音機）")
    card = page.get_by_role("region", name="録音品質")
    expect(card).to_be_hidden()  # nothing is measured before the run
    expect(page.locator("#job-badge")).to_have_text("完了", timeout=300_000)

    expect(card).to_be_visible()
    expect(card.locator("#quality-grade")).to_have_text("要改善")
    expect(card.locator("#quality-advice li")).to_have_count(2)  # both major: the noise first, then the room
    for advice in (ADVICE["reverb"], ADVICE["noise"]):
        expect(card.locator("#quality-advice")).to_contain_text(advice)
    expect(card).to_contain_text("マイクを発言者の近くに置くと精度が上がります")
    figures = card.locator("#quality-figures")
    for label in ("発言の音量", "SN比（雑音との差）", "残響時間（推定）", "音割れ", "音声の帯域"):
        expect(figures).to_contain_text(label)
    expect(figures).to_contain_text("秒")
    page.screenshot(path=screenshots_dir / "meeting-quality-1366.png", full_page=True)
    card.scroll_into_view_if_needed()
    page.screenshot(path=screenshots_dir / "meeting-quality-card-1366.png")

    page.reload()  # the same card from the meeting API after a reload
    expect(card.locator("#quality-grade")).to_have_text("要改善")


def test_a_recording_without_speech_fails_with_the_quality_advice(
    page: Page, live_server, login, screenshots_dir: Path, tmp_path: Path
) -> None:
    """A recorder that caught only a faint hiss: the job fails, and the clerk is told why and what to
    change (the failed job keeps the quality it measured)."""
    recording = tmp_path / "hiss.wav"
    recording.write_bytes(wav_bytes(np.random.default_rng(0).normal(0.0, 0.01, 5 * SAMPLE_RATE)))
    _upload(page, live_server, login, "quality2", recording, "令和7年 第3回 総務委員会（録音機の電源のみ）")
    expect(page.locator("#job-badge")).to_have_text("失敗", timeout=300_000)
    expect(page.locator("#job-error")).to_contain_text("音声から発言を検出できませんでした。")
    expect(page.locator("#job-error")).to_contain_text(ADVICE["noise"])
    card = page.get_by_role("region", name="録音品質")
    expect(card).to_be_visible()
    expect(card.locator("#quality-grade")).to_have_text("要改善")
    expect(card.locator("#quality-advice")).to_contain_text(ADVICE["quiet"])
    page.screenshot(path=screenshots_dir / "meeting-no-speech-quality-1366.png", full_page=True)
