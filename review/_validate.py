"""Live validation of a typed value: the field type's normalizer, plus a few suggestions."""

from __future__ import annotations

from typing import Any

from pipeline.normalize import normalize_field

_MAX_SUGGESTIONS = 4


def _name_suggestions(details: dict[str, Any]) -> list[str]:
    """Spellings of the lexicon that fold to the same letters as an unknown syllable."""
    from pipeline.normalize.lexicons import name_lexicons
    from pipeline.normalize.text import fold

    out: list[str] = []
    lex = name_lexicons()
    for word in details.get("unknown_syllables") or []:
        for slot in ("ten", "dem", "ho"):
            for cand, _w in sorted(lex[slot].by_fold.get(fold(str(word)), ()), key=lambda cw: -cw[1]):
                if cand not in out:
                    out.append(cand)
    return out


def _place_suggestions(details: dict[str, Any]) -> list[str]:
    out = []
    for c in details.get("current_candidates") or []:
        name = f"{c.get('name', '')}, {c.get('province', '')}".strip(", ")
        if name and name not in out:
            out.append(name)
    return out


def validate(field_type: str, typed: str | None) -> dict[str, Any]:
    """{status: ok|invalid|empty, value: canonical form, reason, suggestions} for the typed text."""
    if typed is None or not typed.strip():
        return {"status": "empty", "value": None, "reason": None, "suggestions": []}
    n = normalize_field(field_type, typed)
    suggestions: list[str] = []
    if n.value and n.value != typed.strip():
        suggestions.append(n.value)
    if field_type == "person_name":
        suggestions += _name_suggestions(n.details)
    elif field_type in ("place", "office"):
        suggestions += _place_suggestions(n.details)
    uniq = list(dict.fromkeys(s for s in suggestions if s))
    status, reason = n.status, n.reason
    unknown = n.details.get("unknown_syllables") if field_type == "person_name" else None
    if status == "ok" and unknown:
        # storable, but worth a second look: a syllable no Vietnamese name list knows
        status, reason = (
            "warning",
            "không có trong danh mục tên / not in the name lexicon: " + " ".join(unknown),
        )
    return {"status": status, "value": n.value, "reason": reason, "suggestions": uniq[:_MAX_SUGGESTIONS]}
