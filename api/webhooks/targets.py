"""Which URLs Sinergi calls: HTTPS to public addresses only.

A webhook makes Sinergi's server send requests to an address an agency chose. Without
these checks an endpoint could point into the server's own network (the database, a
cloud metadata service, an agency's intranet): server-side request forgery. The address
is checked when the endpoint is registered and again at every delivery, and the request
then goes to the very address that was checked, so a DNS answer that changes in between
(DNS rebinding) cannot steer it elsewhere.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

# With WEBHOOK_ALLOW_LOCAL_URLS (development, tests), plain http is allowed to these.
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class UnsafeTarget(ValueError):
    """The URL may not be called; the message says why, without echoing secrets."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    address: str  # the checked IP address the connection goes to


def _address_allowed(address: str) -> bool:
    if settings.WEBHOOK_ALLOW_LOCAL_URLS:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 is 10.0.0.1
    return ip.is_global and not ip.is_multicast


def _split(url: str):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeTarget(_("This is not a valid URL.")) from error
    if parts.username or parts.password:
        raise UnsafeTarget(_("Do not put a user name or password in the URL."))
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeTarget(_("This is not a valid URL."))
    local_http = settings.WEBHOOK_ALLOW_LOCAL_URLS and host in LOCAL_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and local_http):
        raise UnsafeTarget(_("Use an https:// address."))
    if parts.fragment:
        raise UnsafeTarget(_("Leave out the #fragment: it is never sent."))
    default_port = 443 if parts.scheme == "https" else 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or default_port, path


def _resolve(host: str, port: int) -> list[str]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise UnsafeTarget(_("The host name cannot be resolved.")) from error
    return list(dict.fromkeys(answer[4][0] for answer in answers))


def webhook_target(url: str) -> Target:
    """The checked target of ``url``; raises UnsafeTarget when it may not be called.

    Every address the name resolves to must be public: one private answer among public
    ones would let a resolver that rotates its answers reach inside.
    """
    scheme, host, port, path = _split(url)
    addresses = _resolve(host, port)
    if not addresses or not all(_address_allowed(address) for address in addresses):
        raise UnsafeTarget(_("This address is not on the public internet."))
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])
