"""Downloader middleware: refuse URLs the crawler must not fetch, and pin the address it checked."""

from __future__ import annotations

import ipaddress

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.resolver import dnscache
from scrapy.utils.httpobj import urlparse_cached

from spiders.netguard import UrlRefused, check_url


class RefusedRequest(IgnoreRequest):
    """A request refused before download; carries the fetch-log reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class NetworkGuardMiddleware:
    """Refuse non-http(s) URLs and, unless allowed, hosts that resolve to internal addresses.

    Runs on every request Scrapy downloads, including each redirect hop and robots.txt fetches,
    because redirected requests pass through the downloader middlewares again.
    """

    def __init__(self, allow_private_networks: bool, allow_networks: tuple[str, ...] = ()) -> None:
        self.allow_private_networks = allow_private_networks
        self.allow_networks = allow_networks

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NetworkGuardMiddleware:
        """Read CLAIMWATCH_ALLOW_PRIVATE_NETWORKS from the crawler settings."""
        return cls(
            crawler.settings.getbool("CLAIMWATCH_ALLOW_PRIVATE_NETWORKS", False),
            tuple(crawler.settings.getlist("CLAIMWATCH_ALLOW_NETWORKS")),
        )

    def process_request(self, request: Request, spider: object = None) -> None:
        """Raise :class:`RefusedRequest` for a URL that must not be fetched; pin the address that was checked."""
        try:
            addresses = check_url(request.url, self.allow_private_networks, self.allow_networks)
        except UrlRefused as exc:
            raise RefusedRequest(exc.reason, exc.detail) from exc
        pin_checked_address(urlparse_cached(request).hostname or "", addresses)
        return None


def pin_checked_address(host: str, addresses: list[str]) -> None:
    """Make the download connect to an address the guard checked, not to a second DNS answer.

    Scrapy's default resolver (``CachingThreadedResolver``, IPv4) answers from ``scrapy.resolver.dnscache``
    before asking DNS, so writing the checked IPv4 address there closes the window a rebinding DNS server
    would use between the check and the connect.
    """
    v4 = [a for a in addresses if ":" not in a]
    if host and v4 and not _is_ip_literal(host):
        dnscache[host] = v4[0]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
