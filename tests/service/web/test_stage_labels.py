"""The job stages' Japanese names come from one Python list (``models.pipeline.STAGE_LABELS``,
wrapped by ``service.jobs.states.JOB_STAGE_LABELS``) and reach every page as ``data-stage-labels``
on ``<body>``, for the scripts to read instead of keeping a copy."""

from __future__ import annotations

import json
import re
from html import unescape

from models.pipeline import STAGE_LABELS, STAGES
from service.jobs.states import JOB_STAGE_LABELS


def test_every_page_carries_the_stage_names_in_order(client) -> None:
    html = client.get("/login").text
    match = re.search(r"<body[^>]* data-stage-labels='([^']*)'", html)
    assert match, "no data-stage-labels on <body>"
    served = json.loads(unescape(match.group(1)))
    assert served == [[stage, label] for stage, label in JOB_STAGE_LABELS.items()]
    assert [stage for stage, _ in served] == ["", *STAGES, "done"]
    assert dict(served)["transcribe"] == STAGE_LABELS["transcribe"] == "文字起こし"
