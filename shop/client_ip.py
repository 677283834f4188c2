"""The address of the person on the other end, behind the proxy that terminates TLS.

X-Forwarded-For is only believed when the connection comes from a proxy we trust
(TRUSTED_PROXIES); otherwise anyone could name any address and dodge the log-in lock-out,
or lock someone else out. Each trusted proxy appends the address it saw, so the header is
read from the right: the first address that is not one of our proxies is the client's.
"""

import ipaddress
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def parse_networks(entries) -> tuple[Network, ...]:
    """ "10.0.0.5", "172.16.0.0/12", "::1" → networks; a typo stops the start-up."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is not an IP address or network."
            ) from None
    return tuple(networks)


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address as a string (what the lock-out is keyed on)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _address(remote)
    if peer is None or not any(peer in net for net in trusted):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (h.strip() for h in forwarded.split(",")) if hop]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage a client wrote: stop at the last address a proxy vouched for
        client = address
        if not any(address in net for net in trusted):
            break
    return str(client)
