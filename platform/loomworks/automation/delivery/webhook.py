"""Outbound webhook calls, refusing internal addresses unless an admin allowed them.

A rule is written by a builder, not an admin, and runs on the server: without a guard it
could reach the database port, a cloud metadata service or an intranet page. So the host
is resolved here, every address it resolves to must be public (or inside a network of
``LOOMWORKS_WEBHOOK_ALLOW``), and the connection goes to that checked address (the Host
header and TLS name stay the host's), so a second DNS answer cannot swap it. Redirects are
not followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

from ...config import Settings
from .base import DeliveryFailed

USER_AGENT = "Loomworks-Webhook/1"
MAX_RESPONSE = 64 * 1024
RETRYABLE = frozenset({408, 425, 429})


def send_webhook(settings: Settings, payload: dict[str, Any], key: str) -> str:
    try:
        parts = urlsplit(payload["url"])
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise DeliveryFailed(f"not a valid address: {payload['url'][:200]}", permanent=True) from None
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        raise DeliveryFailed(f"not an http(s) address: {payload['url'][:200]}", permanent=True)
    address = checked_address(host, port, settings.webhook_allow)
    method = payload.get("method", "POST")
    body = None if method == "GET" else json.dumps(payload.get("body"), ensure_ascii=False).encode()
    headers = {**payload.get("headers", {}), **_own_headers(key, body, payload.get("secret"))}
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts.scheme, host, port, address, settings.webhook_timeout_s)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(MAX_RESPONSE).decode("utf-8", "replace")[:300]
    except (OSError, http.client.HTTPException) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
    finally:
        connection.close()
    status = response.status
    if 200 <= status < 300:
        return f"HTTP {status}"
    detail = f"HTTP {status} {response.reason}: {excerpt}".strip()
    if 300 <= status < 400:
        raise DeliveryFailed(f"{detail} (redirects are not followed)", permanent=True)
    raise DeliveryFailed(detail, permanent=400 <= status < 500 and status not in RETRYABLE)


def checked_address(host: str, port: int, allow: tuple[str, ...]) -> str:
    """The address to connect to, if every address ``host`` resolves to may be reached."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise DeliveryFailed(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    networks = [ipaddress.ip_network(cidr, strict=False) for cidr in allow]
    for address in addresses:
        if not permitted(address, networks):
            raise DeliveryFailed(
                f"{host} resolves to {address}, which is not a public address; an admin may allow it"
                " with LOOMWORKS_WEBHOOK_ALLOW",
                permanent=True,
            )
    return addresses[0]


def permitted(address: str, networks: list[Any]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip.version == network.version and ip in network for network in networks):
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or any(ip in net for net in LOCAL_NAT64):
            return False
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            return permitted(str(embedded), networks)
    return ip.is_global and not ip.is_multicast


#: IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, IPv4-compatible, SIIT).
NAT64 = tuple(ipaddress.ip_network(n) for n in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96"))
#: Local-use NAT64 (RFC 8215): translated to addresses of the operator's own choosing.
LOCAL_NAT64 = (ipaddress.ip_network("64:ff9b:1::/48"),)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo, NAT64), if any:
    it is the one that must be public, or ``64:ff9b::10.0.0.1`` would reach an intranet."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in NAT64) and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>``: receivers recompute it with the
    shared secret and refuse stale timestamps, so a captured call cannot be replayed later."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _own_headers(key: str, body: bytes | None, secret: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Idempotency-Key": key}
    if body is not None:
        headers["Content-Type"] = "application/json; charset=utf-8"
    if secret:
        headers["X-Loomworks-Signature"] = signature(secret, int(time.time()), body or b"")
    return headers


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(scheme: str, host: str, port: int, address: str, timeout: float) -> http.client.HTTPConnection:
    if scheme == "https":
        return _PinnedHTTPSConnection(host, port, address, timeout)
    return _PinnedHTTPConnection(host, port, address, timeout)
