"""Who sent the request: the client's address, and whether its peer is a proxy we trust.

A load balancer appends the address it saw to ``X-Forwarded-For`` and may send a
request id. Anyone else can send those headers too, so they are believed only from
the addresses named in ``TRUSTED_PROXIES`` (``127.0.0.1,10.0.0.0/8``): a client
that reaches an app server directly is known by its own address, whatever it
claims, and cannot step out of the per-address rate limits.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address: str) -> bool:
    """Return True if ``address`` is one of the proxies named in ``TRUSTED_PROXIES``."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def from_trusted_proxy(request) -> bool:
    """Return True if the request's peer is a trusted proxy: its headers may be believed."""
    return is_trusted_proxy(request.META.get("REMOTE_ADDR", ""))


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the one the trusted proxies saw.

    ``X-Forwarded-For`` is read from the right, through the trusted proxies only:
    the first address that is not one of them is the client. Whatever a client put
    further left is its own claim and is ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not is_trusted_proxy(hop):
            return hop
    return peer
