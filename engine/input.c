/*
 * input.c: see input.h. The reader is a pull iterator over three stacks of
 * state: the inputs left to start, the directories being walked (one frame
 * per directory, names sorted with strcmp), and the archives open (one level
 * per nesting depth; level 0 is the input archive, depth 1). Each level owns
 * its libarchive handle and reusable buffers: the bytes of the nested archive
 * it reads from memory (src), the current entry's bytes (data), and the
 * decompressed bytes of a compressed entry (sub). Everything an entry points
 * to lives in those buffers or in the reader's id/path/reason buffers, so it
 * is valid until the next call.
 *
 * What is a container is decided by libarchive's bidders (input_detect.c):
 * a real archive format is opened as an archive, "raw" behind a compression
 * filter is one compressed document, raw without a filter and "empty" are
 * plain documents. Before that, a document's bytes are sniffed
 * (extract.h): a PDF, DOCX, ODT, HTML page or e-mail is extracted to text
 * (a DOCX or ODT is never opened as a zip), and the parts it holds (an
 * e-mail's attachments, an mbox's messages) become a level of their own,
 * read like a nested archive's entries.
 */
#define _XOPEN_SOURCE 700 /* POSIX 2008 with S_IFMT; XSI strerror_r */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "extract.h"
#include "input_internal.h"
#include "zip_inflate.h"
#include "util.h"

#define RATIO_FLOOR (1024 * 1024)   /* ratios are checked once this much has been produced */
#define MAX_HEADER_ERRORS 16        /* consecutive bad headers before an archive is given up */
#define KEEP_BUF (16 * 1024 * 1024) /* larger buffers are released when their level closes */

/* One open archive, or the parts of an extracted document (a NULL). */
typedef struct level {
  struct archive *a;
  size_t ppos;    /* parts: where the next part starts in src */
  char *id;       /* owned: the archive's own id ("a.zip", "a.zip!b.zip") */
  vg_buf src;     /* a nested archive's bytes, which a reads from; parts:
                     the parts (extract.h's layout) */
  vg_buf data;    /* the current entry's bytes */
  vg_buf sub;     /* the current entry decompressed, when it is a compressed stream */
  vg_buf last;    /* the current entry's cleaned name, for messages */
  struct archive_entry *pending; /* first header, read when the archive was detected */
  int pending_r, has_pending;
  size_t nheaders;  /* headers read so far: entry numbers in messages */
  uint64_t out;     /* entry bytes produced at this level, drained ones included */
  int cheap_skip;   /* libarchive skips an entry without decompressing it */
  int drain;        /* the rest of the current entry must be read through first */
  int closing;      /* the entry just yielded ended this archive */
  int nerr;         /* consecutive header errors */
  char *file;       /* owned: the file level 0 reads, when gzip salvage may reread it */
  int64_t hpos;     /* level 0: where the last header read whole starts (-1: none yet) */
  size_t hnum;      /* and its number */
  char *salvaged;   /* owned: the gzip damage this level was salvaged from, until reported */
  vg_zip_inflate *zi; /* owned: level 0, a zip read as a stream: its entries inflated by us */
} level;

/* One directory being walked. */
typedef struct dframe {
  char *rel;     /* owned: path relative to the walk's root; "" for the root */
  char **names;  /* owned, sorted */
  size_t n, i;
} dframe;

struct vg_input {
  char **paths;
  size_t n, next;
  vg_input_opts o;
  const char *source; /* the input being read, as given */
  level *lv;
  size_t nlv, caplv;
  dframe *df;
  size_t ndf, capdf;
  char *droot; /* the directory being walked, without trailing slashes */
  vg_buf id, path, reason;
  size_t ninputs, nentries;
  uint64_t fsize;         /* the size of the file being read (0: unknown) */
  unsigned formats;       /* formats extracted: VG_FORMAT_BIT mask */
  vg_extract_limits lim;
  vg_extracted x;         /* the last extraction: its text is the entry's data */
};

/* Outcomes of read_data. */
enum { RD_OK, RD_TOO_LARGE, RD_RATIO, RD_LEVEL_RATIO, RD_ERROR, RD_NOMEM };

/* ---- small helpers ---------------------------------------------------- */

static void set_buf(vg_buf *b, const char *s) {
  vg_buf_reset(b);
  vg_buf_append(b, s, strlen(s));
}

static void set_reason(vg_input *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_reason(vg_input *in, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  vg_buf_reset(&in->reason);
  if (n < 0 || vg_buf_reserve(&in->reason, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(in->reason.data, (size_t)n + 1, fmt, ap);
  va_end(ap);
  in->reason.len = (size_t)n;
}

/* Copies s into b for a message, replacing control bytes with '?'. */
static const char *printable(vg_buf *b, const char *s) {
  vg_buf_reset(b);
  for (; s && *s; s++) vg_buf_putc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
  return b->data ? b->data : "";
}

static const char *errstr(int err, char out[128]) {
  if (err <= 0 || strerror_r(err, out, 128) != 0) snprintf(out, 128, "error %d", err);
  return out;
}

static const char *lib_msg(struct archive *a) {
  const char *m = archive_error_string(a);
  return m ? m : "unknown error";
}

/* Fills *e from the reader's id/path/reason buffers. Returns 1. */
static int yield(vg_input *in, vg_entry *e, vg_entry_kind kind, const char *skip,
                 const vg_buf *data) {
  e->kind = kind;
  e->top = in->nlv ? in->lv[0].nheaders - (in->lv[0].nheaders > 0) : 0;
  int64_t pos = in->nlv && in->lv[0].a ? archive_filter_bytes(in->lv[0].a, -1) : -1;
  e->pos = pos >= 0 && (uint64_t)pos < in->fsize ? (uint64_t)pos : in->fsize;
  e->id = in->id.data ? in->id.data : "";
  e->source = in->source ? in->source : "";
  e->path = in->path.data ? in->path.data : e->id;
  if (kind == VG_ENTRY_DOC) {
    e->data = data && data->data ? (const unsigned char *)data->data
                                 : (const unsigned char *)"";
    e->size = data ? data->len : 0;
    e->raw = e->size;
  } else {
    e->skip = skip;
    e->reason = in->reason.len ? in->reason.data : skip;
  }
  return 1;
}

/* An ERROR for the current id when memory ran out. Returns 1. */
static int oom(vg_input *in, vg_entry *e) {
  vg_buf_reset(&in->reason);
  yield(in, e, VG_ENTRY_ERROR, "unreadable", NULL);
  e->reason = "out of memory";
  return 1;
}

/* What a file type (AE_IF*, which are the S_IF* values) is called. */
static const char *special_name(unsigned type) {
  switch (type) {
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    case AE_IFIFO: return "FIFO";
    case AE_IFSOCK: return "socket";
    default: return "special file";
  }
}

/* "root/rel", without doubling the slash after "/" . Returns owned. */
static char *join(const char *root, const char *rel) {
  size_t n = strlen(root);
  return vg_asprintf("%s%s%s", root, n && root[n - 1] == '/' ? "" : "/", rel);
}

/* The whole archive's ratio so far: entry bytes produced over bytes
 * consumed from its source. Sets *ratio; returns whether it is over the
 * limit (never before RATIO_FLOOR bytes were produced). */
static int level_over(const vg_input *in, const level *L, double *ratio) {
  if (in->o.max_ratio <= 0 || L->out <= RATIO_FLOOR) return 0;
  int64_t used = archive_filter_bytes(L->a, -1);
  *ratio = (double)L->out / (double)(used > 0 ? used : 1);
  return *ratio > in->o.max_ratio;
}

/* Checks the ratios after an entry has produced `len` bytes: the entry's
 * own (see read_data) and, with L, the archive's. Returns RD_OK, RD_RATIO or
 * RD_LEVEL_RATIO, with *ratio set. */
static int check_ratio(const vg_input *in, struct archive *a, level *L, uint64_t len,
                       int64_t *base, uint64_t *p0, double *ratio) {
  if (in->o.max_ratio > 0 && len > RATIO_FLOOR) {
    int64_t now = archive_filter_bytes(a, -1);
    if (now < *base) {
      *base = now;
      *p0 = len;
    } else if (now > *base && len - *p0 > RATIO_FLOOR) {
      *ratio = (double)(len - *p0) / (double)(now - *base);
      if (*ratio > in->o.max_ratio) return RD_RATIO;
    }
  }
  if (L && level_over(in, L, ratio)) return RD_LEVEL_RATIO;
  return RD_OK;
}

/* Reads the current entry of a into b (reset first), keeping at most
 * max_doc_bytes: one byte more and it stops with RD_TOO_LARGE. Blocks come
 * from archive_read_data_block; holes between them (sparse entries) are
 * filled with zeros, and so is a trailing hole, up to where libarchive says
 * the entry ends but never past its size in the header (hint, -1 when
 * unknown): either may be wrong (libarchive's xar reader gives the offset
 * in the whole heap there, and archive_read_data pads entries with zeros
 * up to it; a damaged header can claim any size).
 * Ratio: once more than RATIO_FLOOR bytes were produced, bytes produced
 * over bytes consumed from a's source since `base` (its position when the
 * entry started; 0 for a single compressed stream) over max_ratio stops with
 * RD_RATIO; if the source moved backwards (a format that seeks, like 7z),
 * the count restarts there. With L (an archive level), L->out grows and the
 * archive's own ratio is checked too (RD_LEVEL_RATIO). *ratio gets the
 * ratio that tripped, *err libarchive's status on RD_ERROR. */
static int read_data(const vg_input *in, struct archive *a, vg_buf *b, level *L,
                     int64_t base, int64_t hint, double *ratio, int *err) {
  uint64_t max = in->o.max_doc_bytes;
  if (max > SIZE_MAX / 4) max = SIZE_MAX / 4;
  uint64_t p0 = 0;
  vg_buf_reset(b);
  if (hint > 0 && (uint64_t)hint <= max && vg_buf_reserve(b, (size_t)hint))
    return RD_NOMEM;
  for (;;) {
    const void *blk;
    size_t n;
    la_int64_t off;
    int r = archive_read_data_block(a, &blk, &n, &off);
    if (r == ARCHIVE_EOF) {
      if (hint >= 0 && off > hint) off = hint;
      if (hint >= 0 && off > 0 && (uint64_t)off > b->len) { /* a trailing hole */
        size_t gap = (size_t)off - b->len;
        if (vg_buf_reserve(b, gap)) return RD_NOMEM;
        memset(b->data + b->len, 0, gap);
        b->len += gap;
        b->data[b->len] = '\0';
      }
      return RD_OK;
    }
    if (r < ARCHIVE_OK) {
      *err = r;
      return RD_ERROR;
    }
    if (off < 0 || (uint64_t)off < b->len) {
      archive_set_error(a, EILSEQ, "entry data blocks out of order");
      *err = ARCHIVE_FAILED;
      return RD_ERROR;
    }
    uint64_t gap = (uint64_t)off - b->len;
    if ((uint64_t)off > max) return RD_TOO_LARGE;
    if (n > max + 1 - (uint64_t)off) n = (size_t)(max + 1 - (uint64_t)off); /* enough to know */
    if (vg_buf_reserve(b, (size_t)gap + n)) return RD_NOMEM;
    memset(b->data + b->len, 0, (size_t)gap);
    if (n) memcpy(b->data + b->len + gap, blk, n);
    b->len += (size_t)gap + n;
    b->data[b->len] = '\0';
    if (L) L->out += gap + n;
    if (b->len > max) return RD_TOO_LARGE;
    int rs = check_ratio(in, a, L, b->len, &base, &p0, ratio);
    if (rs != RD_OK) return rs;
  }
}

/* ---- levels ----------------------------------------------------------- */

/* Makes room for n levels. Returns 0, or -1 when out of memory. Level
 * pointers are invalid afterwards. */
static int ensure_levels(vg_input *in, size_t n) {
  if (n <= in->caplv) return 0;
  size_t cap = in->caplv ? in->caplv * 2 : 4;
  while (cap < n) cap *= 2;
  level *p = realloc(in->lv, cap * sizeof *p);
  if (!p) return -1;
  memset(p + in->caplv, 0, (cap - in->caplv) * sizeof *p);
  in->lv = p;
  in->caplv = cap;
  return 0;
}

static void trim_buf(vg_buf *b) {
  if (b->cap > KEEP_BUF) vg_buf_free(b);
  else vg_buf_reset(b);
}

/* Closes the innermost archive; its buffers stay for the next one. */
static void pop_level(vg_input *in) {
  level *L = &in->lv[--in->nlv];
  archive_read_free(L->a);
  free(L->id);
  L->a = NULL;
  L->id = NULL;
  L->ppos = 0;
  trim_buf(&L->src);
  trim_buf(&L->data);
  trim_buf(&L->sub);
  vg_buf_reset(&L->last);
  free(L->file);
  free(L->salvaged);
  L->file = L->salvaged = NULL;
  vg_zip_inflate_close(L->zi);
  L->zi = NULL;
  L->hpos = -1;
  L->hnum = 0;
  L->pending = NULL;
  L->has_pending = L->drain = L->closing = L->nerr = 0;
  L->nheaders = 0;
  L->out = 0;
}

/* Makes a the innermost level, with id (copied) and its first header. The
 * caller has ensured room. Returns 0, or -1 when out of memory (a is then
 * the caller's to free). */
static int push_level(vg_input *in, struct archive *a, const char *id,
                      struct archive_entry *first, int r, int seekable) {
  level *L = &in->lv[in->nlv];
  L->id = vg_strdup(id);
  if (!L->id) return -1;
  L->a = a;
  L->pending = first;
  L->pending_r = r;
  L->has_pending = 1;
  L->cheap_skip = vg_input_cheap_skip(a, r >= ARCHIVE_WARN ? first : NULL, seekable);
  L->hpos = -1;
  L->hnum = 0;
  in->nlv++;
  return 0;
}

/* ---- gzip salvage ------------------------------------------------------- */

/* libarchive's gzip filter drops the block it was inflating when the
 * stream turns out cut or corrupt (up to 64 KiB of output), so a truncated
 * tar.gz loses the entries just before the damage. When level 0 is a gzip
 * stream read from a file and fails for good, the file is inflated again
 * with zlib, keeping every byte zlib can produce, and the archive is read
 * on from those bytes in memory (at most 4 x max_doc_bytes of them). */

#define SALVAGE_BLOCK (64 * 1024)

/* Inflates the gzip file fs with zlib into b (reset first), keeping the
 * output from offset `from` on, at most `max` bytes of it. A damaged or
 * cut stream keeps what came before the damage; concatenated members are
 * read one after the other. Gives up over max_ratio, as the reader does.
 * Returns 0 when b holds bytes, -1 otherwise (not gzip, nothing past
 * from, out of memory, a bomb). */
static int inflate_file(const vg_input *in, const char *fs, uint64_t from, uint64_t max,
                        vg_buf *b) {
  vg_buf_reset(b);
  FILE *f = fopen(fs, "rb");
  unsigned char *ib = malloc(2 * SALVAGE_BLOCK), *ob = ib ? ib + SALVAGE_BLOCK : NULL;
  z_stream z;
  memset(&z, 0, sizeof z);
  int ok = f && ib && inflateInit2(&z, 16 + MAX_WBITS) == Z_OK;
  if (!ok) {
    if (f) fclose(f);
    free(ib);
    return -1;
  }
  uint64_t out = 0, used = 0;
  int bad = 0, first = 1;
  for (;;) {
    if (z.avail_in < 2) { /* refill, keeping a byte left over */
      if (z.avail_in) ib[0] = *z.next_in;
      size_t n = fread(ib + z.avail_in, 1, SALVAGE_BLOCK - z.avail_in, f);
      if (n == 0 && z.avail_in == 0) break; /* the end of the file */
      z.next_in = ib;
      z.avail_in += (uInt)n;
      used += n;
      if (first && (z.avail_in < 2 || ib[0] != 0x1f || ib[1] != 0x8b)) {
        bad = 1; /* not gzip */
        break;
      }
      first = 0;
      if (n == 0 && z.avail_in < 2) break;
    }
    z.next_out = ob;
    z.avail_out = SALVAGE_BLOCK;
    int zr = inflate(&z, Z_NO_FLUSH);
    size_t got = SALVAGE_BLOCK - z.avail_out;
    if (out + got > from) {
      size_t off = out >= from ? 0 : (size_t)(from - out), k = got - off;
      int full = b->len + k >= max;
      if (full) k = (size_t)(max - b->len);
      if (vg_buf_append(b, ob + off, k)) {
        bad = 1;
        break;
      }
      if (full) break;
    }
    out += got;
    if (in->o.max_ratio > 0 && out > RATIO_FLOOR && (double)out / (double)used > in->o.max_ratio) {
      bad = 1;
      break;
    }
    if (zr == Z_STREAM_END) {
      if (z.avail_in >= 2 && (z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)) break; /* trailing bytes */
      if (inflateReset(&z) != Z_OK) break;
    } else if (zr == Z_BUF_ERROR && z.avail_in < 2) {
      continue; /* wants more input */
    } else if (zr != Z_OK) {
      break; /* the damage: keep what came before */
    }
  }
  inflateEnd(&z);
  fclose(f);
  free(ib);
  if (bad || b->len == 0) {
    vg_buf_free(b);
    return -1;
  }
  return 0;
}

/* Replaces level 0 (or, with none, starts it) with the archive in the
 * bytes zlib gets out of the gzip file fs, from the header at hpos (-1:
 * from the start) on, after `skip` headers; id is level 0's id, hnum the
 * number of the header at hpos, msg libarchive's message for the damage
 * (reported once, with the first damage met after, or at the end).
 * Returns 1 when reading goes on that way; 0 when it would read nothing
 * new (the caller then reports the damage as it would have). */
static int salvage(vg_input *in, const char *fs, const char *id, int64_t hpos, size_t hnum,
                   int skip, const char *msg) {
  if (!fs || in->o.stride > 1 || in->nlv > 1) return 0;
  /* only the gzip filter's own failures ("truncated gzip input", "gzip
   * decompression failed"): a tar cut before it was compressed would read
   * the same again */
  if (!msg || (!strstr(msg, "gzip") && !strstr(msg, "GZip") && !strstr(msg, "Gzip"))) return 0;
  if (hpos < 0) skip = 0;
  uint64_t max = in->o.max_doc_bytes < (uint64_t)SIZE_MAX / 8 ? in->o.max_doc_bytes * 4
                                                              : (uint64_t)SIZE_MAX / 2;
  vg_buf b = {0};
  if (inflate_file(in, fs, hpos > 0 ? (uint64_t)hpos : 0, max, &b)) return 0;
  struct archive *a = NULL;
  struct archive_entry *ae = NULL;
  int oerr = 0;
  int r = vg_input_open(&a, NULL, b.data, b.len, &ae, &oerr, NULL);
  for (int k = 0; k < skip && r >= ARCHIVE_WARN; k++) r = archive_read_next_header(a, &ae);
  char *idc = vg_strdup(id), *m = vg_strdup(msg);
  if (!a || r < ARCHIVE_WARN || r == ARCHIVE_EOF || !vg_input_is_container(a) || !idc || !m) {
    archive_read_free(a);
    vg_buf_free(&b);
    free(idc);
    free(m);
    return 0;
  }
  char *last = in->nlv && in->lv[0].last.len ? vg_strdup(in->lv[0].last.data) : NULL;
  if (in->nlv) pop_level(in);
  level *L = &in->lv[0];
  vg_buf_free(&L->src);
  L->src = b; /* a reads from these bytes */
  if (push_level(in, a, idc, ae, r, 1)) {
    archive_read_free(a);
    free(idc);
    free(m);
    free(last);
    return 0;
  }
  free(idc);
  L->nheaders = hpos >= 0 ? hnum - 1 + (size_t)skip : 0;
  L->salvaged = m;
  if (last) set_buf(&L->last, last);
  free(last);
  return 1;
}

/* salvage() for level 0 as it stands: from its last header read whole,
 * skipping it when it was dealt with already (skip 1). */
static int salvage_level(vg_input *in, int skip) {
  level *L = &in->lv[0];
  if (in->nlv != 1 || !L->file || L->salvaged) return 0;
  char *fs = vg_strdup(L->file), *id = vg_strdup(L->id), *msg = vg_strdup(lib_msg(L->a));
  int ok = fs && id && msg && salvage(in, fs, id, L->hpos, L->hnum, skip, msg);
  free(fs);
  free(id);
  free(msg);
  return ok;
}

/* The reason for damage met at the current entry of L ("entry 3 (c.txt):
 * Truncated input file..."), naming the previous entry when the header
 * itself could not be read. */
static void reason_damaged(vg_input *in, level *L, int have_name) {
  vg_buf tmp = {0};
  const char *msg = lib_msg(L->a);
  if (have_name)
    set_reason(in, "entry %zu (%s): %s", L->nheaders, printable(&tmp, L->last.data), msg);
  else if (L->last.len)
    set_reason(in, "entry %zu (after %s): %s", L->nheaders, printable(&tmp, L->last.data), msg);
  else
    set_reason(in, "entry %zu: %s", L->nheaders, msg);
  if (L->salvaged) { /* the damage is the gzip stream's: say so, once */
    vg_buf_printf(&in->reason, " (the gzip stream is damaged: %s; the entries before were "
                  "read from what zlib could still decompress)", L->salvaged);
    free(L->salvaged);
    L->salvaged = NULL;
  }
  vg_buf_free(&tmp);
}

/* Turns a read_data outcome other than RD_OK into an entry. The id and path
 * of the entry are set. With L (an archive entry), damage is reported on
 * the archive's id, and a fatal error or the archive's ratio ends the
 * archive; other stops make the rest of the entry be drained when skipping
 * it would decompress it unwatched. `what` names the stream for single
 * compressed files ("gzip stream"). Returns 1. */
static int report_read(vg_input *in, vg_entry *e, struct archive *a, level *L,
                       int rs, double ratio, int err, const char *what) {
  char h[32];
  switch (rs) {
    case RD_TOO_LARGE:
      set_reason(in, "entry is larger than --max-doc-bytes (%s)",
                 vg_human_bytes(in->o.max_doc_bytes, h));
      if (L) L->drain = !L->cheap_skip;
      return yield(in, e, VG_ENTRY_SKIP, "too_large", NULL);
    case RD_RATIO:
      set_reason(in, "entry expands %.0f times its compressed size, over --max-ratio %g",
                 ratio, in->o.max_ratio);
      if (L) L->drain = !L->cheap_skip;
      return yield(in, e, VG_ENTRY_SKIP, "ratio", NULL);
    case RD_LEVEL_RATIO: /* only with L */
      set_reason(in, "%s expands %.0f times its compressed size, over --max-ratio %g: "
                 "the rest of it is not read", L ? L->id : "the archive", ratio, in->o.max_ratio);
      if (L) L->closing = 1;
      return yield(in, e, VG_ENTRY_SKIP, "ratio", NULL);
    case RD_ERROR:
      if (L) {
        reason_damaged(in, L, 1);
        set_buf(&in->id, L->id);
        if (err == ARCHIVE_FATAL) L->closing = 1;
      } else {
        set_reason(in, "%s: %s", what, lib_msg(a));
      }
      return yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
    default:
      if (L) L->closing = 1;
      return oom(in, e);
  }
}

/* Reads through the rest of L's current entry, watching the archive's
 * ratio. Returns 1 when that produced an entry (the archive's ratio was
 * passed, or damage), which also ends the archive; 0 otherwise. */
static int drain(vg_input *in, vg_entry *e, level *L) {
  double ratio = 0;
  for (;;) {
    const void *blk;
    size_t n;
    la_int64_t off;
    int r = archive_read_data_block(L->a, &blk, &n, &off);
    if (r == ARCHIVE_EOF) return 0;
    if (r == ARCHIVE_FATAL && L == &in->lv[0] && salvage_level(in, 1)) return 0;
    if (r < ARCHIVE_OK) {
      set_buf(&in->id, L->id);
      set_buf(&in->path, L->last.data ? L->last.data : "");
      reason_damaged(in, L, 1);
      if (r == ARCHIVE_FATAL) L->closing = 1;
      return yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
    }
    L->out += (uint64_t)n;
    if (level_over(in, L, &ratio)) {
      set_buf(&in->id, L->id);
      set_buf(&in->path, L->last.data ? L->last.data : "");
      set_reason(in, "%s expands %.0f times its compressed size, over --max-ratio %g: "
                 "the rest of it is not read", L->id, ratio, in->o.max_ratio);
      L->closing = 1;
      return yield(in, e, VG_ENTRY_SKIP, "ratio", NULL);
    }
  }
}

/* ---- documents in other formats ------------------------------------------ */

/* The bytes b of a document in format f (not text; id and path set):
 * extracted into in->x and yielded as text, with the format, its metadata
 * and a warning for what was left out. Its parts become a new level
 * (past --max-depth they are left out, with a warning). An extractor's
 * failure is a SKIP (encrypted, no text, a limit) or an ERROR (damage).
 * Returns 1 when *e was filled, 0 when only a level was pushed (an mbox). */
static int extract_doc(vg_input *in, vg_entry *e, const vg_buf *b, vg_format f) {
  vg_extracted *x = &in->x;
  if (x->text.cap > KEEP_BUF) vg_buf_free(&x->text);
  if (x->parts.cap > KEEP_BUF) vg_buf_free(&x->parts);
  const unsigned char *p = b->data ? (const unsigned char *)b->data : (const unsigned char *)"";
  size_t n = b->len;
  if (!(in->formats & VG_FORMAT_BIT(f))) {
    set_reason(in, "%s document, not extracted (--formats)", vg_format_name(f));
    yield(in, e, VG_ENTRY_SKIP, "format", NULL);
    e->format = vg_format_name(f);
    return 1;
  }
  if (vg_extract(f, p, n, &in->lim, x)) {
    set_reason(in, "%s", x->reason);
    yield(in, e, x->damaged ? VG_ENTRY_ERROR : VG_ENTRY_SKIP, x->skip ? x->skip : "damaged",
          NULL);
    e->format = vg_format_name(f);
    return 1;
  }
  int pushed = 0, depth = (int)in->nlv + 1;
  if (x->nparts && depth > in->o.max_depth) {
    vg_extracted_warn(x, "%zu %s not read: nested deeper than --max-depth %d (depth %d)",
                      x->nparts, f == VG_FORMAT_MBOX ? "messages" : "attachments",
                      in->o.max_depth, depth);
  } else if (x->nparts) {
    if (ensure_levels(in, in->nlv + 1)) return oom(in, e);
    level *N = &in->lv[in->nlv];
    N->id = vg_strdup(in->id.data);
    if (!N->id) return oom(in, e);
    vg_buf t = N->src; /* the parts move to the level */
    N->src = x->parts;
    x->parts = t;
    vg_buf_reset(&x->parts);
    N->ppos = 0;
    N->a = NULL;
    in->nlv++;
    pushed = 1;
  }
  if (f == VG_FORMAT_MBOX) {
    if (pushed) return 0;
    set_reason(in, "%s", x->warning);
    return yield(in, e, VG_ENTRY_SKIP, "too_deep", NULL);
  }
  yield(in, e, VG_ENTRY_DOC, NULL, &x->text);
  e->raw = n;
  e->format = vg_format_name(f);
  e->meta = x->meta.data;
  e->meta_len = x->meta.len;
  if (x->warning[0]) {
    set_reason(in, "%s", x->warning);
    e->reason = in->reason.data;
  }
  return 1;
}

/* The bytes b of a document (id and path set): text is yielded as it is,
 * other formats are extracted. Returns as extract_doc. */
static int doc_bytes(vg_input *in, vg_entry *e, const vg_buf *b) {
  vg_format f = vg_format_sniff((const unsigned char *)(b->data ? b->data : ""), b->len);
  if (f == VG_FORMAT_TEXT) return yield(in, e, VG_ENTRY_DOC, NULL, b);
  return extract_doc(in, e, b, f);
}

static int entry_bytes(vg_input *in, vg_entry *e, size_t li);

/* The next part of the parts level li, read like an archive entry: its id
 * is the document's followed by "!" and the part's name. Returns 1 when
 * *e was filled, 0 when the caller should loop. */
static int step_parts(vg_input *in, vg_entry *e, size_t li) {
  level *L = &in->lv[li];
  vg_extracted view = {0}; /* a read-only view of the parts */
  view.parts = L->src;
  size_t pos = L->ppos;
  const char *name;
  const unsigned char *data;
  size_t size;
  if (!vg_extracted_next_part(&view, &pos, &name, &data, &size)) {
    pop_level(in);
    return 0;
  }
  L->ppos = pos;
  L->nheaders++;
  set_buf(&L->last, name);
  set_buf(&in->path, name);
  vg_buf_reset(&in->id);
  vg_buf_printf(&in->id, "%s!%s", L->id, name);
  vg_buf_reset(&L->data); /* a copy: a nested archive takes its bytes with it */
  if (vg_buf_append(&L->data, data, size)) return oom(in, e);
  return entry_bytes(in, e, li);
}

/* Reads a single compressed or plain stream from a (its first header read)
 * into b and yields it; id and path are set. Returns 1, or 0 when it was an
 * mbox (a level of messages was pushed). */
static int single_doc(vg_input *in, vg_entry *e, struct archive *a, vg_buf *b) {
  double ratio = 0;
  int err = 0;
  int rs = read_data(in, a, b, NULL, 0, -1, &ratio, &err);
  if (rs == RD_OK) return doc_bytes(in, e, b);
  char what[64];
  if (archive_filter_count(a) > 1)
    snprintf(what, sizeof what, "%s stream", archive_filter_name(a, 0));
  else
    snprintf(what, sizeof what, "read");
  return report_read(in, e, a, NULL, rs, ratio, err, what);
}

/* The bytes of L's current entry are in L->data; id and path are set.
 * Opens them with libarchive to see what they are: a nested archive is
 * pushed as a new level (or skipped past max_depth), a compressed stream is
 * decompressed into L->sub, anything else is a document. Returns 1 when *e
 * was filled, 0 when a level was pushed. */
static int entry_bytes(vg_input *in, vg_entry *e, size_t li) {
  level *L = &in->lv[li];
  vg_format f = vg_format_sniff((const unsigned char *)(L->data.data ? L->data.data : ""),
                                L->data.len);
  if (f != VG_FORMAT_TEXT) return extract_doc(in, e, &L->data, f);
  if (!vg_input_maybe_container((const unsigned char *)L->data.data, L->data.len))
    return yield(in, e, VG_ENTRY_DOC, NULL, &L->data);
  struct archive *b = NULL;
  struct archive_entry *ae = NULL;
  int oerr = 0;
  int r = vg_input_open(&b, NULL, L->data.data, L->data.len, &ae, &oerr, NULL);
  if (!b) return oom(in, e);
  if (r < ARCHIVE_FATAL) { /* only a filter can fail here: a bad compressed stream */
    set_reason(in, "%s", lib_msg(b));
    archive_read_free(b);
    return yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
  }
  int nf = archive_filter_count(b);
  if (vg_input_is_container(b)) {
    if (r == ARCHIVE_EOF) {
      archive_read_free(b);
      return 0;
    }
    if (r < ARCHIVE_WARN) {
      set_reason(in, "entry 1: %s", lib_msg(b));
      archive_read_free(b);
      return yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
    }
    int depth = (int)in->nlv + 1;
    if (depth > in->o.max_depth) {
      set_reason(in, "archive nested deeper than --max-depth %d (depth %d)", in->o.max_depth,
                 depth);
      archive_read_free(b);
      return yield(in, e, VG_ENTRY_SKIP, "too_deep", NULL);
    }
    if (ensure_levels(in, in->nlv + 1)) {
      archive_read_free(b);
      return oom(in, e);
    }
    L = &in->lv[li];
    level *N = &in->lv[in->nlv];
    vg_buf t = N->src; /* the archive's bytes move with it; b keeps pointing at them */
    N->src = L->data;
    L->data = t;
    if (push_level(in, b, in->id.data, ae, r, 1)) {
      t = N->src;
      N->src = L->data;
      L->data = t;
      archive_read_free(b);
      return oom(in, e);
    }
    return 0;
  }
  if (nf > 1) {
    vg_input_strip_suffixes(&in->path, nf - 1);
    int rr;
    if (r == ARCHIVE_EOF) {
      vg_buf_reset(&L->sub);
      rr = yield(in, e, VG_ENTRY_DOC, NULL, &L->sub);
    } else if (r < ARCHIVE_WARN) {
      set_reason(in, "%s stream: %s", archive_filter_name(b, 0), lib_msg(b));
      rr = yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
    } else {
      rr = single_doc(in, e, b, &L->sub);
    }
    archive_read_free(b);
    return rr;
  }
  archive_read_free(b);
  return yield(in, e, VG_ENTRY_DOC, NULL, &L->data);
}

/* Reads the next header of the innermost archive and turns it into an
 * entry. Returns 1 when *e was filled, 0 when the caller should loop
 * (a directory entry, a level opened or closed). */
static int step_level(vg_input *in, vg_entry *e) {
  size_t li = in->nlv - 1;
  level *L = &in->lv[li];
  if (!L->a) return step_parts(in, e, li);
  if (L->closing) {
    pop_level(in);
    return 0;
  }
  if (L->drain) {
    L->drain = 0;
    if (drain(in, e, L)) return 1;
  }
  struct archive_entry *ae = NULL;
  int r;
  if (L->has_pending) {
    ae = L->pending;
    r = L->pending_r;
    L->has_pending = 0;
    L->pending = NULL;
  } else {
    r = archive_read_next_header(L->a, &ae);
  }
  if (r == ARCHIVE_EOF) {
    if (L->salvaged) { /* salvaged bytes that ended without more damage: report the first */
      vg_buf tmp = {0};
      set_buf(&in->id, L->id);
      set_buf(&in->path, L->last.len ? L->last.data : "");
      set_reason(in, "after entry %zu (%s): %s (the entries before were read from what zlib "
                 "could still decompress)", L->nheaders, printable(&tmp, L->last.data),
                 L->salvaged);
      vg_buf_free(&tmp);
      free(L->salvaged);
      L->salvaged = NULL;
      L->closing = 1;
      return yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
    }
    pop_level(in);
    return 0;
  }
  L->nheaders++;
  if (li == 0 && in->o.stride > 1) {
    /* several readers share this archive: read only our entries, and leave
     * damage to reader 0 (it sees the same headers) */
    unsigned owner = L->cheap_skip ? (unsigned)((L->nheaders - 1) % in->o.stride) : 0;
    if (r < ARCHIVE_WARN) owner = 0;
    if (owner != in->o.stride_k) {
      if (r == ARCHIVE_FATAL || (r < ARCHIVE_WARN && ++L->nerr >= MAX_HEADER_ERRORS))
        L->closing = 1;
      return 0;
    }
  }
  set_buf(&in->id, L->id);
  if (r < ARCHIVE_WARN) {
    if (r == ARCHIVE_FATAL && li == 0 && salvage_level(in, 1)) return 0;
    set_buf(&in->path, L->last.len ? L->last.data : "");
    reason_damaged(in, L, 0);
    if (r == ARCHIVE_FATAL || ++L->nerr >= MAX_HEADER_ERRORS) L->closing = 1;
    return yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
  }
  L->nerr = 0;
  if (li == 0 && L->file) { /* where gzip salvage would start again */
    L->hpos = archive_read_header_position(L->a);
    L->hnum = L->nheaders;
  }
  vg_input_clean_name(&L->last, ae);
  set_buf(&in->path, L->last.data);
  vg_buf_reset(&in->id);
  vg_buf_printf(&in->id, "%s!%s", L->id, L->last.data);
  if (archive_entry_mtime_is_set(ae)) {
    e->mtime = (int64_t)archive_entry_mtime(ae);
    e->has_mtime = 1;
  }
  vg_buf tmp = {0};
  int type = (int)archive_entry_filetype(ae);
  if (archive_entry_hardlink(ae)) {
    set_reason(in, "hard link to %s, not followed",
               printable(&tmp, archive_entry_hardlink(ae)));
    vg_buf_free(&tmp);
    return yield(in, e, VG_ENTRY_SKIP, "link", NULL);
  }
  if (type == AE_IFDIR) return 0;
  if (type == AE_IFLNK) {
    const char *t = archive_entry_symlink_utf8(ae);
    if (!t) t = archive_entry_symlink(ae);
    set_reason(in, "symbolic link to %s, not followed", printable(&tmp, t ? t : "?"));
    vg_buf_free(&tmp);
    return yield(in, e, VG_ENTRY_SKIP, "link", NULL);
  }
  if (type != AE_IFREG && type != 0) {
    set_reason(in, "%s, not read", special_name((unsigned)type));
    return yield(in, e, VG_ENTRY_SKIP, "device", NULL);
  }
  if (archive_entry_is_encrypted(ae)) {
    set_reason(in, "entry is encrypted, not read");
    return yield(in, e, VG_ENTRY_ERROR, "unreadable", NULL);
  }
  int64_t size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : -1;
  if (size >= 0 && (uint64_t)size > in->o.max_doc_bytes) {
    char h1[32], h2[32];
    set_reason(in, "entry is %s, larger than --max-doc-bytes (%s)",
               vg_human_bytes((uint64_t)size, h1), vg_human_bytes(in->o.max_doc_bytes, h2));
    L->drain = !L->cheap_skip;
    return yield(in, e, VG_ENTRY_SKIP, "too_large", NULL);
  }
  double ratio = 0;
  int err = 0;
  if (L->zi && size >= 0) { /* the plain case, inflated here; skipping it costs libarchive nothing */
    int z = vg_zip_inflate_read(L->zi, archive_read_header_position(L->a), archive_entry_pathname(ae),
                                (uint64_t)size, in->o.max_doc_bytes, in->o.max_ratio, RATIO_FLOOR,
                                &L->data);
    if (z < 0) return oom(in, e);
    if (z > 0) {
      L->out += L->data.len;
      archive_read_data_skip(L->a); /* damage past the entry: the next header tells */
      if (level_over(in, L, &ratio)) return report_read(in, e, L->a, L, RD_LEVEL_RATIO, ratio, 0, NULL);
      return entry_bytes(in, e, li);
    }
  }
  int rs = read_data(in, L->a, &L->data, L, archive_filter_bytes(L->a, -1), size,
                     &ratio, &err);
  if (rs != RD_OK) {
    if (rs == RD_ERROR && err == ARCHIVE_FATAL && li == 0 && salvage_level(in, 0)) return 0;
    return report_read(in, e, L->a, L, rs, ratio, err, NULL);
  }
  return entry_bytes(in, e, li);
}

/* ---- files, directories, inputs --------------------------------------- */

/* Whether the regular file fs (st its stat) is a DOCX or ODT, which
 * libarchive would open as a zip: its first entry hints it
 * ([Content_Types].xml, mimetype), its bytes (read whole into b) tell.
 * Sets *f. */
static int office_file(const vg_input *in, const char *fs, const struct stat *st, vg_buf *b,
                       vg_format *f) {
  if ((uint64_t)st->st_size > in->o.max_doc_bytes) return 0;
  FILE *fp = fopen(fs, "rb");
  if (!fp) return 0;
  unsigned char head[64];
  size_t n = fread(head, 1, sizeof head, fp);
  int hint = n == sizeof head && !memcmp(head, "PK\3\4", 4) &&
             (!memcmp(head + 30, "[Content_Types].xml", 19) || !memcmp(head + 30, "mimetype", 8));
  vg_buf_reset(b);
  if (hint && !vg_buf_reserve(b, (size_t)st->st_size)) {
    rewind(fp);
    b->len = fread(b->data, 1, (size_t)st->st_size, fp);
    b->data[b->len] = '\0';
  }
  fclose(fp);
  *f = hint ? vg_format_sniff((const unsigned char *)b->data, b->len) : VG_FORMAT_TEXT;
  return *f == VG_FORMAT_DOCX || *f == VG_FORMAT_ODT;
}

/* Starts one file: fs is the file to open (NULL: standard input), id its id,
 * ppath the path reported when it is a plain file, cname the name a
 * compressed file's path is made from (its suffix removed), st its stat
 * (NULL for stdin). Its first header decides: an archive becomes level 0,
 * anything else is yielded as one document (or a problem). Returns 1 when
 * *e was filled, 0 when an archive was opened (or, on standard input, which
 * cannot be read twice, had no entries). */
static int open_file(vg_input *in, vg_entry *e, const char *fs, const char *id,
                     const char *ppath, const char *cname, const struct stat *st) {
  set_buf(&in->id, id);
  set_buf(&in->path, ppath);
  in->fsize = st && S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
  if (ensure_levels(in, 1)) return oom(in, e);
  if (st) {
    e->mtime = (int64_t)st->st_mtime;
    e->has_mtime = 1;
  }
  struct archive *a = NULL;
  struct archive_entry *ae = NULL;
  int oerr = 0;
  int streamed = 0;
  int r = vg_input_open(&a, fs, NULL, 0, &ae, &oerr, &streamed);
  if (!a) return oom(in, e);
  if (r < ARCHIVE_FATAL) {
    char eb[128];
    if (oerr > 0)
      set_reason(in, "%s: %s", lib_msg(a), errstr(oerr, eb));
    else
      set_reason(in, "%s", lib_msg(a));
    const char *key = oerr == ENOENT || oerr == ENOTDIR ? "missing"
                      : vg_input_system_error(oerr)   ? "unreadable"
                                                      : "damaged";
    int saved = !strcmp(key, "damaged") && st && S_ISREG(st->st_mode) &&
                salvage(in, fs, id, -1, 0, 0, lib_msg(a));
    archive_read_free(a);
    return saved ? 0 : yield(in, e, VG_ENTRY_ERROR, key, NULL);
  }
  if (vg_input_is_container(a)) {
    int rr = 0;
    vg_format f;
    if (r == ARCHIVE_EOF) {
      rr = 0;
    } else if (r < ARCHIVE_WARN) {
      if (r == ARCHIVE_FATAL && st && S_ISREG(st->st_mode) &&
          archive_filter_code(a, 0) == ARCHIVE_FILTER_GZIP &&
          salvage(in, fs, id, -1, 0, 0, lib_msg(a))) {
        archive_read_free(a);
        return 0;
      }
      set_reason(in, "entry 1: %s", lib_msg(a));
      rr = yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
    } else if (st && S_ISREG(st->st_mode) && archive_format(a) == ARCHIVE_FORMAT_ZIP &&
               office_file(in, fs, st, &in->lv[0].data, &f)) {
      archive_read_free(a);
      if (in->o.stride > 1 && in->o.stride_k) return 0; /* one document: reader 0's */
      return extract_doc(in, e, &in->lv[0].data, f);
    } else if (in->o.max_depth < 1) {
      set_reason(in, "archive nested deeper than --max-depth %d (depth 1)", in->o.max_depth);
      rr = yield(in, e, VG_ENTRY_SKIP, "too_deep", NULL);
    } else {
      struct stat s0;
      int seekable = st ? S_ISREG(st->st_mode) : fstat(0, &s0) == 0 && S_ISREG(s0.st_mode);
      if (push_level(in, a, id, ae, r, seekable) == 0) {
        if (st && S_ISREG(st->st_mode) && archive_filter_code(a, 0) == ARCHIVE_FILTER_GZIP)
          in->lv[0].file = vg_strdup(fs); /* for gzip salvage; NULL only loses that */
        if (streamed && archive_format(a) == ARCHIVE_FORMAT_ZIP && archive_filter_count(a) == 1)
          in->lv[0].zi = vg_zip_inflate_open(fs); /* NULL: libarchive inflates */
        return 0;
      }
      rr = oom(in, e);
    }
    archive_read_free(a);
    return rr;
  }
  int nf = archive_filter_count(a);
  if (nf > 1) {
    set_buf(&in->path, cname);
    vg_input_strip_suffixes(&in->path, nf - 1);
  }
  level *L0 = &in->lv[0];
  int rr;
  if (r == ARCHIVE_EOF) {
    vg_buf_reset(&L0->data);
    rr = yield(in, e, VG_ENTRY_DOC, NULL, &L0->data);
  } else if (r < ARCHIVE_WARN) {
    if (nf > 1) set_reason(in, "%s stream: %s", archive_filter_name(a, 0), lib_msg(a));
    else set_reason(in, "%s", lib_msg(a));
    rr = yield(in, e, VG_ENTRY_ERROR, "damaged", NULL);
  } else if (nf == 1 && st && S_ISREG(st->st_mode) &&
             (uint64_t)st->st_size > in->o.max_doc_bytes) {
    char h1[32], h2[32];
    set_reason(in, "file is %s, larger than --max-doc-bytes (%s)",
               vg_human_bytes((uint64_t)st->st_size, h1), vg_human_bytes(in->o.max_doc_bytes, h2));
    rr = yield(in, e, VG_ENTRY_SKIP, "too_large", NULL);
  } else {
    rr = single_doc(in, e, a, &L0->data);
  }
  archive_read_free(a); /* the bytes are in L0->data */
  return rr;
}

static int cmp_names(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

static void free_frame(dframe *f) {
  for (size_t i = 0; i < f->n; i++) free(f->names[i]);
  free(f->names);
  free(f->rel);
}

/* Lists the directory droot/rel (rel "" for the root) into a new frame,
 * names sorted with strcmp. Returns 0, or an errno value. */
static int push_dir(vg_input *in, const char *rel) {
  char *fs = *rel ? join(in->droot, rel) : vg_strdup(in->droot);
  if (!fs) return ENOMEM;
  DIR *d = opendir(fs);
  free(fs);
  if (!d) return errno ? errno : EIO;
  dframe f = {vg_strdup(rel), NULL, 0, 0};
  size_t cap = 0;
  int err = f.rel ? 0 : ENOMEM;
  struct dirent *de;
  while (!err && (errno = 0, de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    if (f.n == cap) {
      size_t nc = cap ? cap * 2 : 16;
      char **p = realloc(f.names, nc * sizeof *p);
      if (!p) {
        err = ENOMEM;
        break;
      }
      f.names = p;
      cap = nc;
    }
    if (!(f.names[f.n] = vg_strdup(de->d_name))) err = ENOMEM;
    else f.n++;
  }
  if (!err && errno) err = errno;
  closedir(d);
  if (!err && in->ndf == in->capdf) {
    size_t nc = in->capdf ? in->capdf * 2 : 8;
    dframe *p = realloc(in->df, nc * sizeof *p);
    if (!p) err = ENOMEM;
    else {
      in->df = p;
      in->capdf = nc;
    }
  }
  if (err) {
    free_frame(&f);
    return err;
  }
  if (f.n) qsort(f.names, f.n, sizeof *f.names, cmp_names);
  in->df[in->ndf++] = f;
  return 0;
}

/* An ERROR "missing" (ENOENT, ENOTDIR) or "unreadable" for the current id. */
static int fs_error(vg_input *in, vg_entry *e, const char *what, int err) {
  char eb[128];
  set_reason(in, "cannot %s %s: %s", what, in->id.data ? in->id.data : "",
             errstr(err, eb));
  return yield(in, e, VG_ENTRY_ERROR,
               err == ENOENT || err == ENOTDIR ? "missing" : "unreadable", NULL);
}

/* Takes the next name of the innermost directory being walked: a
 * subdirectory is pushed, a symlink or special file is skipped, a regular
 * file is opened as an input of its own kind. Returns 1 when *e was
 * filled. */
static int step_dir(vg_input *in, vg_entry *e) {
  dframe *f = &in->df[in->ndf - 1];
  if (f->i == f->n) {
    free_frame(f);
    if (--in->ndf == 0) {
      free(in->droot);
      in->droot = NULL;
    }
    return 0;
  }
  const char *name = f->names[f->i++];
  char *rel = *f->rel ? vg_asprintf("%s/%s", f->rel, name) : vg_strdup(name);
  char *full = rel ? join(in->droot, rel) : NULL;
  int r = 0;
  struct stat st;
  if (!full) {
    set_buf(&in->id, in->droot);
    set_buf(&in->path, in->droot);
    r = oom(in, e);
  } else {
    set_buf(&in->id, full);
    set_buf(&in->path, rel);
    if (lstat(full, &st) != 0) {
      r = fs_error(in, e, "read", errno);
    } else if (S_ISDIR(st.st_mode)) {
      int err = push_dir(in, rel);
      if (err) r = fs_error(in, e, "read directory", err);
    } else if (S_ISLNK(st.st_mode)) {
      char target[512];
      ssize_t n = readlink(full, target, sizeof target - 1);
      target[n > 0 ? n : 0] = '\0';
      vg_buf tmp = {0};
      set_reason(in, "symbolic link to %s, not followed in a directory",
                 n > 0 ? printable(&tmp, target) : "?");
      vg_buf_free(&tmp);
      e->mtime = (int64_t)st.st_mtime;
      e->has_mtime = 1;
      r = yield(in, e, VG_ENTRY_SKIP, "link", NULL);
    } else if (!S_ISREG(st.st_mode)) {
      set_reason(in, "%s, not read", special_name((unsigned)(st.st_mode & S_IFMT)));
      e->mtime = (int64_t)st.st_mtime;
      e->has_mtime = 1;
      r = yield(in, e, VG_ENTRY_SKIP, "device", NULL);
    } else {
      r = open_file(in, e, full, full, rel, rel, &st);
    }
  }
  free(rel);
  free(full);
  return r;
}

/* Starts the next input given by the user: "-" is standard input, a
 * directory starts a walk, anything else (a symlink is followed) is opened
 * as a file. Returns 1 when *e was filled. */
static int start_input(vg_input *in, vg_entry *e) {
  const char *p = in->paths[in->next++];
  in->ninputs++;
  in->source = p;
  if (strcmp(p, "-") == 0) return open_file(in, e, NULL, "-", "-", "-", NULL);
  set_buf(&in->id, p);
  set_buf(&in->path, p);
  struct stat st;
  if (stat(p, &st) != 0) return fs_error(in, e, "open", errno);
  if (S_ISDIR(st.st_mode)) {
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') n--;
    in->droot = vg_strndup(p, n);
    if (!in->droot) return oom(in, e);
    int err = push_dir(in, "");
    if (err) {
      free(in->droot);
      in->droot = NULL;
      return fs_error(in, e, "read directory", err);
    }
    return 0;
  }
  const char *base = strrchr(p, '/');
  return open_file(in, e, p, p, p, base ? base + 1 : p, &st);
}

/* ---- public ----------------------------------------------------------- */

vg_input *vg_input_new(const char *const *paths, size_t n, const vg_input_opts *opts) {
  vg_input *in = calloc(1, sizeof *in);
  if (!in) return NULL;
  if (opts) {
    in->o = *opts;
  } else {
    in->o.max_doc_bytes = 64ULL * 1024 * 1024;
    in->o.max_ratio = 200;
    in->o.max_depth = 4;
  }
  in->paths = calloc(n ? n : 1, sizeof *in->paths);
  if (!in->paths) {
    free(in);
    return NULL;
  }
  for (size_t i = 0; i < n; i++) {
    in->paths[i] = vg_strdup(paths[i]);
    if (!in->paths[i]) {
      in->n = i;
      vg_input_free(in);
      return NULL;
    }
  }
  in->n = n;
  in->formats = in->o.formats ? in->o.formats : VG_FORMATS_ALL;
  vg_extract_default_limits(&in->lim, in->o.max_doc_bytes);
  if (in->o.extract_seconds > 0) in->lim.max_seconds = in->o.extract_seconds;
  if (in->o.max_ratio > 0) in->lim.max_ratio = in->o.max_ratio;
  return in;
}

int vg_input_next(vg_input *in, vg_entry *e) {
  for (;;) {
    int r;
    memset(e, 0, sizeof *e);
    vg_buf_reset(&in->reason);
    if (in->nlv) r = step_level(in, e);
    else if (in->ndf) r = step_dir(in, e);
    else if (in->next < in->n) r = start_input(in, e);
    else return 0;
    if (r) {
      in->nentries++;
      e->ends = in->nlv && in->lv[0].closing;
      return 1;
    }
  }
}

size_t vg_input_count_inputs(const vg_input *in) { return in->ninputs; }
size_t vg_input_count_entries(const vg_input *in) { return in->nentries; }

void vg_input_free(vg_input *in) {
  if (!in) return;
  while (in->nlv) pop_level(in);
  for (size_t i = 0; i < in->caplv; i++) {
    vg_buf_free(&in->lv[i].src);
    vg_buf_free(&in->lv[i].data);
    vg_buf_free(&in->lv[i].sub);
    vg_buf_free(&in->lv[i].last);
  }
  free(in->lv);
  while (in->ndf) free_frame(&in->df[--in->ndf]);
  free(in->df);
  free(in->droot);
  for (size_t i = 0; i < in->n; i++) free(in->paths[i]);
  free(in->paths);
  vg_buf_free(&in->id);
  vg_buf_free(&in->path);
  vg_buf_free(&in->reason);
  vg_extracted_free(&in->x);
  free(in);
}
