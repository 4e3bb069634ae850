import json

from exporters import render
from exporters.header import format_clock
from models.types import Minutes


def test_text_has_header_then_one_line_per_turn(minutes: Minutes) -> None:
    lines = render(minutes, "txt").decode("utf-8").splitlines()
    assert lines[:6] == [
        "総務委員会 会議録",
        "",
        "日時　令和6年11月22日（金） 午前10時00分",
        "場所　第1委員会室",
        "出席者　委員長 山田、委員 鈴木",
        "議題　共通プラットフォームへの移行について",
    ]
    speech = [line for line in lines if line.startswith("○")]
    assert speech[0] == "○委員長（山田）　ただいまから開会いたします。"
    assert speech[1].startswith("○教育長（高橋）　町内の児童数は")
    assert speech[2] == "○委員長（山田）　ありがとうございました。"


def test_text_verbatim_keeps_fillers(minutes: Minutes) -> None:
    text = render(minutes, "txt", clean=False).decode("utf-8")
    assert "○委員長（山田）　えー、ただいまから開会いたします。" in text


def test_clock_times_are_written_as_minutes_write_them() -> None:
    assert format_clock("9:05") == "午前9時05分"
    assert format_clock("12:00") == "午後0時00分"
    assert format_clock("13:30") == "午後1時30分"
    assert format_clock("午前十時") == "午前十時"  # free text is printed as typed


def test_json_is_to_dict_with_readable_japanese(minutes: Minutes) -> None:
    data = render(minutes, "json")
    assert json.loads(data) == minutes.to_dict()
    assert "委員長（山田）" in data.decode("utf-8")  # ensure_ascii=False
    assert Minutes.from_dict(json.loads(data)).to_dict() == minutes.to_dict()
