"""Alert targets through the crawler's network guard.

A subscription cannot turn alerts into requests to the machine itself or to the private network, unless its
file says so (``allow_private_networks: true``).

Which URLs carry an address the operator chose is Apprise's own knowledge: a plugin with a plain ``protocol``
(``json://``, ``xml://``, ``form://``, ``ntfy://``, ``gotify://``, ``mailto://``, ``syslog://``, ...) talks to the
host in its URL, or to this machine when the URL has none (``syslog://``); a plugin with only a
``secure_protocol`` (``slack://``, ``discord://``, ``tgram://``, ...) talks to its service's fixed public endpoint,
and what looks like a host in its URL is a token.
"""

from __future__ import annotations

from spiders.netguard import UrlRefused, check_host


def target_problem(url: str, allow_private_networks: bool) -> str | None:
    """Why alerts must not go to ``url`` (``private_address: ...``, ``local_delivery: ...``), or None.

    An URL Apprise cannot read is not judged here: the channel reports it when it sends. The host is resolved
    now and Apprise resolves it again when it sends; a DNS answer that changes in between is not caught.
    """
    if allow_private_networks:
        return None
    import apprise  # heavy: only when a subscription names a URL

    plugin = apprise.Apprise.instantiate(url)
    if plugin is None or not getattr(plugin, "protocol", None):
        return None
    scheme = url.split("://", 1)[0].lower()
    host = str(getattr(plugin, "host", "") or "").strip("[] ")
    if not host:
        return f"local_delivery: {scheme}:// delivers on this machine; set allow_private_networks: true to allow it"
    try:
        check_host(host)
    except UrlRefused as exc:
        return f"{exc.reason}: {scheme}:// {exc.detail}; set allow_private_networks: true to allow it"
    return None
