"""Generators of hostile inputs, for tests/cli/test_hostile.py (and for
anyone who wants them on disk: `python3 tests/hostile/gen.py DIR` writes
every one into DIR).

Everything is made here, with Python's zipfile/tarfile/zlib/gzip or the 7z
tool: no downloaded samples. Each function writes one file and returns its
path; large ones are streamed, never held whole in memory."""
import io
import os
import random
import struct
import subprocess
import sys
import tarfile
import zipfile

MIB = 1 << 20

# Names an archive should never be able to write through.
TRAVERSAL_NAMES = [
    "../../etc/x",
    "/abs/y",
    "C:\\win\\z",
    "a\\..\\..\\b.txt",
    "dir/../../../up.txt",
    "./ok.txt",
    "//server/share/s.txt",
    "D:/drive/d.txt",
    "bell\x07name.txt",
]


def _zeros_zip(path, size, before=True, after=True):
    """A zip whose entry bomb.txt is `size` bytes of zeros, deflated as it
    is written (1 GiB takes about 1 MiB), between two small text entries."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        if before:
            z.writestr("before.txt", "before the bomb\n")
        with z.open("bomb.txt", "w", force_zip64=size >= (2 << 30)) as f:
            chunk = bytes(MIB)
            left = size
            while left > 0:
                f.write(chunk[:min(left, MIB)])
                left -= MIB
        if after:
            z.writestr("after.txt", "after the bomb\n")
    return path


def zip_bomb(path, size=1 << 30):
    """1 GiB of zeros in one deflated entry (about 1 MiB of zip)."""
    return _zeros_zip(path, size)


def lying_zip_bomb(path, size=256 * MIB):
    """The zip bomb with its sizes in the local header and the central
    directory rewritten to 100 bytes: only the ratio can stop it."""
    _zeros_zip(path, size)
    b = bytearray(open(path, "rb").read())
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        pos = 0
        while (pos := b.find(sig, pos)) >= 0:
            n = struct.unpack_from("<H", b, pos + name_len_at)[0]
            if bytes(b[pos + name_at:pos + name_at + n]) == b"bomb.txt":
                struct.pack_into("<I", b, pos + size_at, 100)
            pos += 4
    with open(path, "wb") as f:
        f.write(b)
    return path


def nested_zip_bomb(path, copies=16, size=16 * MIB):
    """A zip of `copies` zips, each holding `size` bytes of zeros (42.zip's
    idea, one level): every inner one expands far over any ratio."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.txt", bytes(size))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(copies):
            z.writestr("bomb%02d.zip" % i, inner.getvalue())
        z.writestr("note.txt", "a note after the bombs\n")
    return path


class _Zeros(io.RawIOBase):
    """A file of n zero bytes that is never in memory."""

    def __init__(self, n):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k


def tar_gz_bomb(path, size=512 * MIB):
    """A tar.gz with a small text, `size` bytes of zeros, another text: the
    gzip stream expands about 1000 times."""
    with tarfile.open(path, "w:gz") as t:
        for name, data in (("before.txt", b"before the bomb\n"), ("zeros.txt", None),
                           ("after.txt", b"after the bomb\n")):
            ti = tarfile.TarInfo(name)
            ti.mtime = 1500000000
            if data is None:
                ti.size = size
                t.addfile(ti, io.BufferedReader(_Zeros(size), MIB))
            else:
                ti.size = len(data)
                t.addfile(ti, io.BytesIO(data))
    return path


def traversal_zip(path, names=TRAVERSAL_NAMES):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for i, name in enumerate(names):
            zi = zipfile.ZipInfo(name)  # ZipInfo keeps the name as given
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, "entry %d: %s\n" % (i, name.encode("unicode_escape").decode()))
    return path


def traversal_tar(path, names=TRAVERSAL_NAMES):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for i, name in enumerate(names):
            data = ("entry %d: %s\n" % (i, name.encode("unicode_escape").decode())).encode()
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 1500000000
            t.addfile(ti, io.BytesIO(data))
    return path


def links_tar(path):
    """A tar with a text, a symlink out of the archive, a hardlink, a
    symlink to a folder and a file through it, a character device, a FIFO,
    then a last text."""
    with tarfile.open(path, "w") as t:
        def add(name, kind=tarfile.REGTYPE, data=b"", link=""):
            ti = tarfile.TarInfo(name)
            ti.type = kind
            ti.linkname = link
            ti.mtime = 1500000000
            if kind == tarfile.CHRTYPE:
                ti.devmajor, ti.devminor = 1, 3
            ti.size = len(data) if kind == tarfile.REGTYPE else 0
            t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        add("a.txt", data=b"first\n")
        add("passwd", tarfile.SYMTYPE, link="/etc/passwd")
        add("hard.txt", tarfile.LNKTYPE, link="a.txt")
        add("up", tarfile.SYMTYPE, link="../..")
        add("up/escaped.txt", data=b"written through a link?\n")
        add("null", tarfile.CHRTYPE)
        add("pipe", tarfile.FIFOTYPE)
        add("z.txt", data=b"last\n")
    return path


def nested_zips(path, depth=10, note="at the bottom\n"):
    """A zip in a zip ... `depth` archives deep, each level also holding a
    text level%d.txt; the innermost holds note.txt."""
    data = None
    for level in range(depth, 0, -1):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("level%d.txt" % level, "level %d\n" % level)
            if data is None:
                z.writestr("note.txt", note)
            else:
                z.writestr("z%d.zip" % (level + 1), data)
        data = buf.getvalue()
    with open(path, "wb") as f:
        f.write(data)
    return path


def binary_zip(path):
    """Texts and entries that are not text: NUL bytes in the first 8 KiB."""
    entries = [
        ("text.txt", "du texte\n".encode()),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000)),
        ("prog.elf", b"\x7fELF\x02\x01\x01\x00" + bytes(64) + os.urandom(1000)),
        ("utf16.txt", "\ufeffdu texte en UTF-16\n".encode("utf-16-le")),
        ("late_nul.txt", b"a" * 9000 + b"\x00" + b"b\n"),
        ("random.bin", random.Random(7).randbytes(4096)),
        ("last.txt", b"fin\n"),
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return path


def texts(n=8, size=3000, seed=1):
    """n (name, bytes) texts that compress a little, for damaged archives."""
    rnd = random.Random(seed)
    words = "badgeuse géolocalisation pointage surveillance écran salarié tract grève réunion".split()
    return [("t%02d.txt" % i, (" ".join(rnd.choice(words) for _ in range(size // 8)) + "\n").encode())
            for i in range(n)]


def good_archive(path, kind, entries):
    """A zip, tar.gz or 7z of entries."""
    if kind == "zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in entries:
                z.writestr(name, data)
    elif kind == "tar.gz":
        with tarfile.open(path, "w:gz") as t:
            for name, data in entries:
                ti = tarfile.TarInfo(name)
                ti.size = len(data)
                ti.mtime = 1500000000
                t.addfile(ti, io.BytesIO(data))
    elif kind == "7z":
        src = path + ".src"
        os.makedirs(src, exist_ok=True)
        for name, data in entries:
            with open(os.path.join(src, name), "wb") as f:
                f.write(data)
        p = subprocess.run(["7z", "a", "-bd", "-y", os.path.abspath(path)] + [n for n, _ in entries],
                           cwd=src, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode:
            raise RuntimeError("7z failed: %s" % p.stderr.decode(errors="replace"))
    else:
        raise ValueError(kind)
    return path


def damaged_variants(data, seed, flips=12, cuts=(0.1, 0.5, 0.9)):
    """(label, bytes) variants of an archive's bytes: cut at fractions of
    its length and one byte short; single bytes xor-ed at `flips` offsets
    drawn with a fixed seed (a third of them in the first 512 bytes, where
    the headers are); and bursts of 16 random bytes."""
    rnd = random.Random(seed)
    out = [("cut%d" % int(c * 100), data[:int(len(data) * c)]) for c in cuts]
    out.append(("cut-1", data[:-1]))
    for i in range(flips):
        off = rnd.randrange(min(512, len(data))) if i % 3 == 0 else rnd.randrange(len(data))
        b = bytearray(data)
        b[off] ^= rnd.randrange(1, 256)
        out.append(("flip@%d" % off, bytes(b)))
    for i in range(flips // 3):
        off = rnd.randrange(max(1, len(data) - 16))
        b = bytearray(data)
        b[off:off + 16] = rnd.randbytes(16)
        out.append(("burst@%d" % off, bytes(b)))
    return out


def write_all(d):
    """Every fixture into folder d."""
    os.makedirs(d, exist_ok=True)
    zip_bomb(os.path.join(d, "bomb.zip"))
    lying_zip_bomb(os.path.join(d, "liar.zip"))
    nested_zip_bomb(os.path.join(d, "nested-bomb.zip"))
    tar_gz_bomb(os.path.join(d, "bomb.tar.gz"))
    traversal_zip(os.path.join(d, "traversal.zip"))
    traversal_tar(os.path.join(d, "traversal.tar"))
    links_tar(os.path.join(d, "links.tar"))
    nested_zips(os.path.join(d, "nested10.zip"))
    binary_zip(os.path.join(d, "binary.zip"))
    for kind in ("zip", "tar.gz", "7z"):
        good = good_archive(os.path.join(d, "good." + kind), kind, texts())
        with open(good, "rb") as f:
            data = f.read()
        for label, b in damaged_variants(data, seed=42):
            with open(os.path.join(d, "damaged-%s.%s" % (label, kind)), "wb") as f:
                f.write(b)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen.py DIR")
    write_all(sys.argv[1])
