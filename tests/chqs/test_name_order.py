"""The Vietnamese order of people's names (chqs.text.name_sort_key): given name, middle
names, family name, in the Vietnamese alphabet, tones breaking ties only."""

import random
import unicodedata

import pytest

from chqs.text import _word_key_slow, name_sort_key


def in_order(names: list[str]) -> list[str]:
    return sorted(names, key=name_sort_key)


def test_people_are_listed_by_given_name_then_middle_names_then_family_name():
    expected = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Đỗ Thị Dung",
        "Đặng Văn Dũng",  # D before Đ: Dũng before Đông, although Đặng is after Dương
        "Dương Văn Đông",
        "Lê Thị Hoa",
        "Lê Văn Hoa",  # same given name: the middle name decides (Thị before Văn)
        "Phạm Văn Hoa",  # same given and middle names: the family name decides
        "Bùi Minh Tuấn",
    ]
    assert in_order(list(reversed(expected))) == expected
    assert in_order(random.Random(3).sample(expected, len(expected))) == expected


def test_the_family_name_alone_does_not_group_people():
    names = ["Nguyễn Văn Toàn", "Nguyễn Thị Hà", "Trần Văn Hải", "Nguyễn Văn Bình"]
    assert in_order(names) == ["Nguyễn Văn Bình", "Nguyễn Thị Hà", "Trần Văn Hải",
                               "Nguyễn Văn Toàn"]  # fmt: skip


@pytest.mark.parametrize(
    "words",
    [
        ["An", "Ăn", "Ân", "Bình"],  # a ă â b
        ["Cúc", "Dung", "Đào", "Em"],  # c d đ e
        ["Em", "Ên", "Giang"],  # e ê g
        ["Long", "Lộc", "Lợi", "Minh"],  # o ô ơ, whatever the tones
        ["Hùng", "Huy", "Hưng"],  # u before ư: "Huy" before "Hưng", "Hùng" (huyền) too
        ["Yên", "Yến"],  # y last
        ["Vân", "Wang", "Xuân", "Yên", "Zin"],  # w and z of minority and foreign names
        ["Hiếu", "Jen", "Khoa"],
        ["Ên", "Fanny", "Giao"],
    ],
)
def test_letters_follow_the_vietnamese_alphabet(words):
    names = [f"Nguyễn Văn {word}" for word in words]
    assert in_order(list(reversed(names))) == names


def test_tones_break_ties_between_words_of_the_same_letters_in_their_order():
    # ngang, huyền, hỏi, ngã, sắc, nặng — as a Vietnamese dictionary lists them
    assert in_order(["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"]) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]
    # Only ties: the letters first ("Ma" before "Mác", "Mạ" before "Mác").
    assert in_order(["Mác", "Mạ", "Ma"]) == ["Ma", "Mạ", "Mác"]


def test_a_tone_decides_at_its_word_before_the_next_word_is_looked_at():
    # Every "Anh" before the first "Ánh", whatever their middle and family names.
    names = ["Lê Thị Ánh", "Trần Thị Anh", "Nguyễn Văn Anh", "Bùi Thị Ánh"]
    assert in_order(names) == ["Trần Thị Anh", "Nguyễn Văn Anh", "Bùi Thị Ánh", "Lê Thị Ánh"]


def test_a_shorter_word_comes_before_a_longer_one_it_begins():
    assert in_order(["Nguyễn Văn Anh", "Nguyễn Văn Ân", "Nguyễn Văn An"]) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
        "Nguyễn Văn Ân",
    ]


def test_fewer_middle_names_come_first_among_the_same_given_name():
    names = ["Trần Văn An", "Lê An", "Nguyễn Bá An", "Nguyễn Văn Minh An", "Nguyễn Văn An"]
    assert in_order(names) == [
        "Lê An",  # no middle name
        "Nguyễn Bá An",
        "Nguyễn Văn An",
        "Trần Văn An",
        "Nguyễn Văn Minh An",  # "Văn" then "Minh": after "Văn" alone
    ]


def test_thi_is_a_middle_name_like_any_other():
    names = ["Nguyễn Thị Thu Trang", "Nguyễn Thị Bích", "Trần Văn Thị", "Lê Thị Trang"]
    assert in_order(names) == [
        "Nguyễn Thị Bích",
        "Trần Văn Thị",  # a given name "Thị" is sorted under T
        "Lê Thị Trang",
        "Nguyễn Thị Thu Trang",
    ]


def test_a_one_word_name_comes_first_among_its_given_name():
    assert in_order(["Lê Bình", "Bình", "Bính", "An"]) == ["An", "Bình", "Lê Bình", "Bính"]
    assert name_sort_key("Bình") < name_sort_key("Đinh Bình")


@pytest.mark.parametrize(
    "typed",
    [
        "NGUYỄN VĂN AN",
        "nguyễn văn an",
        "  Nguyễn   Văn\tAn ",
        "Nguyễn\u00a0Văn An",  # a no-break space pasted from a document
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
        unicodedata.normalize("NFD", "NGUYỄN VĂN AN"),
        "Nguye\u0303\u0302n Va\u0306n An",  # marks in the other order
    ],
)
def test_case_spaces_and_decomposed_letters_make_no_difference(typed):
    assert name_sort_key(typed) == name_sort_key("Nguyễn Văn An")


def test_d_with_stroke_in_either_case_and_its_look_alike_are_one_letter():
    assert name_sort_key("ĐẶNG VĂN ĐÔNG") == name_sort_key("đặng văn đông")
    assert name_sort_key("Ðặng Văn Ðông") == name_sort_key("Đặng Văn Đông")  # U+00D0
    assert name_sort_key("Đông") > name_sort_key("Dương")


def test_the_old_and_the_new_tone_placement_are_the_same_name():
    assert name_sort_key("Lê Văn Hoà") == name_sort_key("Lê Văn Hòa")
    assert name_sort_key("Trần Thị Thuỷ") == name_sort_key("Trần Thị Thủy")


def test_punctuation_in_a_name_is_not_a_letter():
    assert name_sort_key("Nay H'Hen") == name_sort_key("Nay HHen")
    assert in_order(["Ksor H'Nhi", "Nay H'Hen", "Rơ Châm Hương"]) == [
        "Nay H'Hen",
        "Ksor H'Nhi",
        "Rơ Châm Hương",
    ]
    assert name_sort_key("Nguyễn Văn An -") == name_sort_key("Nguyễn Văn An")


def test_digits_come_before_letters_and_other_scripts_after():
    assert in_order(["Người B", "Người 2", "Người 10", "Người 李"]) == [
        "Người 10",  # a digit at a time, as every list of names sorts digits
        "Người 2",
        "Người B",
        "Người 李",
    ]


def test_no_name_has_the_empty_key_and_sorts_first():
    assert name_sort_key("") == name_sort_key(None) == name_sort_key("  ") == ""
    assert name_sort_key("'") == ""
    assert name_sort_key("A") > ""


def test_the_key_is_ascii_digits_only_so_any_collation_orders_it_bytewise():
    rng = random.Random(7)
    for name in _random_names(rng, 300):
        key = name_sort_key(name)
        assert key.isascii() and key.isdigit() and len(key) % 2 == 0
    longest = " ".join(["Nguyễn"] * 17) + " Á"  # 120 characters, as long as a name may be
    assert len(longest) == 120 and len(name_sort_key(longest)) <= 400


def test_every_precomposed_letter_gets_the_key_of_its_decomposed_form():
    # The fast path (translate tables of precomposed letters) and the general one agree.
    for code in range(0x00C0, 0x1F00):
        ch = chr(code).lower()
        if not ch.isalpha() or unicodedata.normalize("NFC", ch) != ch:
            continue
        word = f"b{ch}n"
        assert name_sort_key(word) == _word_key_slow(word) + "0000", ch


# An independent statement of the rule: tuples compared by Python, not digit strings.
ALPHABET = "a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split()
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
QUALITY = {"\u0306": {"a": "ă"}, "\u0302": {"a": "â", "e": "ê", "o": "ô"},
           "\u031b": {"o": "ơ", "u": "ư"}}  # fmt: skip


def reference_key(name: str) -> tuple:
    def word(w: str) -> tuple:
        letters, tone = [], 0
        for ch in unicodedata.normalize("NFD", w.lower()):
            if ch in TONES[1:]:
                tone = tone or TONES.index(ch)
            elif ch in QUALITY:
                letters[-1] = QUALITY[ch][letters[-1]]
            else:
                letters.append(ch)
        return (tuple(ALPHABET.index(c) for c in letters), tone)

    words = [word(w) for w in name.split()]
    family = words[0] if len(words) > 1 else ((), -1)
    return (words[-1], tuple(words[1:-1]), family)


def _random_names(rng: random.Random, count: int) -> list[str]:
    syllables = (
        "Nguyễn Trần Lê Phạm Huỳnh Hoàng Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Văn Thị "
        "Hữu Đức Minh Ngọc Thu Kim An Ân Anh Ánh Ảnh Bình Bính Cường Dũng Dung Đông Đồng "
        "Hà Hạ Hải Hùng Hưng Huy Hoa Hòa Hóa Hỏa Long Lộc Lợi Mai Tuấn Tư Tứ Tự Ưng Ửng "
        "Yến Yên Ý Ơn Ôn On Ăn Âu Au Oanh Uyên Ưu"
    ).split()
    names = []
    for _ in range(count):
        name = " ".join(rng.choice(syllables) for _ in range(rng.choice([1, 2, 3, 3, 4, 5])))
        if rng.random() < 0.3:
            name = name.upper()
        if rng.random() < 0.3:
            name = unicodedata.normalize("NFD", name)
        names.append(name)
    return names


def test_the_key_orders_random_names_as_the_rule_says():
    names = _random_names(random.Random(11), 2000)
    by_key = sorted(names, key=lambda n: (name_sort_key(n), n))
    by_rule = sorted(names, key=lambda n: (reference_key(n), n))
    assert by_key == by_rule
