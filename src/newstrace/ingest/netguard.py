"""What a fetch may reach and for how long: a total deadline and a public-address rule, at the socket.

Both are enforced where connections are made and bytes are read (an httpcore network backend), so
they hold for every hop of a redirect chain and for every address a name resolves to at connect
time (a name that resolves to a public address when checked and a private one when used cannot
slip through).
"""
from __future__ import annotations

import contextvars
import ipaddress
import socket
import ssl
import time
import typing
from contextlib import contextmanager
from typing import Iterator

import httpcore

from ..errors import ForbiddenAddress

# The monotonic time by which the current fetch must be over (None: no deadline).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("newstrace_fetch_deadline", default=None)


@contextmanager
def fetch_deadline(seconds: float) -> Iterator[float]:
    """Every connect, read and write inside the block shares one deadline `seconds` from now."""
    deadline = time.monotonic() + seconds
    token = _DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    """The socket timeout for one operation: at most what is left of the deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the fetch's total time limit was reached")
    return left if timeout is None else min(timeout, left)


def is_public(ip: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local, reserved...)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


class _DeadlineStream(httpcore.NetworkStream):
    """A connected stream whose every read and write ends by the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _clamp(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to public addresses (unless allowed), each operation within the deadline."""

    def __init__(self, allow_private: bool = False) -> None:
        self.allow_private = allow_private
        self._backend = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as e:
            raise httpcore.ConnectError(f"{host} cannot be resolved: {e.strerror or e}") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        if not self.allow_private:
            refused = [a for a in addresses if not is_public(a)]
            if refused:
                raise ForbiddenAddress(
                    f"{host} resolves to {refused[0]}, a loopback, private, link-local or reserved "
                    "address; newstrace fetches only public addresses (pass --allow-private or set "
                    "NEWSTRACE_ALLOW_PRIVATE=1 to fetch from your own network)", source=host)
        last: Exception | None = None
        for address in addresses:  # connect to the address checked, never re-resolve
            try:
                stream = self._backend.connect_tcp(address, port, _clamp(timeout, httpcore.ConnectTimeout),
                                                   local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last = e
        raise last or httpcore.ConnectError(f"{host} has no address")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
