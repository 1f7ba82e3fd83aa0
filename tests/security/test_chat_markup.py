"""Crawled text in an alert never pings a channel nor plants a disguised link (issue 25 row 6).

Before: evidence holding ``<!channel> <https://evil|Reset SSO> @here`` went out as is: Slack's mrkdwn reads it as
a channel ping and a link, Discord pings @here. The test sends through Apprise's Mattermost plugin (which posts the
text as Slack-style markup and honours @here / @channel) to a receiver on loopback.
"""

from __future__ import annotations

from pipelines.delivery import AppriseChannel, neutralize_markup
from tests.webhook_receiver import WebhookReceiver

HOSTILE = "Kimi K3 beats GPT-6 <!channel> <https://evil.example/reset|Reset SSO> @here @everyone <@U123> <#C9>"


def test_markup_that_pings_or_links_is_made_inert_and_the_words_stay():
    safe = neutralize_markup(HOSTILE)
    for live in ["<!channel>", "<https://", "@here", "@everyone", "<@U123>", "<#C9>"]:
        assert live not in safe
    assert safe.replace("\u200b", "") == HOSTILE  # only zero-width spaces were added
    assert neutralize_markup("3 < 5 and a@b.example") == "3 < 5 and a@b.example"


def test_a_chat_channel_receives_the_alert_text_inert():
    with WebhookReceiver() as rx:
        channel = AppriseChannel([f"mmost://{rx.base}/hooktoken"], timeout_seconds=5)
        channel.send("claimwatch: Kimi K3 @here", HOSTILE, {"alert_ids": ["a1"]}, "a1")
        (post,) = rx.posts
    text = post["body"]["text"]
    assert "Kimi K3 beats GPT-6" in text
    assert "<!channel>" not in text and "@here" not in text and "<https://evil" not in text
