"""Where the files users give are kept: attachments (evidence of stage moves and funds, visit
photos, problem files) and uploaded ledgers until they are imported.

- ``CRM_STORAGE_URL`` unset: the folder UPLOAD_FOLDER (``instance/uploads``) — the embedded default;
- ``s3://BUCKET[/PREFIX]?endpoint=http://HOST:9000``: an S3-compatible object store (MinIO on an
  intranet), with ``CRM_S3_ACCESS_KEY`` and ``CRM_S3_SECRET_KEY`` (``&region=`` if it asks for one).
  Every app node and queue worker then reads and writes the same files: no node keeps any.

A file is named by a key ("3f9a…", "imports/77c2….xlsx"); the code asks this module for it, never
for a path, except to read a ledger, which the readers take as a file (``local_copy``).
"""
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask, current_app


class Folder:
    """Files in a folder of this machine."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def put(self, key: str, data: bytes) -> None:
        self._path(key).write_bytes(data)

    def source(self, key: str) -> Path:
        """What ``send_file`` sends: the file itself."""
        return self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        yield self._path(key)


class Bucket:
    """Objects in an S3-compatible store (boto3's client is safe to share between threads)."""

    def __init__(self, url: str, access_key: str | None, secret_key: str | None):
        import boto3  # only an installation that uses a bucket loads it

        parts = urlsplit(url)
        options = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.bucket, self.prefix = parts.netloc, parts.path.strip("/")
        self.client = boto3.client("s3", endpoint_url=options.get("endpoint"), region_name=options.get("region", "us-east-1"),
                                   aws_access_key_id=access_key, aws_secret_access_key=secret_key)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def source(self, key: str) -> io.BytesIO:
        return io.BytesIO(self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read())

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(key).name
            self.client.download_file(self.bucket, self._key(key), str(path))
            yield path


def init_app(app: Flask) -> None:
    url = app.config.get("STORAGE_URL")
    if url and url.startswith("s3://"):
        app.extensions["storage"] = Bucket(url, app.config.get("S3_ACCESS_KEY"), app.config.get("S3_SECRET_KEY"))
    elif url:
        raise ValueError(f"CRM_STORAGE_URL: unknown store {url!r} (s3://bucket?endpoint=…, or unset for the folder)")
    else:
        app.extensions["storage"] = Folder(Path(app.config.get("UPLOAD_FOLDER") or Path(app.instance_path) / "uploads"))


def files() -> Folder | Bucket:
    return current_app.extensions["storage"]
