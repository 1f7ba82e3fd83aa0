"""Alert subscriptions: each channel with its own filter and mode, kept in a YAML file the operator edits.

```yaml
version: 1
channels:
  - name: security-desk
    url_env: SECURITY_DESK_URL     # an Apprise URL, read from the environment (URLs carry secrets)
    mode: immediate                 # or digest: one message a day at digest_at (UTC)
    filter:
      firms: [Anthropic, Zhipu AI]  # a side of the claim is one of these firms or models (empty: any)
      models: [Claude]              # a model name, or a family (Claude matches Claude Opus 4)
      domains: [cybersecurity]      # empty: any
      relations: [parity, surpass]  # empty: any
      min_claimant: third_party     # outlet < self < third_party
  - name: morning-brief
    log_file: brief.jsonl           # no network: append payloads to a file (relative to this file's folder)
    mode: digest
    digest_at: "07:30"
```

With no subscriptions file, alerts go to one unfiltered immediate channel: the Apprise URLs of
CLAIMWATCH_ALERT_URLS, or stdout + alerts.jsonl. Which alerts a channel receives is decided here; the
warehouse only records which channel took which alert.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pipelines.settings import SettingsError, load_settings
from warehouse.records import Alert

CLAIMANT_RANK = {"outlet": 0, "self": 1, "third_party": 2}
RELATIONS = ("parity", "surpass", "trail", "approach")
KINDS = ("new", "relation_change", "confirmed", "disputed", "unnamed", "same_firm")


class ChannelFilter(BaseModel):
    """What one channel wants; every list is "any" when empty, and all given conditions must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    firms: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    relations: tuple[Literal["parity", "surpass", "trail", "approach"], ...] = ()
    kinds: tuple[Literal["new", "relation_change", "confirmed", "disputed", "unnamed", "same_firm"], ...] = ()
    min_claimant: Literal["outlet", "self", "third_party"] = "outlet"

    def admits(self, alert: Alert) -> bool:
        """Whether an alert passes this filter.

        ``firms`` and ``models`` both name sides: with either given, a side must be one of them. The claimant
        compared with ``min_claimant`` is the story's strongest one when the alert was written.
        """
        if self.firms or self.models:
            orgs = {(o or "").lower() for o in (alert.subject_org, alert.object_org)} - {""}
            models = [m.lower() for m in (alert.subject_model, alert.object_model) if m]
            firm_hit = any(f.lower() in orgs for f in self.firms)
            model_hit = any(_is_family_member(m, wanted.lower()) for wanted in self.models for m in models)
            if not (firm_hit or model_hit):
                return False
        if self.domains and str(alert.domain or "").lower() not in {d.lower() for d in self.domains}:
            return False
        if self.relations and alert.relation not in self.relations:
            return False
        if self.kinds and (alert.kind or "new") not in self.kinds:
            return False
        claimant = alert.story_claimant or alert.claimant or "outlet"
        return CLAIMANT_RANK.get(claimant, 0) >= CLAIMANT_RANK[self.min_claimant]


def _is_family_member(model: str, wanted: str) -> bool:
    """``Claude`` names ``Claude Opus 4`` and ``Claude-3`` but not ``Claudette``."""
    return model == wanted or bool(re.match(re.escape(wanted) + r"[\s\-]", model))


class Subscription(BaseModel):
    """One channel: where (an Apprise URL, from the environment or literal, or a log file), what, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    url_env: str | None = None
    url: str | None = None
    log_file: str | None = None
    mode: Literal["immediate", "digest"] = "immediate"
    digest_at: str = "08:00"  # UTC, for mode digest
    filter: ChannelFilter = ChannelFilter()

    @model_validator(mode="after")
    def _one_destination(self) -> Subscription:
        given = [k for k in ("url_env", "url", "log_file") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError(
                f"channel {self.name!r} needs exactly one of url_env, url, log_file (got {given or 'none'})"
            )
        return self

    @field_validator("digest_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise ValueError("must be a UTC time of day as HH:MM, e.g. 07:30")
        return value

    def apprise_url(self) -> str | None:
        """The channel's Apprise URL (None for a log-file channel); :class:`SettingsError` if its variable is unset."""
        if self.url_env:
            value = os.environ.get(self.url_env, "").strip()
            if not value:
                raise SettingsError(f"channel {self.name!r}: environment variable {self.url_env} is not set")
            return value
        return self.url

    def digest_due_since(self, now: datetime) -> datetime:
        """The latest ``digest_at`` at or before ``now``: a digest is due if nothing went out since then."""
        hour, minute = (int(x) for x in self.digest_at.split(":"))
        today = datetime.combine(now.date(), time(hour, minute), tzinfo=now.tzinfo)
        return today if today <= now else today - timedelta(days=1)


class Subscriptions(BaseModel):
    """The subscriptions file: a list of channels with unique names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    # Alerts to loopback, private or link-local addresses, or delivered on this machine (syslog://), are refused
    # unless this is true, as the crawler refuses such URLs (pipelines/alert_targets.py)
    allow_private_networks: bool = False
    channels: tuple[Subscription, ...] = Field(min_length=1)

    @field_validator("channels")
    @classmethod
    def _unique(cls, value: tuple[Subscription, ...]) -> tuple[Subscription, ...]:
        names = [c.name for c in value]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"channel names must be unique: {', '.join(repeated)}")
        return value

    @classmethod
    def load(cls, path: str | Path) -> Subscriptions:
        """Read and validate a subscriptions file; :class:`SettingsError` names the file, line and key.

        A relative ``log_file`` is resolved against the file's folder, not the current directory.
        """
        loaded = load_settings(Path(path), cls)
        folder = Path(path).resolve().parent
        channels = tuple(
            c.model_copy(update={"log_file": str(folder / Path(c.log_file).expanduser())}) if c.log_file else c
            for c in loaded.channels
        )
        return loaded.model_copy(update={"channels": channels})
