"""The tables of a return, built once from the figures and written by the PDF and the
Excel outputs alike (numbers stay numbers; each output formats them its own way)."""

from __future__ import annotations

from dataclasses import dataclass, field

from chqs.text import format_rate


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    wide: bool = False  # needs a landscape page
    # Columns holding a rate text ("95,87%"): right-aligned, never summed.
    rate_columns: set[int] = field(default_factory=set)


def _counts(key: str, title: str, header: str, items: list[dict], value: str = "count") -> Table:
    rows = [[i + 1, item["name"], item[value]] for i, item in enumerate(items)]
    return Table(
        key,
        title,
        ["STT", header, "Số lượng"],
        rows,
        total=["", "Cộng", sum(item[value] for item in items)],
    )


def build_tables(figures: dict) -> list[Table]:
    m, b = figures["members"], figures["boards"]
    tables = [
        Table(
            "summary",
            "Tổng hợp chung",
            ["STT", "Chỉ tiêu", "Số lượng"],
            [
                [1, "Cơ quan, tổ chức", figures["agencies"]["total"]],
                [2, "Ban CHQS đã thành lập", b["total"]],
                [3, "Ban CHQS đủ thành phần", b["complete"]],
                [4, "Vị trí Ban CHQS còn thiếu", b["vacant_positions"]],
                [5, "Đơn vị tự vệ", figures["formations"]["total"]],
                [6, "Quân số tự vệ", m["total"]],
                [7, "Trong đó: nữ", m["female"]],
                [8, "Đảng viên", m["party"]],
                [9, "Đoàn viên", m["youth_union"]],
                [10, "Tổng số CBCNV", figures["staff_share"]["staff"]],
                [11, "Tỷ lệ tự vệ/CBCNV", figures["staff_share"]["rate_text"]],
                [12, "Kết nạp mới trong kỳ", m["joined"]],
                [13, "Ra khỏi lực lượng trong kỳ", m["left"]],
                [14, "Hết thời hạn trong 90 ngày tới", m["terms_ending"]],
                [15, "Lượt trực", figures["duty"]["turns"]],
                [16, "Ngày công trực", figures["duty"]["man_days"]],
            ],
            rate_columns={2},
        ),
        _counts("by_kind", "Quân số theo thành phần", "Thành phần", m["by_kind"]),
        _counts("by_age", "Quân số theo độ tuổi", "Độ tuổi", m["by_age_band"]),
        _counts("by_position", "Quân số theo chức vụ", "Chức vụ", m["by_position"]),
        _counts(
            "vacant", "Vị trí Ban CHQS còn thiếu", "Chức vụ", b["vacant_by_position"], "vacant"
        ),
    ]
    if m["left_by_reason"]:
        tables.append(_counts("left", "Ra khỏi lực lượng theo lý do", "Lý do", m["left_by_reason"]))
    duty = figures["duty"]
    if duty["by_kind"]:
        tables.append(
            Table(
                "duty",
                "Trực sẵn sàng chiến đấu theo loại",
                ["STT", "Loại trực", "Lượt trực", "Ngày công"],
                [
                    [i + 1, k["name"], k["turns"], k["man_days"]]
                    for i, k in enumerate(duty["by_kind"])
                ],
                total=["", "Cộng", duty["turns"], duty["man_days"]],
            )
        )
    training = figures["training"]
    if training["by_audience"]:
        t = training["total"]
        tables.append(
            Table(
                "training",
                "Huấn luyện, tập huấn theo đối tượng",
                ["STT", "Đối tượng", "Chỉ tiêu", "Tham gia", "Tỷ lệ", "Đạt yêu cầu", "Khá, giỏi"],
                [
                    [
                        i + 1,
                        a["name"],
                        a["quota"],
                        a["attended"],
                        a["rate_text"],
                        a.get("passed", 0),
                        a.get("good_or_excellent", 0),
                    ]
                    for i, a in enumerate(training["by_audience"])
                ],
                total=["", "Cộng", t["quota"], t["attended"], t["rate_text"], "", ""],
                rate_columns={4},
            )
        )
    rows = figures["rows"]
    tables.append(
        Table(
            "agencies",
            "Số liệu theo cơ quan, tổ chức",
            [
                "STT",
                "Cơ quan, tổ chức",
                "Ban CHQS",
                "Vị trí thiếu",
                "CBCNV",
                "Quân số",
                "Nữ",
                "Đảng viên",
                "Đoàn viên",
                "Lượt trực",
                "Ngày công",
                "Chỉ tiêu HL",
                "Tham gia HL",
                "Tỷ lệ HL",
            ],  # fmt: skip
            [
                [
                    i + 1,
                    r["name"],
                    "Có" if r["board"] else "Chưa",
                    r["vacant_positions"] or 0,
                    r["staff"],
                    r["members"],
                    r["female"],
                    r["party"],
                    r["youth_union"],
                    r["duty_turns"],
                    r["man_days"],
                    r["training_quota"],
                    r["training_attended"],
                    r["rate_text"],
                ]  # fmt: skip
                for i, r in enumerate(rows)
            ],
            total=[
                "",
                "Cộng",
                sum(r["board"] for r in rows),
                sum(r["vacant_positions"] or 0 for r in rows),
                *(
                    sum(r[k] for r in rows)
                    for k in (
                        "staff",
                        "members",
                        "female",
                        "party",
                        "youth_union",
                        "duty_turns",
                        "man_days",
                        "training_quota",
                        "training_attended",
                    )
                ),
                format_rate(
                    sum(r["training_attended"] for r in rows),
                    sum(r["training_quota"] for r in rows),
                ),
            ],  # fmt: skip
            wide=True,
            rate_columns={13},
        )
    )
    return tables
