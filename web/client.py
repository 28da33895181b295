"""The client's address: the peer's, or X-Forwarded-For's when the peer is a trusted proxy."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: Sequence[str]) -> str:
    """Walk X-Forwarded-For from the right while the hop is a trusted proxy; the first hop that
    is not is the client. A header from an untrusted peer is ignored (anyone can write it)."""
    networks = _networks(tuple(trusted_proxies))
    if not networks or not _trusted(peer, networks) or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop[:100]
    return hops[0][:100] if hops else peer


def request_address(request: Request) -> str:
    peer = request.client.host if request.client else "?"
    settings = request.app.state.settings
    return client_address(peer, request.headers.get("x-forwarded-for"), settings.trusted_proxies)
