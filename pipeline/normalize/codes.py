"""Closed code lists: sex, ethnicity, nationality, identity-document type, relation."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .lexicons import _eth_key, country_index, ethnic_index
from .text import clean_text, fold, is_syllable

SEX_VALUES = ("Nam", "Nữ", "Không xác định")
_SEX = {
    "nam": "Nam", "trai": "Nam", "1": "Nam", "m": "Nam", "male": "Nam", "con trai": "Nam",
    "nu": "Nữ", "gai": "Nữ", "2": "Nữ", "f": "Nữ", "female": "Nữ", "con gai": "Nữ",
    "khong xac dinh": "Không xác định", "3": "Không xác định", "kxd": "Không xác định",
}  # fmt: skip

_LABEL = re.compile(
    r"^\s*(gioi tinh|dan toc|quoc tich|quan he|loai giay to|giay to tuy than)\s*[:.\-]?\s*", re.I
)


class CodeResult:
    __slots__ = ("value", "ok", "reason", "rules", "details")

    def __init__(
        self,
        value: str | None,
        ok: bool,
        reason: str | None = None,
        rules: list[str] | None = None,
        details: dict | None = None,
    ) -> None:
        self.value, self.ok, self.reason = value, ok, reason
        self.rules = rules or []
        self.details = details or {}


def _strip_label(s: str) -> tuple[str, bool]:
    m = _LABEL.match(fold(s))
    if not m:
        return s, False
    # drop as many words as the folded label had
    n = len(m.group(0).split())
    parts = s.split()
    rest = " ".join(parts[n:]) if len(parts) > n else ""
    return rest.lstrip(":.- "), True


# "Høã" for Hoa: a speckled o read as a letter no Vietnamese word has
_SPECKLED_O = str.maketrans("øØ", "oO")


def _prep(raw: str) -> tuple[str, list[str]]:
    s, rules = clean_text(raw)
    if (o := s.translate(_SPECKLED_O)) != s:
        s = o
        rules.append("ocr_speckled_o")
    s2, stripped = _strip_label(s)
    if stripped:
        rules.append("label")
    return s2.strip(" .;:,"), rules


def normalize_sex(raw: str) -> CodeResult:
    s, rules = _prep(raw)
    k = fold(s)
    if k in _SEX:
        return CodeResult(_SEX[k], True, rules=rules)
    best = process.extractOne(k, list(_SEX), scorer=Levenshtein.distance, score_cutoff=1)
    if best and len(k) >= 3:
        rules.append(f"fuzzy:{s}->{_SEX[best[0]]}")
        return CodeResult(_SEX[best[0]], True, rules=rules)
    return CodeResult(s, False, f"giới tính không rõ '{s}' / unknown sex value", rules)


def normalize_ethnicity(raw: str) -> CodeResult:
    s, rules = _prep(raw)
    s = (
        re.sub(r"^(dân tộc|người)\s+", "", s, flags=re.I)
        if fold(s).startswith(("dan toc ", "nguoi ")) and _eth_key(s) not in ethnic_index()
        else s
    )
    idx = ethnic_index()
    k = _eth_key(s)
    if k in idx:
        v = idx[k]
        if v != s:
            rules.append(f"alias:{s}->{v}")
        return CodeResult(v, True, rules=rules)
    # OCR letter errors in a longer name (Khơ-rne -> Khơ-me); short names need an exact hit
    if "rn" in k and k.replace("rn", "m") in idx:  # OCR reads "m" as "rn"
        v = idx[k.replace("rn", "m")]
        rules.append(f"fuzzy:{s}->{v}")
        return CodeResult(v, True, rules=rules)
    # ...and "in" or "ni" as "m" ("Kmh" on an aged page): taken when one reading alone is a group
    joined = {idx[c] for i in range(len(k)) if k[i] == "m" for c in (k[:i] + "in" + k[i + 1 :], k[:i] + "ni" + k[i + 1 :]) if c in idx}
    if len(joined) == 1:
        v = joined.pop()
        rules.append(f"fuzzy:{s}->{v}")
        return CodeResult(v, True, rules=rules)
    if len(k) >= 4:
        best = process.extractOne(k, list(idx), scorer=Levenshtein.distance, score_cutoff=1)
        if best:
            rules.append(f"fuzzy:{s}->{idx[best[0]]}")
            return CodeResult(idx[best[0]], True, rules=rules)
    why = f"dân tộc không có trong danh mục '{s}' / unknown ethnic group"
    return _suggested(s, k, idx, why, "ethnicity", rules)


def normalize_nationality(raw: str) -> CodeResult:
    s, rules = _prep(raw)
    idx = country_index()
    k = fold(s).replace(" ", "")
    if k in idx:
        v = idx[k]
        if v != s:
            rules.append(f"alias:{s}->{v}")
        return CodeResult(v, True, rules=rules)
    if len(k) >= 5:
        best = process.extractOne(k, list(idx), scorer=Levenshtein.distance, score_cutoff=1)
        if best:
            rules.append(f"fuzzy:{s}->{idx[best[0]]}")
            return CodeResult(idx[best[0]], True, rules=rules)
    return _suggested(s, k, idx, f"quốc tịch không có trong danh mục '{s}' / unknown country", "nationality", rules)


# the letters OCR may glue to a listed name ("ITMông": a stamp's edge; "VNÑ": a speck after VN)
SUGGEST_AFFIX = 2


def _suggested(
    s: str, k: str, idx: Mapping[str, str], why: str, kind: str, rules: list[str], details: dict | None = None
) -> CodeResult:
    """A value no list holds, shown as the one listed value it is nearest for the reviewer to confirm
    (still invalid): the one a key is within one edit of (three letters on: "Mòo" for Mèo, that is Mông;
    of several, the one nearest with the marks kept),
    or the one a key is with up to ``SUGGEST_AFFIX`` letters glued to it, no space between; never a key
    holding a digit. As read otherwise."""
    if any(ch.isdigit() for ch in k):  # a number is no misread of a listed word ("vợ2", "vợ 2": a second wife)
        return CodeResult(s, False, why, rules, details)
    near = {v for key, v in idx.items() if len(k) >= 3 and len(key) >= 2 and Levenshtein.distance(k, key) <= 1}
    if not near and not any(ch.isspace() for ch in s):
        near = {v for key, v in idx.items() if len(key) >= 2 and len(k) - len(key) in range(1, SUGGEST_AFFIX + 1)
                and (k.startswith(key) or k.endswith(key))}  # fmt: skip
    if len(near) > 1:
        # several within one edit of the letters: the one nearest with its marks kept, if one is ("Tòy" is
        # one mark from Tày, four from Bố Y; a fresh book page's Tày)
        dist = {v: Levenshtein.distance(s.lower().replace(" ", ""), v.lower().replace(" ", "")) for v in near}
        best = min(dist.values())
        near = {v for v, d in dist.items() if d == best}
    if len(near) != 1:
        return CodeResult(s, False, why, rules, details)
    v = near.pop()
    return CodeResult(v, False, f"{why}; có lẽ là '{v}' / perhaps '{v}'", [*rules, f"{kind}_suggested:{s}->{v}"],
                      details)  # fmt: skip


ID_DOC_TYPES = (
    "Giấy CMND", "Hộ chiếu", "Thẻ thường trú", "Thẻ căn cước công dân",
    "Giấy chứng minh quân đội nhân dân", "Giấy chứng minh sĩ quan quân đội",
    "Giấy chứng minh công an nhân dân", "Giấy tờ khác",
)  # fmt: skip
# how a document type is written short in a register (lower case, as compared)
_ID_DOC_SHORT = {"Giấy CMND": ("cmnd",), "Thẻ căn cước công dân": ("cccd", "thẻ cccd")}


def id_doc_spellings(label: str) -> tuple[str, ...]:
    """The listed short spellings of a document type, lower case ("cccd" for Thẻ căn cước công dân)."""
    return _ID_DOC_SHORT.get(label, ())


# (pattern on the folded text, label) — first match wins; order matters (sĩ quan before quân đội)
_DOC_RULES = (
    (r"\bsi quan\b", "Giấy chứng minh sĩ quan quân đội"),
    (r"\bquan doi\b|\bqdnd\b", "Giấy chứng minh quân đội nhân dân"),
    (r"\bcong an\b|\bcand\b", "Giấy chứng minh công an nhân dân"),
    (r"\bcccd\b|\bcan cuoc\b|\bcc\b", "Thẻ căn cước công dân"),
    (r"\bcmnd\b|\bcmtnd\b|\bchung minh nhan dan\b|\bchung minh thu\b", "Giấy CMND"),
    (r"\bho chieu\b|\bpassport\b|\bhc\b", "Hộ chiếu"),
    (r"\bthuong tru\b", "Thẻ thường trú"),
    (r"\bkhac\b", "Giấy tờ khác"),
)


def normalize_id_doc_type(raw: str) -> CodeResult:
    s, rules = _prep(raw)
    k = fold(s)
    k = re.sub(r"\bso\b.*$", "", k).strip() or k  # "CMND số 0241..." -> the type only
    k = re.sub(r"\b(giay|the)(?=cmnd|cccd)", r"\1 ", k)  # "GiấyCMND": the space lost
    for pat, label in _DOC_RULES:
        if re.search(pat, k):
            return CodeResult(label, True, rules=rules)
    # OCR letter errors in the acronyms (CMNĐ, CCCĐ, CMIND, "Giấy CWND"): one edit from exactly one
    tok = re.sub(r"^(?:giay|the)\s+", "", k).replace(" ", "")
    near = [(acr, label) for acr, label in (("cmnd", "Giấy CMND"), ("cccd", "Thẻ căn cước công dân"))
            if Levenshtein.distance(tok[:5], acr) <= 1 and len(tok) <= 6]  # fmt: skip
    if len(near) == 1:
        label = near[0][1]
        rules.append(f"fuzzy:{s}->{label}")
        return CodeResult(label, True, rules=rules)
    # repeated letters of a stuttering read ("cCcCCD" for CCCD): case folded, runs collapsed; only a token
    # made of the acronym's letters alone, so no word is taken for an acronym
    if 3 <= len(tok) <= 10:
        runs = re.sub(r"(.)\1+", r"\1", tok)
        for acr, label in (("cmnd", "Giấy CMND"), ("cccd", "Thẻ căn cước công dân")):
            if runs == re.sub(r"(.)\1+", r"\1", acr) and set(tok) <= set(acr):
                rules.append(f"fuzzy:{s}->{label}")
                return CodeResult(label, True, rules=rules)
    return CodeResult(s, False, f"loại giấy tờ không rõ '{s}' / unknown identity document type", rules)


RELATIONS = (
    "cha", "mẹ", "cha đẻ", "mẹ đẻ", "bố", "bố đẻ", "cha nuôi", "mẹ nuôi", "ông", "bà", "ông nội", "bà nội",
    "ông ngoại", "bà ngoại", "anh", "chị", "em", "anh ruột", "chị ruột", "em ruột", "anh trai", "chị gái",
    "em trai", "em gái", "cô", "dì", "chú", "bác", "cậu", "mợ", "thím", "dượng", "con", "con đẻ", "con trai",
    "con gái", "con ruột", "con nuôi", "con dâu", "con rể", "cháu", "cháu nội", "cháu ngoại", "cháu ruột",
    "anh họ", "chị họ", "em họ", "vợ", "chồng", "người giám hộ", "người thân", "họ hàng",
    "người nuôi dưỡng", "hàng xóm", "cán bộ", "bản thân", "bạn",
    "cha ruột", "mẹ ruột", "bố ruột", "bố nuôi", "mẹ kế", "cha ghẻ", "mẹ ghẻ", "bố ghẻ", "cha dượng",
    "bố dượng", "chị dâu", "em dâu", "anh rể", "em rể",
)  # fmt: skip
_REL_BY_FOLD: dict[str, str] = {}
for _r in RELATIONS:
    _REL_BY_FOLD.setdefault(fold(_r), _r)


_DIGIT_AS_LETTER = str.maketrans({"0": "o", "1": "i"})


def normalize_relation(raw: str) -> CodeResult:
    s, rules = _prep(raw)
    low = s.lower().strip(" .-:")
    if low in RELATIONS:
        return CodeResult(low, True, rules=rules)
    hit = _REL_BY_FOLD.get(fold(low))
    if hit is not None:
        # same letters, other diacritics: an OCR error on a closed vocabulary
        rules.append(f"lexicon:{low}->{hit}")
        return CodeResult(hit, True, rules=rules)
    # a digit read for its look-alike letter inside a word ("c0n", "ch1"): no relation holds a digit
    if re.search(r"[^\W\d_]", low) and (hit := _REL_BY_FOLD.get(fold(low.translate(_DIGIT_AS_LETTER)))):
        rules.append(f"ocr_digit_in_word:{low}->{hit}")
        return CodeResult(hit, True, rules=rules)
    # a listed relation followed only by specks from the cell, lone glyphs or pairs holding a symbol ("chồng
    # , ễ ỹ", "con /z", "mẹ [š %r" on aged pages): the relation ("vợ 2" is not: a number is no speck; nor
    # "con ab": two letters may be a word garbled)
    m = re.fullmatch(r"(.+?)\s*[,;.]?((?:\s+\S{1,2})+)", low)
    if m and all(not t.isdigit() and (len(t) == 1 or not t.isalpha()) for t in m[2].split()):
        head = m[1].strip(" ,;.")
        rel = head if head in RELATIONS else _REL_BY_FOLD.get(fold(head))
        if rel is not None:
            rules.append(f"relation_noise:{low}->{rel}")
            return CodeResult(rel, True, rules=rules)
    # a two-word relation whose second word OCR garbled ("bà ngoqt" on an aged page): the listed relation
    # with that first word whose second word (three letters or more) is nearest, alone at that distance: one
    # letter off a word that is a Vietnamese syllable ("ruật"), two off one that is none ("ngoqt")
    words = low.split()
    if len(words) == 2 and len(words[1]) >= 3:
        reach = 1 if is_syllable(words[1]) else 2
        by = {}
        for r in RELATIONS:
            rw = fold(r).split()
            if len(rw) == 2 and rw[0] == fold(words[0]) and len(rw[1]) >= 3:
                by.setdefault(Levenshtein.distance(rw[1], fold(words[1]), score_cutoff=reach), []).append(r)
        best = min((d for d in by if d <= reach), default=None)
        if best is not None and len(by[best]) == 1:
            rules.append(f"relation_fuzzy:{low}->{by[best][0]}")
            return CodeResult(by[best][0], True, rules=rules)
    # kept as written, for the reviewer: a closed-ish vocabulary, so an unlisted word is most often a
    # misread or the end of the name from the line above ("AN-con", "co 5")
    # ...shown as the one listed relation one edit off, if there is one ("chúu nội": cháu nội), still invalid
    return _suggested(low, fold(low), _REL_BY_FOLD, f"quan hệ '{low}' không có trong danh mục / relation '{low}' "
                      "not in the list", "relation", rules, {"unlisted": True})  # fmt: skip
