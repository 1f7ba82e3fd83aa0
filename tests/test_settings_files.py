"""Settings files are typed: a typo or a wrong type is named with its file and line, before Dagster loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipelines.settings import (
    ALERTS_FILE,
    SETTINGS_FILE,
    AlertSettings,
    OrchestrationSettings,
    SettingsError,
    check_settings_files,
    load_settings,
)


def test_the_packaged_settings_files_are_valid():
    assert check_settings_files() == []
    assert load_settings(SETTINGS_FILE, OrchestrationSettings).crawl_cron
    assert AlertSettings.load(ALERTS_FILE).max_attempts >= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nwatchlst: [OpenAI]\n", "line 2: unknown key 'watchlst' (did you mean 'watchlist'?)"),
        ("max_attempts: lots\n", "line 1: max_attempts: Input should be a valid integer"),
        ("storm_threshold: 0\n", "storm_threshold: Input should be greater than or equal to 1"),
        ("watchlist: [OpenAI\n", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping of settings"),
    ],
)
def test_alert_settings_errors_name_file_line_and_key(tmp_path, text, expected):
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        AlertSettings.load(path)
    assert str(path) in str(err.value) and expected in str(err.value)
    assert check_settings_files(path) and expected in check_settings_files(path)[0]


def test_orchestration_settings_check_cron_and_time_zone(tmp_path):
    path = tmp_path / "settings.yaml"
    path.write_text("crawl_cron: '0 * *'\ncrawl_timezone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(path, OrchestrationSettings)
    assert "line 1: crawl_cron: Value error, must be a cron expression" in str(err.value)
    assert "line 2: crawl_timezone: Value error, must be an IANA time zone" in str(err.value)


def test_a_bad_sources_file_is_reported_before_dagster_is_imported(tmp_path):
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - name: a\n    fed: http://127.0.0.1:9/feed.xml\n", encoding="utf-8")
    code = (
        "import sys; from click.testing import CliRunner; from pipelines.cli import main; "
        f"r = CliRunner().invoke(main, ['run', '--sources', {str(bad)!r}, '--db', {str(tmp_path / 'w.duckdb')!r}]); "
        "print(r.exit_code, 'dagster' in sys.modules, 'scrapy' in sys.modules); print(r.output)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[0] == "1 False False"
    assert "unknown keys: 'fed' (did you mean 'feed'?)" in out
