"""The private storage: where seals, figures, supporting files, PDFs and exports are kept.

Settings choose it (portal/settings.py, STORAGES["private"]): a folder on this host
(PrivateFileSystemStorage, MEDIA_ROOT; the default, for one host or hosts that share a disk),
or an S3-compatible object store when S3_BUCKET is set (core.object_storage.PrivateS3Storage),
so that any web host and any worker read what another wrote. Either way no stored file ever has
a URL: downloads are streamed by access-checked views (core.files), and asking a private storage
for a URL is an error, so no public or signed link to a file can reach a page.
"""

from django.core.files.storage import FileSystemStorage


class PrivateURLRefused(NotImplementedError):
    """A private file has no URL of its own: serve it through an access-checked view."""


class NoURLs:
    """Mixed into a private storage: url() refuses, whatever the backend could sign."""

    def url(self, name, *args, **kwargs):
        raise PrivateURLRefused(
            f"Private files have no URL; serve {name!r} through an access-checked view "
            "(core.files.private_file_response)."
        )


class PrivateFileSystemStorage(NoURLs, FileSystemStorage):
    """Private files in a folder of this host (MEDIA_ROOT), which no web server serves."""
