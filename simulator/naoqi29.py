"""NAOqi 2.9 mode: the virtual Pepper behind `tcps` with user/password authentication.

A NAOqi 2.9 robot only accepts TLS connections (`tcps://robot:9503`) whose first qi message
carries the user and password (libqi's authentication capabilities `auth_user` / `auth_token`).
qi's Python binding can neither listen on tcps nor check credentials, so this gate does it in
front of the simulator's qi server, which then listens on loopback only: it terminates TLS with a
certificate made at start (self-signed, like a robot's), reads the client's first message, and
forwards the connection only when the credentials match; otherwise it closes it, as the robot
refuses a failed authentication. All further traffic (every service call) goes through the same
authenticated connection.
"""
from __future__ import annotations

import datetime
import hmac
import ipaddress
import logging
import re
import socket
import ssl
import struct
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

MAGIC = b"B\xde\xadB"
HEADER = 28  # magic, id, size, version, type, flags, service, object, action
MAX_FIRST_MESSAGE = 64 * 1024


def make_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    """A fresh self-signed certificate and key (EC P-256) for `host`, valid for a week."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "virtual-pepper")])
    now = datetime.datetime.now(datetime.timezone.utc)
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    try:
        names.append(x509.IPAddress(ipaddress.ip_address(host)))
    except ValueError:
        names.append(x509.DNSName(host))
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "virtual-pepper.crt", folder / "virtual-pepper.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def credentials(message: bytes) -> tuple[str | None, str | None]:
    """The `auth_user` and `auth_token` strings of a qi capability map, if present."""
    found: dict[str, str] = {}
    for key in ("auth_user", "auth_token"):
        # the value is a dynamic ('m') holding a string, possibly wrapped in further dynamics
        match = re.search(key.encode() + rb"(?:\x01\x00\x00\x00m)*\x01\x00\x00\x00s(.{4})", message, re.S)
        if match:
            (length,) = struct.unpack("<I", match.group(1))
            start = match.end()
            found[key] = message[start:start + length].decode("utf-8", "replace")
    return found.get("auth_user"), found.get("auth_token")


def _read_exactly(sock, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class TlsAuthGate:
    """Listens on tcps://host:port and forwards authenticated connections to the qi server at `backend`."""

    def __init__(self, host: str, port: int, backend_port: int, user: str, password: str):
        self._backend_port = backend_port
        self._user, self._password = user, password
        self._folder = tempfile.TemporaryDirectory(prefix="virtual-pepper-tls-")
        cert, key = make_certificate(Path(self._folder.name), host)
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.minimum_version = ssl.TLSVersion.TLSv1_2
        self._context.load_cert_chain(cert, key)
        self._listener = socket.create_server((host, port))
        self._listener.settimeout(0.5)
        self.host, self.port = host, self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.refused = 0
        self._thread = threading.Thread(target=self._accept, name="naoqi29-gate", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcps://{self.host}:{self.port}"

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for sock in list(self._sockets):
                try:
                    sock.close()
                except OSError:
                    pass
        self._thread.join(timeout=2)
        self._folder.cleanup()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(10)
            client = self._context.wrap_socket(conn, server_side=True)
            header = _read_exactly(client, HEADER)
            if header[:4] != MAGIC:
                raise ConnectionError("not a qi client")
            (size,) = struct.unpack("<I", header[8:12])
            if size > MAX_FIRST_MESSAGE:
                raise ConnectionError("first message too large")
            first = header + _read_exactly(client, size)
            user, token = credentials(first)
            if not (user is not None and token is not None and hmac.compare_digest(user, self._user)
                    and hmac.compare_digest(token, self._password)):
                self.refused += 1
                log.warning("NAOqi 2.9 gate: authentication failed%s", " (no credentials)" if user is None else "")
                client.close()
                return
            client.settimeout(None)
            backend = socket.create_connection(("127.0.0.1", self._backend_port))
            backend.sendall(first)
        except (OSError, ConnectionError, ssl.SSLError) as exc:
            log.info("NAOqi 2.9 gate: connection dropped (%s)", exc)
            conn.close()
            return
        with self._lock:
            self._sockets.update((client, backend))
        threading.Thread(target=self._pipe, args=(client, backend), daemon=True).start()
        self._pipe(backend, client)

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.close()
                except OSError:
                    pass
            with self._lock:
                self._sockets.discard(source)
                self._sockets.discard(target)
