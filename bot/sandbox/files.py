"""Files the simulated Telegram holds: uploads from the bot and documents users send."""

from __future__ import annotations

import itertools
import mimetypes
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    """One multipart file part as the bot uploaded it."""

    filename: str
    content: bytes
    mime_type: str | None = None


@dataclass(frozen=True)
class StoredFile:
    """A file Telegram knows, reachable by file_id and downloadable by file_path."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    content: bytes
    mime_type: str | None

    def document_json(self) -> dict[str, object]:
        """Render as a Bot API Document."""
        doc: dict[str, object] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "file_size": len(self.content),
        }
        if self.mime_type:
            doc["mime_type"] = self.mime_type
        return doc

    def photo_json(self) -> list[dict[str, object]]:
        """Render as a Bot API photo (one PhotoSize; the sim does not decode images)."""
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": 320,
                "height": 320,
                "file_size": len(self.content),
            }
        ]

    def file_json(self) -> dict[str, object]:
        """Render as a Bot API File (what getFile returns)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


class FileStore:
    """Every file by file_id and by file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._seq = itertools.count(1)

    def add(
        self, filename: str, content: bytes, mime_type: str | None = None, kind: str = "documents"
    ) -> StoredFile:
        """Store content and give it a fresh file_id and file_path."""
        n = next(self._seq)
        if mime_type is None:
            mime_type = mimetypes.guess_type(filename)[0]
        suffix = filename.rsplit(".", 1)[1] if "." in filename else "bin"
        stored = StoredFile(
            file_id=f"SIM{kind[:3].upper()}{n:06d}{secrets.token_hex(6)}",
            file_unique_id=f"U{n:06d}",
            file_path=f"{kind}/file_{n}.{suffix}",
            filename=filename,
            content=content,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """Find a file by file_id."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """Find a file by the file_path getFile gave out."""
        return self._by_path.get(file_path)
