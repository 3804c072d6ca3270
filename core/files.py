"""Serving a private file (seals, figures, supporting files, PDFs, exports) from its storage:
the one place a download view opens one.

A file the database names but the storage no longer has (a restore without the files volume, a
volume not shared between hosts, a file removed by hand) is answered with a 404, never a 500, and
logged with its storage name so an operator can find out what went missing.

From an object store (core.object_storage) the file is streamed as it is read from the store:
the web process holds one chunk at a time and writes nothing to its own disk.
"""

import logging
from pathlib import PurePosixPath

from django.core.files.storage import Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


def private_file_response(
    file: FieldFile | str,
    *,
    content_type: str | None = None,
    as_attachment: bool = False,
    filename: str = "",
    cache_control: str = "private, no-cache",
    storage: Storage | None = None,
) -> FileResponse:
    """A streamed response with `file` (a model's FieldFile, or a name in `storage`, by default
    the private storage); Http404 where there is no file or the storage does not have it.
    Without `content_type`, FileResponse takes it from `filename`."""
    if isinstance(file, FieldFile):
        storage, name = file.storage, file.name
    else:
        storage, name = storage or storages["private"], file
    if not name:
        raise Http404
    size = None
    try:
        if hasattr(storage, "open_stream"):  # an object store: read it as it is sent
            handle, size = storage.open_stream(name)
        else:
            handle = storage.open(name, "rb")
    except FileNotFoundError:
        logger.warning("A private file is missing from its storage: %s", name)
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=as_attachment,
        filename=filename or PurePosixPath(name).name,
    )
    if size is not None:
        response["Content-Length"] = str(size)
    response["Cache-Control"] = cache_control
    return response
