"""The survey's answer choices and their Japanese labels (the form, the API and the KPIs use these;
``service.db.models.Survey`` stores the values)."""

from __future__ import annotations

import enum


class Satisfaction(enum.StrEnum):
    very_satisfied = "very_satisfied"
    satisfied = "satisfied"
    neutral = "neutral"
    dissatisfied = "dissatisfied"
    very_dissatisfied = "very_dissatisfied"


SATISFACTION_LABELS: dict[Satisfaction, str] = {
    Satisfaction.very_satisfied: "大変満足",
    Satisfaction.satisfied: "満足",
    Satisfaction.neutral: "どちらともいえない",
    Satisfaction.dissatisfied: "不満",
    Satisfaction.very_dissatisfied: "大変不満",
}
SATISFIED = frozenset({Satisfaction.very_satisfied, Satisfaction.satisfied})


class ContinuedUse(enum.StrEnum):
    yes = "yes"
    no = "no"
    unsure = "unsure"


CONTINUED_USE_LABELS: dict[ContinuedUse, str] = {
    ContinuedUse.yes: "はい",
    ContinuedUse.no: "いいえ",
    ContinuedUse.unsure: "わからない",
}
