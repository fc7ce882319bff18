/*
 * extract.c: see extract.h. What every extractor shares: format names and
 * lists, sniffing, the result and its parts, the dispatcher.
 */
#define _GNU_SOURCE /* memmem */
#include "extract.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const NAMES[VG_FORMAT_COUNT] = {"text", "pdf",  "docx", "odt",
                                                   "html", "eml",  "mbox"};

const char *vg_format_name(vg_format f) {
  return f >= 0 && f < VG_FORMAT_COUNT ? NAMES[f] : "text";
}

int vg_format_from_name(const char *s) {
  for (int i = 0; i < VG_FORMAT_COUNT; i++)
    if (!strcmp(s, NAMES[i])) return i;
  return -1;
}

const char *vg_format_static(const char *s) {
  int f = s ? vg_format_from_name(s) : -1;
  return vg_format_name(f < 0 ? VG_FORMAT_TEXT : (vg_format)f);
}

int vg_format_parse_list(const char *list, unsigned *mask, char err[VG_ERRLEN]) {
  unsigned m = VG_FORMAT_BIT(VG_FORMAT_TEXT);
  const char *p = list;
  while (*p) {
    size_t n = strcspn(p, ",");
    char w[16];
    if (n == 0 || n >= sizeof w) {
      vg_seterr(err, "--formats: bad list \"%s\" (known: text,pdf,docx,odt,html,eml, all, none)",
                list);
      return -1;
    }
    memcpy(w, p, n);
    w[n] = '\0';
    int f = vg_format_from_name(w);
    if (!strcmp(w, "all")) m = VG_FORMATS_ALL;
    else if (!strcmp(w, "none")) m = VG_FORMAT_BIT(VG_FORMAT_TEXT);
    else if (f < 0) {
      vg_seterr(err, "--formats: unknown format \"%s\" (known: text,pdf,docx,odt,html,eml, all, "
                "none)", w);
      return -1;
    } else {
      m |= VG_FORMAT_BIT(f);
      if (f == VG_FORMAT_EML) m |= VG_FORMAT_BIT(VG_FORMAT_MBOX); /* mbox is e-mail too */
    }
    p += n;
    if (*p == ',') p++;
  }
  *mask = m;
  return 0;
}

/* ---- sniffing ----------------------------------------------------------- */

static int starts_ci(const unsigned char *p, size_t n, const char *s) {
  size_t k = strlen(s);
  return n >= k && strncasecmp((const char *)p, s, k) == 0;
}

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

/* HTML: after a UTF-8 BOM, white space, an XML declaration and comments,
 * a doctype or one of the elements a page starts with. */
static int sniff_html(const unsigned char *p, size_t n) {
  if (n > 4096) n = 4096;
  size_t i = n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3) ? 3 : 0;
  for (;;) {
    while (i < n && is_ws(p[i])) i++;
    if (starts_ci(p + i, n - i, "<?xml") || starts_ci(p + i, n - i, "<!--")) {
      const char *end = starts_ci(p + i, n - i, "<!--") ? "-->" : "?>";
      const unsigned char *e = memmem(p + i, n - i, end, strlen(end));
      if (!e) return 0;
      i = (size_t)(e - p) + strlen(end);
      continue;
    }
    break;
  }
  static const char *const START[] = {"<!doctype html", "<html", "<head", "<body", "<meta ",
                                      "<title>", NULL};
  for (int k = 0; START[k]; k++)
    if (starts_ci(p + i, n - i, START[k])) return 1;
  return 0;
}

/* The length of the header name at p (token characters up to ':'), 0 when
 * p does not start a header line. */
static size_t header_name(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n && i < 76 && p[i] > 32 && p[i] < 127 && p[i] != ':') i++;
  return i > 0 && i < n && p[i] == ':' ? i : 0;
}

/* E-mail: a block of header lines, at least two of them known ones, one of
 * them one that only mail has. */
static int sniff_headers(const unsigned char *p, size_t n) {
  static const char *const KNOWN[] = {"from", "to", "subject", "date", "cc", "content-type",
                                      "message-id", "mime-version", "received", "return-path",
                                      "delivered-to", "reply-to", "x-mailer", NULL};
  if (n > 16384) n = 16384;
  int known = 0, mail = 0;
  size_t i = 0;
  while (i < n) {
    if (p[i] == '\n' || (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')) break; /* the body */
    if (p[i] == ' ' || p[i] == '\t') { /* a folded continuation */
      if (i == 0) return 0;
    } else {
      size_t k = header_name(p + i, n - i);
      if (!k) return 0;
      for (int j = 0; KNOWN[j]; j++) {
        if (strlen(KNOWN[j]) == k && !strncasecmp((const char *)p + i, KNOWN[j], k)) {
          known++;
          if (j == 0 || j >= 6) mail = 1; /* from, message-id and after */
        }
      }
    }
    const unsigned char *nl = memchr(p + i, '\n', n - i);
    if (!nl) break;
    i = (size_t)(nl - p) + 1;
  }
  return known >= 2 && mail;
}

vg_format vg_format_sniff(const unsigned char *p, size_t n) {
  if (n >= 5 && memmem(p, n < 1024 ? n : 1024, "%PDF-", 5)) return VG_FORMAT_PDF;
  if (n >= 4 && !memcmp(p, "PK\3\4", 4)) {
    static const char ODT[] = "mimetypeapplication/vnd.oasis.opendocument.text";
    if (n >= 30 + sizeof ODT - 1 && !memcmp(p + 30, ODT, sizeof ODT - 1)) return VG_FORMAT_ODT;
    if (memmem(p, n, "[Content_Types].xml", 19) && memmem(p, n, "word/document.xml", 17))
      return VG_FORMAT_DOCX;
    return VG_FORMAT_TEXT;
  }
  if (n >= 5 && !memcmp(p, "From ", 5)) {
    const unsigned char *nl = memchr(p, '\n', n < 1024 ? n : 1024);
    if (nl && sniff_headers(nl + 1, n - (size_t)(nl + 1 - p))) return VG_FORMAT_MBOX;
    return VG_FORMAT_TEXT;
  }
  if (sniff_headers(p, n)) return VG_FORMAT_EML;
  if (sniff_html(p, n)) return VG_FORMAT_HTML;
  return VG_FORMAT_TEXT;
}

/* ---- limits and results --------------------------------------------------- */

void vg_extract_default_limits(vg_extract_limits *l, uint64_t max_doc_bytes) {
  l->max_bytes = max_doc_bytes;
  l->max_memory = 512ULL * 1024 * 1024;
  if (max_doc_bytes > l->max_memory / 8) l->max_memory = max_doc_bytes * 8;
  l->max_ratio = 200;
  l->max_pages = 10000;
  l->max_parts = 1000;
  l->max_seconds = 20;
}

void vg_extracted_reset(vg_extracted *x) {
  vg_buf_reset(&x->text);
  vg_buf_reset(&x->meta);
  vg_buf_reset(&x->parts);
  x->nparts = 0;
  x->skip = NULL;
  x->damaged = 0;
  x->warning[0] = x->reason[0] = '\0';
}

void vg_extracted_free(vg_extracted *x) {
  vg_buf_free(&x->text);
  vg_buf_free(&x->meta);
  vg_buf_free(&x->parts);
  vg_extracted_reset(x);
}

int vg_extracted_meta(vg_extracted *x, const char *key, const char *value) {
  if (!value || !*value) return 0;
  for (size_t i = 0; i < x->meta.len;) { /* a key given twice keeps the first */
    const char *k = x->meta.data + i, *v = k + strlen(k) + 1;
    if (!strcmp(k, key)) return 0;
    i = (size_t)(v - x->meta.data) + strlen(v) + 1;
  }
  return vg_buf_append(&x->meta, key, strlen(key) + 1) ||
         vg_buf_append(&x->meta, value, strlen(value) + 1) ? -1 : 0;
}

int vg_extracted_part(vg_extracted *x, const vg_extract_limits *l, const char *name,
                      const void *data, size_t n) {
  if (l && l->max_parts && x->nparts >= l->max_parts) {
    vg_extracted_warn(x, "more than %u parts: the rest are left out", l->max_parts);
    return -1;
  }
  if (l && l->max_bytes && x->parts.len + n > l->max_bytes) {
    vg_extracted_warn(x, "parts over --max-doc-bytes: part %zu (%s) and those after are left out",
                      x->nparts + 1, name && *name ? name : "unnamed");
    return -1;
  }
  size_t start = x->parts.len;
  const char *s = name && *name ? name : "part";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (vg_buf_putc(&x->parts, c < 0x20 || c == 0x7f || c == '/' || c == '!' || c == '\\'
                                   ? '_' : (char)c))
      goto oom;
  }
  if (!strcmp(x->parts.data + start, ".") || !strcmp(x->parts.data + start, "..")) {
    x->parts.len = start;
    if (vg_buf_append(&x->parts, "part", 4)) goto oom;
  }
  unsigned char sz[8];
  for (int i = 0; i < 8; i++) sz[i] = (unsigned char)((uint64_t)n >> (8 * i));
  if (vg_buf_putc(&x->parts, '\0') || vg_buf_append(&x->parts, sz, 8) ||
      vg_buf_append(&x->parts, data, n))
    goto oom;
  x->nparts++;
  return 0;
oom:
  x->parts.len = start;
  return -1;
}

int vg_extracted_next_part(const vg_extracted *x, size_t *pos, const char **name,
                           const unsigned char **data, size_t *size) {
  if (*pos >= x->parts.len) return 0;
  const char *s = x->parts.data + *pos;
  size_t k = strlen(s) + 1;
  const unsigned char *z = (const unsigned char *)s + k;
  uint64_t n = 0;
  for (int i = 0; i < 8; i++) n |= (uint64_t)z[i] << (8 * i);
  *name = s;
  *data = z + 8;
  *size = (size_t)n;
  *pos += k + 8 + (size_t)n;
  return 1;
}

int vg_extracted_fail(vg_extracted *x, const char *skip, int damaged, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(x->reason, sizeof x->reason, fmt, ap);
  va_end(ap);
  x->skip = skip;
  x->damaged = damaged;
  return -1;
}

void vg_extracted_warn(vg_extracted *x, const char *fmt, ...) {
  if (x->warning[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(x->warning, sizeof x->warning, fmt, ap);
  va_end(ap);
}

int vg_extract(vg_format f, const unsigned char *p, size_t n, const vg_extract_limits *l,
               vg_extracted *x) {
  switch (f) {
    case VG_FORMAT_PDF: return vg_extract_pdf(p, n, l, x);
    case VG_FORMAT_DOCX: return vg_extract_docx(p, n, l, x);
    case VG_FORMAT_ODT: return vg_extract_odt(p, n, l, x);
    case VG_FORMAT_HTML: return vg_extract_html(p, n, l, x);
    case VG_FORMAT_EML: return vg_extract_eml(p, n, l, x);
    case VG_FORMAT_MBOX: return vg_extract_mbox(p, n, l, x);
    default:
      vg_extracted_reset(x);
      return vg_extracted_fail(x, "damaged", 1, "no extractor for %s", vg_format_name(f));
  }
}
