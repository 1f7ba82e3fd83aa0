"""Alert targets go through the crawler's network guard (issue 25 row 10).

Before: a subscriptions file could point a channel at ``json://127.0.0.1:PORT`` (any service on the machine or the
private network) or ``syslog://`` and every alert was sent there; a relative ``log_file`` was resolved against
whatever the current directory was when the run started.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.alert_targets import target_problem
from pipelines.cli import main
from pipelines.subscriptions import Subscriptions
from tests.test_alerts import seed
from tests.test_subscriptions import CLAIMS, deliver, subs_for, write
from tests.webhook_receiver import WebhookReceiver
from warehouse.db import connect


def _alert_errors(db: Path) -> list[tuple[str, str | None]]:
    con = connect(db, read_only=True)
    try:
        return con.execute("SELECT status, last_error FROM alerts ORDER BY alert_id").fetchall()
    finally:
        con.close()


def _deliver_to_loopback(tmp_path: Path, head: str) -> tuple[dict[str, int], list[dict], list[dict]]:
    """One alert delivered through a subscriptions file (``head`` + one channel on a loopback receiver).

    Returns the delivery counts, every request the receiver got and those it accepted.
    """
    db = tmp_path / "w.duckdb"
    seed(db, CLAIMS[:1])
    with WebhookReceiver() as rx:
        path = write(tmp_path, f'{head}channels:\n  - {{name: inside, url: "{rx.url("ok")}"}}\n')
        counts = deliver(db, subs_for(path, tmp_path))
    return counts, list(rx.posts), list(rx.accepted)


@pytest.mark.integration
def test_a_channel_on_loopback_is_refused_and_the_reason_recorded(tmp_path):
    counts, posts, _ = _deliver_to_loopback(tmp_path, "")
    assert posts == []  # nothing reached the service on loopback, not even once
    assert counts == {"delivered": 0, "failed": 1, "digests": 0}
    [(status, error)] = _alert_errors(tmp_path / "w.duckdb")
    assert status == "failed" and error.startswith("private_address: json:// 127.0.0.1 resolves to 127.0.0.1")
    assert "allow_private_networks: true" in error


@pytest.mark.integration
def test_the_file_can_allow_private_networks(tmp_path):
    counts, _, accepted = _deliver_to_loopback(tmp_path, "allow_private_networks: true\n")
    assert len(accepted) == 1
    assert counts == {"delivered": 1, "failed": 0, "digests": 0}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("json://127.0.0.1:8080/hook", "private_address"),
        ("jsons://10.1.2.3/hook", "private_address"),
        ("xml://169.254.169.254/latest", "private_address"),  # cloud metadata
        ("json://[::ffff:127.0.0.1]/hook", "private_address"),
        ("json://2130706433/hook", "private_address"),  # 127.0.0.1 as one number
        ("ntfy://localhost/topic", "private_address"),  # a name, resolved
        ("rsyslog://192.168.0.9", "private_address"),
        ("syslog://", "local_delivery"),
    ],
)
def test_private_and_local_targets_are_refused(url, reason):
    problem = target_problem(url, allow_private_networks=False)
    assert problem is not None and problem.startswith(reason + ":")
    assert target_problem(url, allow_private_networks=True) is None


@pytest.mark.parametrize(
    "url",
    [
        "json://8.8.8.8/hook",  # a public address
        "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",  # a hosted service: the "host" is a token
        "discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
    ],
)
def test_public_and_hosted_service_targets_pass(url):
    assert target_problem(url, allow_private_networks=False) is None


def test_alerts_test_names_the_refusal(tmp_path):
    path = write(tmp_path, "channels:\n  - {name: local, url: 'syslog://'}\n")
    result = CliRunner().invoke(main, ["alerts", "test", "--subscriptions", str(path)])
    assert result.exit_code == 1
    refusal = "local (immediate, refused): NOT accepted: local_delivery: syslog:// delivers on this machine"
    assert refusal in result.output


def test_a_relative_log_file_resolves_against_the_subscriptions_file(tmp_path, monkeypatch):
    conf = tmp_path / "conf"
    conf.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = write(conf, "channels:\n  - {name: brief, log_file: logs/brief.jsonl}\n")
    monkeypatch.chdir(elsewhere)
    [channel] = Subscriptions.load(path).channels
    assert channel.log_file == str((conf / "logs" / "brief.jsonl").resolve())
    result = CliRunner().invoke(main, ["alerts", "test", "--subscriptions", str(path)])
    assert result.exit_code == 0, result.output
    assert (conf / "logs" / "brief.jsonl").exists() and not (elsewhere / "logs").exists()
