"""Throwaway PostgreSQL and Redis for the replicated setup: Rasa's tracker store and lock store.

`elvie run` with `replicas: 2` (and no `tracker_store_url` / `lock_store_url`) and the tests start them
here, on free ports, in a fresh directory under the system's temporary directory that is removed at
exit. They run as children of the supervisor (own process group, log in var/log, stopped with the rest).

PostgreSQL refuses to run as root, so when Elvie runs as root (CI does) both servers run as the system
user `elvie-db`, created with `useradd --system` when missing, through `runuser`.
"""
from __future__ import annotations

import atexit
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .supervisor import ChildSpec, free_port

STORE_USER = "elvie-db"
DB_USER = "elvie"
DB_NAME = "rasa"
LOCK_DB = 1  # Redis database for Rasa's conversation locks


class StoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class PostgresAddress:
    host: str
    port: int
    user: str = DB_USER
    database: str = DB_NAME
    password: str = ""

    def __repr__(self) -> str:  # never print the password
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"


@dataclass(frozen=True)
class RedisAddress:
    host: str
    port: int
    db: int = LOCK_DB
    password: str = ""

    def __repr__(self) -> str:
        return f"redis://{self.host}:{self.port}/{self.db}"


def parse_postgres_url(url: str, password: str) -> PostgresAddress:
    """`postgresql://user@host:port/db`; the password comes from the environment, never the config file."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise StoreError(f"tracker_store_url {url!r}: expected postgresql://user@host:port/database")
    return PostgresAddress(host=parts.hostname, port=parts.port or 5432, user=parts.username or DB_USER,
                           database=parts.path.strip("/") or DB_NAME, password=password)


def parse_redis_url(url: str, password: str) -> RedisAddress:
    parts = urlsplit(url)
    if parts.scheme != "redis" or not parts.hostname:
        raise StoreError(f"lock_store_url {url!r}: expected redis://host:port/db")
    db = parts.path.strip("/")
    return RedisAddress(host=parts.hostname, port=parts.port or 6379, db=int(db) if db.isdigit() else LOCK_DB,
                        password=password)


def _is_root() -> bool:
    return os.geteuid() == 0


def ensure_store_user() -> str | None:
    """The system user the stores run as when Elvie is root (created if missing); None otherwise."""
    if not _is_root():
        return None
    try:
        pwd.getpwnam(STORE_USER)
    except KeyError:
        result = subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                                 STORE_USER], capture_output=True, text=True)
        if result.returncode != 0:
            raise StoreError(f"could not create the system user {STORE_USER} for PostgreSQL: "
                             f"{result.stderr.strip()}") from None
    return STORE_USER


def as_store_user(argv: list[str], user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--", *argv] if user else argv


def _give(path: Path, user: str | None) -> None:
    if user:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def _need(program: str, package: str) -> str:
    found = shutil.which(program)
    if not found:
        raise StoreError(f"'{program}' is not on PATH: install the Debian package {package} "
                         f"(apt-get install {package}) or set tracker_store_url / lock_store_url")
    return found


@dataclass
class ThrowawayStores:
    """A fresh PostgreSQL cluster and a Redis, ready to be started by the supervisor."""

    directory: Path
    postgres: PostgresAddress
    redis: RedisAddress
    user: str | None

    @classmethod
    def create(cls, host: str = "127.0.0.1") -> "ThrowawayStores":
        _need("initdb", "postgresql")
        _need("postgres", "postgresql")
        _need("redis-server", "redis-server")
        user = ensure_store_user()
        directory = Path(tempfile.mkdtemp(prefix="elvie-stores-"))
        directory.chmod(0o711)  # the store user reaches its own subdirectories, nothing else
        atexit.register(shutil.rmtree, directory, True)
        stores = cls(directory=directory,
                     postgres=PostgresAddress(host=host, port=free_port(host), password=secrets.token_hex(16)),
                     redis=RedisAddress(host=host, port=free_port(host), password=secrets.token_hex(16)),
                     user=user)
        stores._init_postgres()
        stores._write_redis_config()
        return stores

    @property
    def pg_data(self) -> Path:
        return self.directory / "postgres"

    def _init_postgres(self) -> None:
        self.pg_data.mkdir(mode=0o700)
        _give(self.pg_data, self.user)
        pwfile = self.directory / "pgpass"
        pwfile.write_text(self.postgres.password + "\n", encoding="utf-8")
        pwfile.chmod(0o600)
        _give(pwfile, self.user)
        try:
            result = subprocess.run(as_store_user(
                ["initdb", "-D", str(self.pg_data), "-U", self.postgres.user, f"--pwfile={pwfile}",
                 "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8"], self.user),
                capture_output=True, text=True, cwd=self.directory)
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise StoreError(f"initdb failed in {self.pg_data}:\n{result.stderr[-2000:]}")

    def _write_redis_config(self) -> None:
        data = self.directory / "redis"
        data.mkdir(mode=0o700)
        _give(data, self.user)
        config = data / "redis.conf"
        # in a file, not on the command line: `ps` would show the password
        config.write_text(f"bind {self.redis.host}\nport {self.redis.port}\nrequirepass {self.redis.password}\n"
                          f"dir {data}\nsave \"\"\nappendonly no\nprotected-mode yes\n", encoding="utf-8")
        config.chmod(0o600)
        _give(config, self.user)

    def specs(self) -> list[ChildSpec]:
        postgres = ChildSpec("PostgreSQL", as_store_user(
            ["postgres", "-D", str(self.pg_data), "-h", self.postgres.host, "-p", str(self.postgres.port),
             "-k", str(self.pg_data)], self.user), self.postgres.port, self.postgres.host, ready_timeout_s=30)
        redis = ChildSpec("Redis", as_store_user(["redis-server", str(self.directory / "redis" / "redis.conf")],
                                                 self.user), self.redis.port, self.redis.host, ready_timeout_s=15)
        return [postgres, redis]


def ensure_database(address: PostgresAddress, timeout_s: float = 20.0) -> None:
    """Create Rasa's database if it does not exist (once, before any Rasa replica starts)."""
    import time

    import psycopg2

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            connection = psycopg2.connect(host=address.host, port=address.port, user=address.user,
                                          password=address.password, dbname="postgres", connect_timeout=3)
            break
        except psycopg2.OperationalError as exc:  # still starting up
            if time.monotonic() > deadline:
                raise StoreError(f"PostgreSQL at {address!r} does not accept connections: "
                                 f"{str(exc).strip()}") from None
            time.sleep(0.3)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (address.database,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{address.database}"')
    finally:
        connection.close()
