"""Private files on an S3-compatible object store (S3_BUCKET set; portal/settings.py).

Any S3 API works: SeaweedFS (CI and the compose `scale` profile), MinIO, Ceph, a cloud's. The
bucket stays private: objects are written without an ACL (the bucket's own policy, which must
not be public, governs them), no URL is ever made for one (core.storage.NoURLs: no public link,
no query-string-signed link), and downloads are read by the portal with its own keys and streamed
to the user by the access-checked views (core.files), a chunk at a time.

What is fixed here rather than in the environment: a name already taken gets a fresh one
(FileSystemStorage's behaviour; django-storages would overwrite by default), SigV4 signing,
bounded timeouts and retries, and files read whole (the PDF's images, digests at freeze) are held
in memory up to SPOOL_BYTES, then in a temporary file that is gone when the file is closed.
"""

from botocore.config import Config
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from core.storage import NoURLs

SPOOL_BYTES = 8 * 1024 * 1024


class PrivateS3Storage(NoURLs, S3Storage):
    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "file_overwrite": False,
            "querystring_auth": False,
            "default_acl": None,
            "signature_version": "s3v4",
            "max_memory_size": SPOOL_BYTES,
        }

    def __init__(self, **settings):
        super().__init__(**settings)  # builds client_config from addressing_style and signing
        retries = {"max_attempts": 3, "mode": "standard"}
        self.client_config = self.client_config.merge(
            Config(connect_timeout=5, read_timeout=60, retries=retries)
        )

    def open_stream(self, name: str):
        """(body, size) of a stored object, the body read from the store as it is consumed:
        a download holds one chunk in memory and writes nothing to this host's disk.
        FileNotFoundError where the store has no such object."""
        key = self._normalize_name(clean_name(name))
        try:
            response = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as error:
            if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
        return response["Body"], response["ContentLength"]
