"""Alert payloads and their readable form."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warehouse.records import Alert

NEGATED_WORDS = {"parity": "match", "surpass": "beat", "trail": "trail", "approach": "approach"}
RELATION_WORDS = {"parity": "matches", "surpass": "beats", "trail": "trails", "approach": "is closing in on"}


def side(org: str | None, model: str | None, group: str | None) -> str:
    """Name one side of a claim: "Firm / Model", the firm alone, or the unnamed group label."""
    if org and model:
        return f"{org} / {model}"
    return org or model or (group or "an unnamed party")


def alert_payload(d: Alert) -> dict[str, Any]:
    """JSON payload of one alert; ``alert_id`` doubles as the receiver's idempotency key."""

    def iso(v: Any) -> Any:
        return v.isoformat() if isinstance(v, datetime) else v

    return {
        "alert_id": d.alert_id,
        "idempotency_key": d.alert_id,
        "claim_id": d.claim_id,
        "subject": side(d.subject_org, d.subject_model, d.subject_group),
        "subject_org": d.subject_org,
        "subject_model": d.subject_model,
        "relation": d.relation,
        "object": side(d.object_org, d.object_model, d.object_group),
        "object_org": d.object_org,
        "object_model": d.object_model,
        "domain": d.domain,
        "claimant": d.claimant,
        "claimant_name": d.claimant_name,
        "hedged": d.hedged,
        "first_seen_at": iso(d.first_seen_at),
        "first_source": d.first_source,
        "first_url": d.first_url,
        "evidence": d.sentence,
        "first_language": d.first_language,
        "languages": [x for x in (d.languages or "").split(",") if x],
        "mention_count": d.mention_count,
        "source_count": d.source_count,
    }


def _languages_line(p: dict[str, Any]) -> list[str]:
    """The line "reported in: zh (first), en" when the claim was reported in more than one language."""
    langs = p.get("languages") or []
    if len(langs) < 2:
        return []
    first = p.get("first_language")
    ordered = [first, *[x for x in langs if x != first]] if first in langs else langs
    return ["    reported in: " + ", ".join(f"{x} (first)" if x == first else x for x in ordered)]


CLAIMANT_KINDS = {"self": "the firm itself", "third_party": "a third party", "outlet": "the outlet"}


def claimant_words(kind: str | None, name: str | None) -> tuple[str | None, str]:
    """(the claimant's name, or None when there is none or it is the outlet's own word; what kind of source it is)."""
    return (name if name and kind != "outlet" else None), CLAIMANT_KINDS.get(kind or "", "unknown")


def format_alert(d: Alert) -> str:
    """A few readable lines for a person: who claims what, on whose word, where it was first seen."""
    p = alert_payload(d)
    name, kind = claimant_words(p["claimant"], p["claimant_name"])
    who = f"{name} ({kind})" if name else kind
    first = p["first_seen_at"][:10] if isinstance(p["first_seen_at"], str) else p["first_seen_at"]
    lines = [
        f"[{p['relation'].upper()}] {p['subject']} {RELATION_WORDS.get(p['relation'], p['relation'])} "
        f"{p['object']} on {p['domain']}",
        f"    asserted by: {who}{', hedged' if p['hedged'] else ''}",
        f"    first reported: {p['first_source']} on {first}: {p['first_url']}",
        *_languages_line(p),
        f'    evidence: "{p["evidence"]}"',
    ]
    return "\n".join(lines)


def relation_label(relation: str, negated: object) -> str:
    """The relation as a reader should see it: a denial reads "not parity", never "parity"."""
    return f"not {relation}" if negated else relation


def claim_verb(relation: str, negated: object) -> str:
    """The relation as the verb of a sentence: "matches", or for a denial "does not match"."""
    if negated:
        return f"does not {NEGATED_WORDS.get(relation, relation)}"
    return RELATION_WORDS.get(relation, relation)


def format_claim(row: dict[str, Any]) -> str:
    """A claim as a few readable lines: the triple, how widely it is reported, where first, on whose word, evidence."""
    verb = claim_verb(row["relation"], row.get("negated"))
    subject = side(row.get("subject_org"), row.get("subject_model"), row.get("subject_group") or None)
    obj = side(row.get("object_org"), row.get("object_model"), row.get("object_group") or None)
    langs = [x for x in (row.get("languages") or "").split(",") if x]
    first_lang = row.get("first_language")
    lang_note = ""
    if len(langs) > 1:
        lang_note = ", in " + ", ".join(f"{x} (first)" if x == first_lang else x for x in langs)
    name, kind = claimant_words(row.get("claimant"), row.get("claimant_name"))
    who = f"{name} ({kind})" if name else kind
    first = str(row.get("first_published_at") or row.get("first_seen_at") or "")[:10]
    return "\n".join(
        [
            f"[{relation_label(row['relation'], row.get('negated')).upper()}] {subject} {verb} {obj} "
            f"on {row.get('domain')}"
            f"  ({row.get('source_count')} source(s), {row.get('mention_count')} mention(s){lang_note})",
            f"    claim {row.get('claim_id')}; first reported by {row.get('first_source')} on {first}: "
            f"{row.get('first_url')}",
            f"    asserted by: {who}{', hedged' if row.get('hedged') else ''}{_doubted(row)}",
            f'    evidence: "{row.get("evidence") or ""}"',
        ]
    )


def _doubted(row: dict[str, Any]) -> str:
    """The note ", reported as doubted in N of M mention(s)" when some report says the claim is doubted."""
    n = row.get("disputed_count") or 0
    return f", reported as doubted in {n} of {row.get('mention_count')} mention(s)" if n else ""
