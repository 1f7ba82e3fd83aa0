"""Refuse URLs whose host resolves to a private, loopback, link-local or otherwise internal address."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")


class UrlRefused(Exception):
    """A URL the crawler must not fetch; ``reason`` is a short code an operator can group by."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


# IPv6 forms that carry an IPv4 address a packet may end up at: NAT64's well-known prefix (RFC 6052) and the
# deprecated IPv4-compatible ::a.b.c.d; 6to4, Teredo and IPv4-mapped are unwrapped by ipaddress itself.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address embeds (6to4, Teredo, IPv4-mapped, NAT64, IPv4-compatible)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped:
        found.append(ip.ipv4_mapped)
    if ip.sixtofour:
        found.append(ip.sixtofour)
    if ip.teredo:
        found.extend(ip.teredo)
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def is_internal_address(addr: str) -> bool:
    """True for addresses that are not on the public internet, including IPv6 forms wrapping one."""
    ip = ipaddress.ip_address(addr.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and any(is_internal_address(str(v4)) for v4 in embedded_ipv4(ip)):
        return True
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, allow_private_networks: bool, allow_networks: tuple[str, ...] = ()) -> list[str]:
    """Raise :class:`UrlRefused` unless ``url`` may be fetched; return the addresses checked.

    Only http(s) is fetched; unless private networks are allowed, the host must resolve only to
    public addresses (or to networks listed in ``allow_networks``, CIDR strings). The caller should
    connect to one of the returned addresses (see ``NetworkGuardMiddleware``), not resolve the host
    again: a second answer could point elsewhere (DNS rebinding). Empty when nothing was resolved.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UrlRefused("unsupported_scheme", f"only http(s) is fetched: {url}")
    host = parts.hostname
    if not host:
        raise UrlRefused("invalid_url", f"no host in {url}")
    if allow_private_networks:
        return []
    return check_host(host, allow_networks)


def check_host(host: str, allow_networks: tuple[str, ...] = ()) -> list[str]:
    """Raise :class:`UrlRefused` unless ``host`` resolves only to public addresses (or ``allow_networks``).

    Returns the addresses checked. Used by :func:`check_url` for the crawler and by the alert channels.
    """
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError) as exc:
        raise UrlRefused("dns_error", f"{host}: {exc}") from exc
    allowed = [ipaddress.ip_network(n, strict=False) for n in allow_networks]
    internal = [
        a for a in addresses if is_internal_address(a) and not any(ipaddress.ip_address(a) in n for n in allowed)
    ]
    if internal:
        raise UrlRefused("private_address", f"{host} resolves to {', '.join(internal)}")
    return addresses
