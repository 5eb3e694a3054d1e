"""Which addresses an outbound webhook may reach: public ones, and what an admin allows.

IPv6 forms that stand for an IPv4 address (mapped, NAT64, 6to4, Teredo, SIIT, IPv4-compatible)
are judged by that IPv4 address, so none of them is a way into the intranet."""

from __future__ import annotations

import ipaddress

import pytest

from loomworks.automation.delivery.webhook import permitted

REFUSED = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "fec0::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "64:ff9b::a00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::a00:1",
    "2002:a00:1::1",
    "::10.0.0.1",
    "::ffff:0:a00:1",
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",
]
ALLOWED = ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_internal_addresses_are_refused(address: str) -> None:
    assert not permitted(address, [])


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert permitted(address, [])


def test_an_allowlisted_network_is_reachable() -> None:
    networks = [ipaddress.ip_network("10.1.0.0/16")]
    assert permitted("10.1.2.3", networks)
    assert not permitted("10.2.0.1", networks)
