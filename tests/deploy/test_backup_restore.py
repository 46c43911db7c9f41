"""Backup and restore round trip, as docs/operations.md tells the IT team to do it.

The demo is loaded into a scratch PostgreSQL database, dumped with `pg_dump --format=custom`, restored
with `pg_restore` into a new empty database, and every table must come back with the same rows (count and
checksum of the contents) and every sequence at the same value. The uploaded files (PRIVATE_MEDIA_ROOT) are
archived with tar and extracted elsewhere, and must come back byte for byte.

Runs when DATABASE_URL names PostgreSQL, or when PHOIHOP_REQUIRE_SERVICES=1 (CI), and then fails, not
skips, when PostgreSQL cannot be reached. The scratch databases are dropped afterwards.
"""

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import environ
import psycopg
import pytest
from psycopg import sql

from ._config import ROOT

pytestmark = [pytest.mark.services, pytest.mark.timeout(900)]

_REQUIRED = os.environ.get("PHOIHOP_REQUIRE_SERVICES") == "1"
_DATABASE_URL = os.environ.get("DATABASE_URL", "")
_POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "psql://", "postgis://")
_ON_POSTGRES = _DATABASE_URL.startswith(_POSTGRES_SCHEMES)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed: the backup procedure (docs/operations.md) needs it")
    return path


def _server() -> dict[str, str]:
    """Connection settings of the PostgreSQL server of DATABASE_URL (the scratch databases go there)."""
    if not _ON_POSTGRES:
        if _REQUIRED:
            pytest.fail(f"PHOIHOP_REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL: {_DATABASE_URL!r}")
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://… (or PHOIHOP_REQUIRE_SERVICES=1 in CI)")
    config = environ.Env.db_url_config(_DATABASE_URL)
    params = {
        "host": config.get("HOST") or None,
        "port": str(config.get("PORT") or "") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    params = {key: value for key, value in params.items() if value}
    try:
        connection = psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL of DATABASE_URL is unreachable: {error}")
    connection.close()
    return params


@contextlib.contextmanager
def _scratch_databases(server):
    """Two fresh database names on the server, dropped afterwards whatever happens."""
    suffix = os.getpid()
    names = (f"phoihop_backup_src_{suffix}", f"phoihop_backup_dst_{suffix}")

    def drop_all():
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
            for name in names:
                connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    drop_all()
    try:
        yield names
    finally:
        drop_all()


def _create_database(server, name):
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))


def _django_url(server, name) -> str:
    from urllib.parse import quote

    credentials = quote(server.get("user", ""), safe="")
    if server.get("password"):
        credentials += ":" + quote(server["password"], safe="")
    host = server.get("host", "")
    if host.startswith("/"):  # a Unix socket directory
        host = quote(host, safe="")
    port = f":{server['port']}" if server.get("port") else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{name}"


def _libpq_env(server, name) -> dict[str, str]:
    """The environment pg_dump / pg_restore read (PGHOST, …): no password on the command line."""
    env = dict(os.environ)
    keys = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env.update({keys[key]: value for key, value in server.items()})
    env["PGDATABASE"] = name
    return env


def _manage(*args, database_url: str, var_dir: Path, media_dir: Path) -> subprocess.CompletedProcess:
    """manage.py in a subprocess on the scratch database, with its own var/ and no shared broker."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "CELERY_", "REDIS_", "DATABASE_", "PRIVATE_MEDIA", "PHOIHOP_"))
    }
    env.update(
        DJANGO_ENV="development",
        DATABASE_URL=database_url,
        PHOIHOP_VAR_DIR=str(var_dir),
        PRIVATE_MEDIA_ROOT=str(media_dir),
        # Tasks queued while seeding stay in files of this test: no worker of anyone else's picks them up.
        CELERY_BROKER_URL="filesystem://",
        EMAIL_URL="consolemail://",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _snapshot(server, name) -> dict[str, tuple]:
    """Per table: row count and md5 of all rows as text, in a stable order; per sequence: its position."""
    snapshot = {}
    with psycopg.connect(dbname=name, **server) as connection:
        tables = connection.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
            "ORDER BY 1, 2"
        ).fetchall()
        for schema, table in tables:
            query = sql.SQL("SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {} AS t").format(
                sql.Identifier(schema, table)
            )
            snapshot[f"table {schema}.{table}"] = connection.execute(query).fetchone()
        sequences = connection.execute(
            "SELECT schemaname, sequencename, last_value FROM pg_sequences ORDER BY 1, 2"
        ).fetchall()
        for schema, sequence, last_value in sequences:
            snapshot[f"sequence {schema}.{sequence}"] = (last_value,)
    return snapshot


def _file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_demo_database_and_uploaded_files_survive_backup_and_restore(tmp_path):
    # Checked in the test, not in a fixture: an unreachable server is a failure of this test, not an error.
    server = _server()
    with _scratch_databases(server) as (source, target):
        _round_trip(server, source, target, tmp_path)


def _round_trip(server, source, target, tmp_path):
    pg_dump, pg_restore, tar = _tool("pg_dump"), _tool("pg_restore"), _tool("tar")
    var_dir, media = tmp_path / "var", tmp_path / "private"

    # The demo, as a site would have it: migrated, seeded, with uploaded files.
    _create_database(server, source)
    source_url = _django_url(server, source)
    _manage("migrate", "--noinput", database_url=source_url, var_dir=var_dir, media_dir=media)
    _manage("seed_demo", database_url=source_url, var_dir=var_dir, media_dir=media)
    uploads = media / "submissions" / "2024" / "mttq"
    uploads.mkdir(parents=True)
    (uploads / "Báo cáo kết quả phối hợp năm 2024.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(64 * 1024))
    (uploads / "phụ lục.xlsx").write_bytes(os.urandom(4096))
    (media / "empty.txt").write_bytes(b"")

    before = _snapshot(server, source)
    assert before["table public.auth_user"][0] >= 11, "seed_demo did not load the demo accounts"
    assert before["table public.django_migrations"][0] > 0
    seeded = [key for key, value in before.items() if key.startswith("table") and value[0]]
    assert len(seeded) >= 10, f"too few tables hold data to prove anything: {seeded}"

    # Backup: the commands of docs/operations.md.
    dump = tmp_path / "phoihop.dump"
    archive = tmp_path / "phoihop-media.tar.gz"
    subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
        env=_libpq_env(server, source),
        check=True,
        timeout=300,
    )
    subprocess.run([tar, "-C", str(media), "-czf", str(archive), "."], check=True, timeout=300)
    assert dump.stat().st_size > 0

    # Restore into an empty database and an empty folder.
    _create_database(server, target)
    subprocess.run(
        [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={target}", str(dump)],
        env=_libpq_env(server, target),
        check=True,
        timeout=300,
    )
    restored_media = tmp_path / "restored-private"
    restored_media.mkdir()
    subprocess.run([tar, "-C", str(restored_media), "-xzf", str(archive)], check=True, timeout=300)

    after = _snapshot(server, target)
    assert sorted(after) == sorted(before), "the restored database does not have the same tables and sequences"
    different = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert not different, f"restored contents differ: {different}"
    assert _file_digests(restored_media) == _file_digests(media)
    assert len(_file_digests(media)) >= 3

    # The restored database is one the app accepts as is: nothing left to migrate.
    _manage(
        "migrate",
        "--check",
        database_url=_django_url(server, target),
        var_dir=var_dir,
        media_dir=restored_media,
    )
