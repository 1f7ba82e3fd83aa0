from __future__ import annotations

import pytest

from spiders.netguard import UrlRefused, check_url, is_internal_address
from spiders.urls import canonicalize_url


def test_canonicalize_strips_tracking_and_fragments():
    got = canonicalize_url("HTTPS://News.Example.com:443/a/b.html?utm_source=rss&id=7&fbclid=x&utm_medium=feed#top")
    assert got == "https://news.example.com/a/b.html?id=7"
    assert canonicalize_url("http://example.com:8080") == "http://example.com:8080/"
    assert canonicalize_url("http://x.org/p?b=2&a=1") == "http://x.org/p?a=1&b=2"


@pytest.mark.parametrize(
    "addr",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.5",
        "172.16.9.9",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ],
)
def test_internal_addresses(addr):
    assert is_internal_address(addr)


def test_public_address_is_not_internal():
    assert not is_internal_address("93.184.216.34")


def test_refuses_loopback_and_private_hosts_unless_allowed():
    with pytest.raises(UrlRefused) as e:
        check_url("http://127.0.0.1:8000/feed.xml", allow_private_networks=False)
    assert e.value.reason == "private_address"
    with pytest.raises(UrlRefused):
        check_url("http://localhost/feed.xml", allow_private_networks=False)
    check_url("http://127.0.0.1:8000/feed.xml", allow_private_networks=True)
    check_url("https://93.184.216.34/x", allow_private_networks=False)


def test_refuses_other_schemes_even_when_private_allowed():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x/"):
        with pytest.raises(UrlRefused) as e:
            check_url(url, allow_private_networks=True)
        assert e.value.reason == "unsupported_scheme"


def test_allow_networks_opens_only_the_listed_ranges():
    check_url("http://127.0.0.1/x", allow_private_networks=False, allow_networks=("127.0.0.0/8",))
    with pytest.raises(UrlRefused):
        check_url("http://10.0.0.1/x", allow_private_networks=False, allow_networks=("127.0.0.0/8",))
