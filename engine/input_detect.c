/*
 * input_detect.c: the half of the readers that knows libarchive's formats:
 * opening a reader the way vigie wants it (which formats and filters, and
 * the retries that make detection robust), telling an archive from a
 * compressed stream from plain bytes, and naming entries safely. See
 * input_internal.h; the reading itself is in input.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input_internal.h"

/* A zip file of more entries than this is read as a stream (see
 * zip_entries). */
#define ZIP_STREAM_ENTRIES 10000

/* The number of entries the end of central directory record of the file fs
 * announces, when fs starts with a zip's local file header; 0 otherwise.
 * libarchive's seekable zip reader keeps the whole central directory
 * (about 150 bytes an entry, in each reader) while its streamable reader,
 * which goes from local header to local header, keeps nothing: a zip with
 * many entries is read that way, so that memory does not grow with the
 * corpus. The count only chooses the reader: a wrong one costs memory or
 * the central directory's extras, never an entry. */
static uint64_t zip_entries(const char *fs) {
  unsigned char b[65536 + 22], z[56];
  struct stat st;
  uint64_t n = 0;
  /* only a regular file: opening a FIFO would take its writer's first bytes
   * away from the reader (and O_NONBLOCK, should one appear meanwhile) */
  if (stat(fs, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  if (st.st_size < ZIP_STREAM_ENTRIES * (30 + 46)) return 0; /* too small for that many headers */
  int fd = open(fs, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return 0;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 22 &&
      pread(fd, b, 4, 0) == 4 && !memcmp(b, "PK\3\4", 4)) {
    size_t len = (uint64_t)st.st_size < sizeof b ? (size_t)st.st_size : sizeof b;
    if (pread(fd, b, len, st.st_size - (off_t)len) == (ssize_t)len)
      for (size_t i = len - 22 + 1; i-- > 0;) { /* the record, from the end */
        if (memcmp(b + i, "PK\5\6", 4)) continue;
        n = vg_le(b + i + 10, 2);
        if (n == 0xFFFF && i >= 20 && !memcmp(b + i - 20, "PK\6\7", 4) && /* zip64 */
            pread(fd, z, sizeof z, (off_t)vg_le(b + i - 12, 8)) == (ssize_t)sizeof z &&
            !memcmp(z, "PK\6\6", 4))
          n = vg_le(z + 32, 8);
        break;
      }
  }
  close(fd);
  return n;
}

/* How open_reader builds its reader. */
enum {
  OPEN_ALL,     /* every format below */
  OPEN_NO_ISO,  /* without iso9660, whose bidder reads 48 KiB ahead: a short
                   truncated stream fails there before any entry is read */
  OPEN_RAW_ONLY /* the bytes as one stream: for an "archive" without entries */
};

/* Opens a libarchive reader over the file fs, else the buffer mem[0..len),
 * else standard input; *pa gets it (NULL when out of memory) and must be
 * freed by the caller. Formats: every one but mtree (which matches ordinary
 * text), plus raw (anything else, as one stream) and empty. Filters: every
 * one linked in-process. Left out: the uu filter (it decodes "begin 644"
 * blocks found in ordinary text) and filters that would run an external
 * program (lrzip, lzop, grzip; bzip2/xz/zstd/lz4/gzip when their library is
 * missing): the reader never forks. Returns archive_read_open's status. */
static int open_reader(struct archive **pa, int mode, int zip_stream, const char *fs,
                       const void *mem, size_t len) {
  struct archive *a = *pa = archive_read_new();
  if (!a) return ARCHIVE_FATAL;
  if (archive_zlib_version()) archive_read_support_filter_gzip(a);
  if (archive_bzlib_version()) archive_read_support_filter_bzip2(a);
  if (archive_liblzma_version()) {
    archive_read_support_filter_xz(a);
    archive_read_support_filter_lzma(a);
    archive_read_support_filter_lzip(a);
  }
  if (archive_libzstd_version()) archive_read_support_filter_zstd(a);
  if (archive_liblz4_version()) archive_read_support_filter_lz4(a);
  archive_read_support_filter_compress(a);
  archive_read_support_filter_rpm(a);
  if (mode != OPEN_RAW_ONLY) {
    archive_read_support_format_7zip(a);
    archive_read_support_format_ar(a);
    archive_read_support_format_cab(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_empty(a);
    if (mode == OPEN_ALL) archive_read_support_format_iso9660(a);
    archive_read_support_format_lha(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_warc(a);
    archive_read_support_format_xar(a);
    if (zip_stream)
      archive_read_support_format_zip_streamable(a);
    else
      archive_read_support_format_zip(a);
  }
  archive_read_support_format_raw(a);
  if (fs) return archive_read_open_filename(a, fs, VG_INPUT_BLOCK_SIZE);
  if (mem) return archive_read_open_memory(a, mem, len);
  return archive_read_open_fd(a, 0, VG_INPUT_BLOCK_SIZE);
}

/* Whether a failed open is the system's doing (a missing or unreadable
 * file) rather than the bytes' (a bad compressed stream). */
int vg_input_system_error(int err) {
  return err > 0 && err != EILSEQ && err != EINVAL;
}

/* A format that holds entries (not raw, empty, mtree, or none yet). */
int vg_input_is_container(struct archive *a) {
  int f = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
  return f != 0 && f != ARCHIVE_FORMAT_RAW && f != ARCHIVE_FORMAT_EMPTY &&
         f != ARCHIVE_FORMAT_MTREE;
}

/* Whether a's first header (status r) found an archive without entries.
 * Its bytes are then read again as one stream rather than dropped: they
 * may be no archive at all (libarchive's tar reader takes a block of zero
 * bytes for the end of an archive; "!<arch>" may start a text), and a
 * real empty archive then shows as what it is, a small binary document. */
static int no_entries(struct archive *a, int r) {
  return r == ARCHIVE_EOF && vg_input_is_container(a);
}

/* Opens what fs/mem names (see open_reader) and reads its first header into
 * *ae, retrying the ways OPEN_NO_ISO and OPEN_RAW_ONLY say. Returns the
 * header's status; on a failed open, returns ARCHIVE_FATAL - 1 with *pa
 * still set (for its error) and *open_err set to archive_errno. Standard
 * input cannot be reopened: it gets one try. */
int vg_input_open(struct archive **pa, const char *fs, const void *mem, size_t len,
                  struct archive_entry **ae, int *open_err, int *streamed) {
  int mode = OPEN_ALL, zip_stream = fs && zip_entries(fs) > ZIP_STREAM_ENTRIES;
  if (streamed) *streamed = zip_stream;
  for (;;) {
    int r = open_reader(pa, mode, zip_stream, fs, mem, len);
    if (!*pa) return ARCHIVE_FATAL - 1;
    int reopen = fs || mem;
    if (r != ARCHIVE_OK) {
      *open_err = archive_errno(*pa);
      if (mode != OPEN_ALL || !reopen || vg_input_system_error(*open_err)) return ARCHIVE_FATAL - 1;
      mode = OPEN_NO_ISO;
    } else {
      r = archive_read_next_header(*pa, ae);
      if (!no_entries(*pa, r) || mode == OPEN_RAW_ONLY || !reopen) return r;
      mode = OPEN_RAW_ONLY;
    }
    archive_read_free(*pa);
    *pa = NULL;
  }
}

/* Whether libarchive skips the rest of an entry without decompressing it:
 * formats that store bytes as they are, and zip when it can seek and knows
 * the entries' compressed sizes (always from the central directory; from
 * the local headers as the first entry, first, has it, unless the writer
 * put them after the data). Elsewhere the reader reads the rest through
 * itself, so that the archive's ratio is watched while it does. */
int vg_input_cheap_skip(struct archive *a, struct archive_entry *first, int seekable) {
  if (archive_filter_count(a) > 1) return 0;
  switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR:
    case ARCHIVE_FORMAT_CPIO:
    case ARCHIVE_FORMAT_AR:
    case ARCHIVE_FORMAT_ISO9660:
    case ARCHIVE_FORMAT_WARC: return 1;
    case ARCHIVE_FORMAT_ZIP: return seekable && first && archive_entry_size_is_set(first);
    default: return 0;
  }
}

/* Whether libarchive might take p[0..n) for an archive or a compressed
 * stream: the signatures its bidders look for (formats and filters that
 * open_reader enables). A "no" saves building a reader for every ordinary
 * document found in an archive, which costs more than reading it; a "yes"
 * is only a hint, libarchive decides. Text never matches, save text that
 * starts like a cpio header ("0707"), a WARC record, an ar archive, or
 * has "-l" at offset 2 (lha). */
int vg_input_maybe_container(const unsigned char *p, size_t n) {
  static const struct { const char *m; size_t n; } magic[] = {
      {"\x1f\x8b", 2},   {"\x1f\x9d", 2},         {"BZh", 3},          /* gzip compress bzip2 */
      {"\xfd" "7zXZ", 5}, {"LZIP", 4},            {"\x28\xb5\x2f\xfd", 4}, /* xz lzip zstd */
      {"\x04\x22\x4d\x18", 4}, {"\x02\x21\x4c\x18", 4},                /* lz4, legacy lz4 */
      {"\xed\xab\xee\xdb", 4},                                        /* rpm */
      {"7z\xbc\xaf", 4}, {"!<arch>", 7}, {"MSCF", 4}, {"0707", 4},    /* 7z ar cab cpio */
      {"\x71\xc7", 2},   {"\xc7\x71", 2}, {"Rar!", 4}, {"WARC/", 5},  /* cpio rar warc */
      {"xar!", 4},       {"PK", 2},                                   /* xar zip */
      {"MZ", 2},         {"\x7f" "ELF", 4}};  /* self-extracting 7z, rar, cab, lha */
  if (n == 0) return 0;
  for (size_t i = 0; i < sizeof magic / sizeof *magic; i++)
    if (n >= magic[i].n && memcmp(p, magic[i].m, magic[i].n) == 0) return 1;
  if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)
    return 1; /* zstd skippable frame */
  if (n >= 7 && p[2] == '-' && p[3] == 'l') return 1; /* lha "-lh5-" */
  if (n >= 13 && p[1] == 0) return 1; /* lzma: its dictionary size starts with a zero byte */
  if (n >= 512) { /* tar: a zero block, or a header whose checksum holds */
    unsigned long usum = 0, want = 0;
    long ssum = 0;
    int zero = 1, digits = 0;
    for (size_t i = 0; i < 512; i++) {
      unsigned char c = i >= 148 && i < 156 ? ' ' : p[i];
      usum += c;
      ssum += (signed char)c;
      if (p[i]) zero = 0;
    }
    if (zero) return 1;
    size_t i = 148;
    while (i < 156 && (p[i] == ' ' || p[i] == '\t')) i++;
    for (; i < 156 && p[i] >= '0' && p[i] <= '7'; i++, digits++) want = want * 8 + (p[i] - '0');
    if (digits && (want == usum || (long)want == ssum)) return 1;
  }
  if (n >= 32774 && memcmp(p + 32769, "CD001", 5) == 0) return 1; /* iso9660 */
  size_t tail = n < 66000 ? n : 66000; /* zip's end record, after a prefix */
  for (const unsigned char *q = p + n - tail; (q = memchr(q, 'P', (size_t)(p + n - q)));
       q++)
    if (p + n - q >= 4 && q[1] == 'K' && q[2] == 5 && q[3] == 6) return 1;
  return 0;
}

/* Writes into b the name of an archive entry made safe to show and to
 * write out: backslashes become "/", control bytes (and so NUL) are dropped,
 * leading slashes and drive letters ("C:", "/C:/") are removed, and empty,
 * "." and ".." components are dropped (so "../../etc/x" is "etc/x",
 * "/abs/y" is "abs/y", "C:\\win\\z" is "win/z"). A name left empty becomes
 * "_". The name is libarchive's UTF-8 form when it has one, else its bytes
 * as stored; other bytes (UTF-8 or not) are kept as they are. */
void vg_input_clean_name(vg_buf *b, struct archive_entry *ae) {
  const char *p = archive_entry_pathname_utf8(ae);
  if (!p) p = archive_entry_pathname(ae);
  if (!p) p = "";
  vg_buf_reset(b);
  while (*p) {
    while (*p == '/' || *p == '\\') p++;
    if (b->len == 0 && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) && p[1] == ':') {
      p += 2; /* a drive letter, before any component */
      continue;
    }
    if (!*p) break;
    size_t mark = b->len;
    if (mark) vg_buf_putc(b, '/');
    size_t start = b->len;
    for (; *p && *p != '/' && *p != '\\'; p++)
      if ((unsigned char)*p >= 0x20 && *p != 0x7f) vg_buf_putc(b, *p);
    size_t n = b->len - start;
    const char *c = b->data ? b->data + start : "";
    if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.')) {
      b->len = mark;
      if (b->data) b->data[mark] = '\0';
    }
  }
  if (b->len == 0) vg_buf_putc(b, '_');
}

/* Removes up to `layers` compression suffixes (".gz", ".xz"...) from b,
 * never leaving it empty. */
void vg_input_strip_suffixes(vg_buf *b, int layers) {
  static const char *const suf[] = {".gz", ".gzip", ".xz", ".zst", ".zstd",
                                    ".bz2", ".bz", ".lz", ".lzma", ".lz4",
                                    ".Z", ".z", NULL};
  for (; layers > 0 && b->data; layers--) {
    int hit = 0;
    for (int i = 0; suf[i] && !hit; i++) {
      size_t k = strlen(suf[i]);
      if (b->len > k && strcmp(b->data + b->len - k, suf[i]) == 0 &&
          b->data[b->len - k - 1] != '/') {
        b->len -= k;
        b->data[b->len] = '\0';
        hit = 1;
      }
    }
    if (!hit) break;
  }
}
