"""The settings files kept as data in ``pipelines/`` (``settings.yaml``, ``alerts.yaml``), as typed models.

Each file is read with the project's bounded YAML loader and validated by a pydantic model that forbids unknown
keys, so a typo is reported with the file, its line and a "did you mean", and a wrong type with the key and the
value, before anything heavy (Dagster, Scrapy, spaCy) is imported: ``claimwatch run`` checks them first.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from spiders.yaml_loading import YamlFileError, load_yaml_file

if TYPE_CHECKING:
    from warehouse.alerts import AlertRules

SETTINGS_FILE = Path(__file__).with_name("settings.yaml")
ALERTS_FILE = Path(__file__).with_name("alerts.yaml")


class SettingsError(ValueError):
    """A settings file is missing, not YAML, or has an unknown key or a wrong value."""


class OrchestrationSettings(BaseModel):
    """``pipelines/settings.yaml``: the hourly schedule and the asset checks' bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    crawl_cron: str = "0 * * * *"
    crawl_timezone: str = "UTC"
    duplicate_rate_max: float = Field(0.6, gt=0, le=1)
    poll_tick_seconds: int = Field(10, ge=5, le=300)
    fresh_run_gap_seconds: int = Field(20, ge=0, le=600)

    @field_validator("crawl_cron")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("must be a cron expression of five fields, e.g. '0 * * * *'")
        return value

    @field_validator("crawl_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as UTC or Europe/Paris") from None
        return value

    @classmethod
    def load(cls, path: str | Path | None = None) -> OrchestrationSettings:
        """Read and validate an orchestration settings file (the packaged one by default)."""
        return load_settings(Path(path or SETTINGS_FILE), cls)


class AlertSettings(BaseModel):
    """``pipelines/alerts.yaml``: watchlist, storm threshold, retries and timeouts of alert delivery."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 1
    watchlist: tuple[str, ...] = ()
    story_relations: tuple[Literal["parity", "surpass", "approach", "trail"], ...] = ("parity", "surpass")
    escalation: Literal["parity", "surpass", "approach", "trail"] = "surpass"
    storm_threshold: int = Field(10, ge=1)
    max_attempts: int = Field(6, ge=1)
    retries_in_run: int = Field(2, ge=0)
    retry_backoff_seconds: float = Field(1.0, ge=0)
    next_run_backoff_seconds: float = Field(60.0, ge=0)
    timeout_seconds: float = Field(10.0, gt=0)
    attempt_timeout_seconds: float = Field(30.0, gt=0)
    lease_seconds: float = Field(600.0, gt=0)

    @model_validator(mode="after")
    def _escalation_is_a_story_relation(self) -> AlertSettings:
        if self.escalation not in self.story_relations:
            raise ValueError(f"escalation {self.escalation!r} must be one of story_relations {self.story_relations}")
        return self

    def alert_rules(self) -> AlertRules:
        """The outbox policy these settings define, as the warehouse takes it."""
        from warehouse.alerts import AlertRules  # here: the settings check runs before DuckDB and Arrow load

        return AlertRules(
            story_relations=tuple(self.story_relations), escalation=self.escalation, watchlist=self.watchlist
        )

    @classmethod
    def load(cls, path: str | Path | None = None) -> AlertSettings:
        """Read and validate an alert settings file (the packaged one by default)."""
        return load_settings(Path(path or ALERTS_FILE), cls)


Model = TypeVar("Model", bound=BaseModel)


def _key_lines(path: Path) -> dict[str, int]:
    """Line number of each top-level key of a YAML mapping file (for error messages)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def load_settings(path: Path, model: type[Model]) -> Model:
    """``path`` parsed and validated as ``model``; :class:`SettingsError` names the file, line and key."""
    try:
        data = load_yaml_file(path)
    except YamlFileError as exc:
        raise SettingsError(str(exc)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: must be a mapping of settings, not {type(data).__name__}")
    lines = _key_lines(path)
    known = list(model.model_fields)
    unknown = [k for k in data if k not in model.model_fields]
    if unknown:
        parts = []
        for k in unknown:
            close = difflib.get_close_matches(str(k), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            parts.append(f"line {lines.get(str(k), '?')}: unknown key {k!r}{hint}")
        raise SettingsError(f"{path}: " + "; ".join(parts))
    try:
        return model(**data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            key = ".".join(map(str, e["loc"]))
            top = str(e["loc"][0]) if e["loc"] else ""
            problems.append(f"line {lines.get(top, '?')}: {key}: {e['msg']} (got {e.get('input')!r})")
        raise SettingsError(f"{path}: " + "; ".join(problems)) from None


def worker_count(workers: int | None = None) -> int:
    """``workers`` when given (a run's setting), else the number of cores: the one rule for the pool's size."""
    return max(1, workers or os.cpu_count() or 1)


class ClaimwatchSettings(BaseModel):
    """Everything a run is configured by, read once: the two settings files and the worker processes.

    Built by :class:`pipelines.resources.SettingsResource` at the start of a run (environment variables reach it
    only as that resource's fields, through ``dg.EnvVar`` in ``pipelines/definitions.py``).
    """

    model_config = ConfigDict(frozen=True)

    orchestration: OrchestrationSettings
    alerts: AlertSettings
    workers: int = Field(ge=1)  # processes that clean and extract (pipelines/parallel.py)

    @classmethod
    def load(
        cls, orchestration_file: str | Path | None = None, alerts_file: str | Path | None = None, workers: int = 0
    ) -> ClaimwatchSettings:
        """Both files validated (the packaged ones by default); ``workers`` 0 means one per core."""
        return cls(
            orchestration=OrchestrationSettings.load(orchestration_file),
            alerts=AlertSettings.load(alerts_file),
            workers=worker_count(workers),
        )


def check_settings_files(alerts_file: str | Path | None = None) -> list[str]:
    """Validate every settings file; return the problems (empty when all are good)."""
    problems: list[str] = []
    for path, model in ((SETTINGS_FILE, OrchestrationSettings), (Path(alerts_file or ALERTS_FILE), AlertSettings)):
        try:
            load_settings(path, model)
        except SettingsError as exc:
            problems.append(str(exc))
    return problems
