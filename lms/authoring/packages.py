"""Course packages as zip files: deterministic export and a careful import.

Export writes every file of a package folder under ``<slug>/`` with fixed dates and
permissions, sorted, so the same content always gives the same bytes. Import refuses, before
writing anything, zips that could hurt the server: too big once uncompressed, too many files,
suspicious compression ratios, paths leaving the folder, symlinks and names that are not UTF-8.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lms.problems import N_, MessageError

__all__ = ["ZipLimits", "ZipRefused", "extract_package", "pack_folder", "read_package"]

_FIXED_DATE = (1980, 1, 1, 0, 0, 0)


class ZipRefused(MessageError):
    """The zip cannot be imported; the message says why. Nothing was written."""


@dataclass(frozen=True)
class ZipLimits:
    max_files: int = 1000
    max_total: int = 50 * 1024 * 1024  # bytes once uncompressed
    max_file: int = 10 * 1024 * 1024
    max_ratio: int = 100  # uncompressed / compressed, per file (zip bombs are ~1000:1)


def package_files(root: Path) -> list[PurePosixPath]:
    """Files of a package folder, relative and sorted; hidden files and folders are skipped."""
    return sorted(
        PurePosixPath(path.relative_to(root).as_posix())
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def pack_folder(root: Path, slug: str) -> bytes:
    """The package in ``root`` as a zip whose files sit under ``<slug>/``."""
    return pack_files(slug, ((str(rel), (root / rel).read_bytes()) for rel in package_files(root)))


def pack_files(slug: str, files: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel, data in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{rel}", date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3  # Unix, so the permissions above are read as such
            archive.writestr(info, data)
    return buffer.getvalue()


def read_package(data: bytes) -> dict[str, bytes]:
    """The files of one of our own zips (a stored version), by path without the slug folder."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.is_dir():
                files[info.filename.split("/", 1)[1]] = archive.read(info)
    return files


def _check_name(info: zipfile.ZipInfo) -> PurePosixPath:
    if not info.flag_bits & 0x800:
        # Without the UTF-8 flag the name is cp437; plain ASCII is the same in both.
        try:
            info.filename.encode("ascii")
        except UnicodeEncodeError:
            raise ZipRefused(N_("the file name %(name)s is not UTF-8"),
                                 name=repr(info.filename)) from None
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
        raise ZipRefused(N_("%(name)s: paths in the zip must stay inside the course folder"),
                         name=info.filename)
    if "\x00" in name or any(ord(c) < 32 for c in name):
        raise ZipRefused(N_("%(name)s: control characters in a file name"),
                         name=repr(info.filename))
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip records no file type
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        raise ZipRefused(N_("%(name)s: symbolic links and special files are not accepted"),
                         name=info.filename)
    return path


Entries = list[tuple[zipfile.ZipInfo, PurePosixPath]]


def inspect_zip(data: bytes, limits: ZipLimits) -> tuple[str, Entries]:
    """Check the whole directory of the zip; returns the top folder (or None) and its files."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ZipRefused(N_("this is not a zip file")) from None
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise ZipRefused(N_("the zip holds %(count)s entries; at most %(max)s are accepted"),
                         count=len(infos), max=limits.max_files)
    total = 0
    files = []
    for info in infos:
        path = _check_name(info)
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise ZipRefused(N_("%(name)s: encrypted files are not accepted"),
                             name=info.filename)
        total += info.file_size
        if info.file_size > limits.max_file or total > limits.max_total:
            raise ZipRefused(N_("the zip is too large once uncompressed (at most %(size)s MB "
                                "in all)"), size=limits.max_total // (1024 * 1024))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1024 * 1024 and ratio > limits.max_ratio:
            raise ZipRefused(N_("%(name)s: compressed too well to be a course file "
                                "(a zip bomb?)"), name=info.filename)
        files.append((info, path))
    _refuse_clashes(files)
    visible = [(i, p) for i, p in files
               if not any(part.startswith(".") or part == "__MACOSX" for part in p.parts)]
    tops = {p.parts[0] for _, p in visible if len(p.parts) > 1}
    if any(len(p.parts) == 1 for _, p in visible) or len(tops) != 1:
        raise ZipRefused(N_("the zip must hold one course folder (with its course.md inside)"))
    return tops.pop(), visible


def _refuse_clashes(files: Entries) -> None:
    """Two entries for one file, or ``a/b`` both a file and the folder of ``a/b/c.md``:
    either would fail (or silently overwrite) half-way through writing."""
    seen: set[PurePosixPath] = set()
    folders: set[PurePosixPath] = set()
    for info, path in files:
        if path in seen:
            raise ZipRefused(N_("%(name)s: this file is in the zip twice"), name=info.filename)
        seen.add(path)
        folders.update(path.parents)
    for _, path in files:
        if path in folders:
            raise ZipRefused(N_("%(name)s is both a file and a folder in the zip"),
                             name=str(path))


def extract_package(data: bytes, target: Path, limits: ZipLimits | None = None) -> str:
    """Check the zip, then write its course folder's files into the empty folder ``target``.

    Returns the folder name found in the zip (the course id). Reads each file through a size
    cap, so a zip whose directory lies about sizes is still stopped.
    """
    limits = limits or ZipLimits()
    top, files = inspect_zip(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        written = 0
        for info, path in files:
            rel = PurePosixPath(*path.parts[1:])
            out = target.joinpath(*rel.parts)
            if not out.resolve().is_relative_to(target.resolve()):
                raise ZipRefused(N_("%(name)s: path leaves the course folder"),
                                 name=info.filename)
            out.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source:
                chunk = source.read(limits.max_file + 1)
            written += len(chunk)
            if len(chunk) > limits.max_file or written > limits.max_total:
                raise ZipRefused(N_("the zip is too large once uncompressed"))
            out.write_bytes(chunk)
    return top
