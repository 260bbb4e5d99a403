"""Text typed in the pre-Unicode Vietnamese encodings, turned back into Unicode.

Older offices typed lists in TCVN3 (ABC, fonts ".VnTime") or VNI-Windows (fonts
"VNI-Times"). Excel stores those keystrokes as Latin-1 letters, so a name shows as
"NguyÔn V¨n An" (TCVN3) or "Nguyeãn Vaên An" (VNI). Which encoding a file uses is decided
once for the whole file (`detect`), by which reading yields the most well-formed
Vietnamese syllables; then every cell is converted (`decode`) and normalised to NFC.
"""

import re
import unicodedata
from collections.abc import Iterable

UNICODE, TCVN3, VNI = "unicode", "tcvn3", "vni"

# TCVN3 (TCVN 5712:1993, ABC): one byte per letter. Capitals with marks live in the
# ".VnTimeH" font at the lower-case codes, so they decode to lower case.
_TCVN3 = dict(
    zip(
        "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
        "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
        strict=True,
    )
)

# VNI-Windows: a base letter followed by a mark character.
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = {"ø": _GRAVE, "ù": _ACUTE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_CIRC_TONES = {"â": "", "à": _GRAVE, "á": _ACUTE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_BREVE_TONES = {"ê": "", "è": _GRAVE, "é": _ACUTE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_I_TONES = {"ì": _GRAVE, "í": _ACUTE, "æ": _HOOK, "ó": _TILDE, "ò": _DOT}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(base: str, mark: str, combining: str) -> None:
        for b, m in ((base, mark), (base.upper(), mark.upper())):
            table[b + m] = unicodedata.normalize("NFC", b + combining)

    for base in "aeouy":
        for mark, tone in _TONES.items():
            add(base, mark, tone)
    for base in "aeo":
        for mark, tone in _CIRC_TONES.items():
            add(base, mark, _CIRC + tone)
    for mark, tone in _BREVE_TONES.items():
        add("a", mark, _BREVE + tone)
    for horn_key, base in (("ô", "o"), ("ö", "u")):  # ô = ơ, ö = ư in VNI
        for case in (str.lower, str.upper):
            table[case(horn_key)] = unicodedata.normalize("NFC", case(base) + _HORN)
            for mark, tone in _TONES.items():
                table[case(horn_key) + case(mark)] = unicodedata.normalize(
                    "NFC", case(base) + _HORN + tone
                )
    for mark, tone in _I_TONES.items():
        table[mark] = unicodedata.normalize("NFC", "i" + tone)
        table[mark.upper()] = unicodedata.normalize("NFC", "I" + tone)
    table.update({"î": "ỵ", "Î": "Ỵ", "ñ": "đ", "Ñ": "Đ"})
    return table


_VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI), key=len, reverse=True)))
_TCVN3_RE = re.compile("[" + re.escape("".join(_TCVN3)) + "]")


def tcvn3_to_unicode(text: str) -> str:
    decoded = _TCVN3_RE.sub(lambda m: _TCVN3[m.group()], text)
    letters = [c for c in text if c.isascii() and c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        decoded = decoded.upper()  # typed in .VnTimeH: capitals throughout
    return unicodedata.normalize("NFC", decoded)


def vni_to_unicode(text: str) -> str:
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: _VNI[m.group()], text))


# A rough well-formedness test of one Vietnamese syllable, enough to tell readings apart.
_TONE_MARKS = {_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT}
_ONSET = r"(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
_NUCLEI = (
    "a ă â e ê i y o ô ơ u ư ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê "
    "ui uô uơ uy ưa ưi ươ ưu yê uyê uya uyu oai oay oeo uây uôi ươi ươu iêu yêu"
).split()
_NUCLEUS = "(" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
_SYLLABLE = re.compile(rf"^{_ONSET}{_NUCLEUS}(ch|ng|nh|c|m|n|p|t)?$")
_WORD = re.compile(r"[^\s\d.,;:/()\-–\"'“”]+")


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in _TONE_MARKS)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return tones <= 1 and bool(_SYLLABLE.match(bare))


def _score(texts: list[str]) -> int:
    return sum(
        1
        for text in texts
        for word in _WORD.findall(text)
        if not word.isascii() and _is_syllable(word)
    )


_DECODERS = {UNICODE: lambda s: unicodedata.normalize("NFC", s), TCVN3: tcvn3_to_unicode}
_DECODERS[VNI] = vni_to_unicode


def detect(texts: Iterable[str], sample: int = 2000) -> str:
    """The encoding of a file's text cells: UNICODE unless a legacy reading yields more
    well-formed syllables. Text that already holds Vietnamese letters outside Latin-1
    (ă, đ, ơ, ư, ạ...) is taken as Unicode."""
    candidates = []
    for text in texts:
        if not isinstance(text, str) or text.isascii():
            continue
        if any(ord(c) > 0xFF for c in text):
            continue  # real Unicode Vietnamese: nothing to detect
        candidates.append(text)
        if len(candidates) >= sample:
            break
    if not candidates:
        return UNICODE
    scores = {name: _score([decode(t) for t in candidates]) for name, decode in _DECODERS.items()}
    best = max(scores, key=lambda name: (scores[name], name == UNICODE))
    return best if scores[best] > scores[UNICODE] else UNICODE


def decode(text: str, encoding: str) -> str:
    """Convert one cell from `encoding`; cells with letters beyond Latin-1 are already
    Unicode (a file can mix old and new rows) and are only normalised."""
    if encoding == UNICODE or text.isascii() or any(ord(c) > 0xFF for c in text):
        return unicodedata.normalize("NFC", text)
    return _DECODERS[encoding](text)
