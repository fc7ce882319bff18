/*
 * extract_mail.c: see extract.h. E-mail with GMime 3: vg_extract_eml reads
 * one message (RFC 5322 + MIME), vg_extract_mbox splits a mailbox into its
 * messages.
 *
 * A message gives its readable body as text, its attachments as parts and
 * a few headers as metadata ("subject", "from", "to", "date" in ISO 8601
 * with its offset, "message_id"). The MIME tree is walked to a depth of 32:
 * in a multipart/alternative the first text/plain part is read, else the
 * first text/html one, else the first multipart; in multipart/signed the
 * content, not the signature; every other multipart in order. A text/plain
 * part that is not an attachment is decoded (transfer encoding by GMime;
 * charset to UTF-8: UTF-8, ASCII and Latin-1 labels, no label and unknown
 * charsets by vg_text_decode, which keeps valid UTF-8 and reads anything
 * else as Windows-1252; any other declared charset through GMime's iconv
 * filter) and, when it says format=flowed, unflowed (RFC 3676). A text/html
 * body is decoded the same way and handed to vg_extract_html after a UTF-8
 * BOM (which wins over the page's own <meta charset>). Body parts are
 * joined with a blank line, then the text is tidied to the conventions of
 * extract.h: no control character but \t \n \f (C1 too), no space or tab
 * at line ends, lines of white space (U+00A0, U+202F too) blank, no blank
 * line at either end or two in a row, a final LF.
 *
 * A part is an attachment when its Content-Disposition says so, when it is
 * a message (message/rfc822: written back as bytes, "message-N.eml"), when
 * it is not text and has a file name or a type the engine reads (PDF, DOCX,
 * ODT, zip), or when it is text other than plain or HTML with a file name.
 * Its name is the file name GMime decodes (RFC 2231, encoded words), its
 * last path component, made unique ("annexe-2.pdf"); without one,
 * "part-N.ext" from the type (N: its place among the parts). Signatures are
 * left out; so are encrypted parts (multipart/encrypted,
 * application/pkcs7-mime, inline OpenPGP), with a warning.
 *
 * An mbox gives no text: each message is a part ("1", "2", ...) holding its
 * bytes as they are in the mailbox, cut at the "From " lines GMime's mbox
 * parser finds, without the "From " line, the blank line that separates it
 * from the next message, and the mboxrd quoting of body lines (">From "
 * becomes "From "): GMime does not undo that quoting when the message is
 * parsed again on its own.
 *
 * The input is never copied: GMime reads it through a memory stream over
 * the caller's bytes, and every GMime object is released before return.
 * GMime has no allocation limit, so an input whose structure would cost it
 * more than l->max_memory (estimated from its header and boundary lines) is
 * refused before parsing. GMime is initialised once per process
 * (pthread_once); after that, calls on different documents may run in
 * different threads at once.
 */
#define _GNU_SOURCE /* memrchr */
#include "extract.h"

#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#define MAX_DEPTH 32       /* MIME nesting walked, at most */
#define MAX_META 4096      /* bytes of one metadata value, at most */
#define MAX_NAME 200       /* bytes of an attachment's name, at most */

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void gmime_init(void) { g_mime_init(); }

/* ---- the input as a GMime stream ---------------------------------------- */

/* A memory stream over p[0..n) that neither copies nor frees the bytes:
 * the array is the stream's but not owned by it, and the stream is bounded
 * to n so that nothing can grow (and so realloc) it. */
typedef struct source {
  GByteArray *array;
  GMimeStream *stream;
} source;

static void source_open(source *s, const unsigned char *p, size_t n) {
  static const unsigned char empty[1] = {0};
  s->array = g_byte_array_new_take((guint8 *)(n ? p : empty), n);
  s->stream = g_mime_stream_mem_new_with_byte_array(s->array);
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(s->stream), FALSE);
  g_mime_stream_set_bounds(s->stream, 0, (gint64)n);
}

/* Releases the stream, then the array without its bytes. Every object that
 * reads the stream (parser, parts) must be released before. */
static void source_close(source *s) {
  g_object_unref(s->stream);
  g_byte_array_free(s->array, FALSE);
}

/* ---- the walk ------------------------------------------------------------- */

/* GMime's parser issues worth a warning (bits of mail_ctx.issues). */
enum {
  ISSUE_TRUNCATED = 1,  /* cut short: in the headers, or a multipart not closed */
  ISSUE_NESTING = 2,    /* MIME nesting over GMime's 1024 levels */
  ISSUE_BOUNDARY = 4,   /* a multipart without a boundary */
  ISSUE_EMPTY_PART = 8, /* a part without headers or content */
  ISSUE_MALFORMED = 16  /* the message is malformed */
};

typedef struct mail_ctx {
  const vg_extract_limits *l;
  vg_extracted *x;
  vg_buf body;      /* the body parts' text, decoded, joined */
  vg_buf raw;       /* a part's decoded bytes (an attachment's, until added) */
  vg_buf dec;       /* scratch of append_clean */
  vg_buf clean;     /* a text cleaned; a name or a metadata value */
  double deadline;  /* vg_now() after which the walk stops; 0: none */
  unsigned issues;  /* ISSUE_* seen by the parser */
  int parts_full;   /* no more parts: over max_parts or max_bytes */
  int text_full;    /* no more text: over max_bytes */
  int stopped;      /* over the time limit: the walk stopped */
  int oom;          /* out of memory: the document fails */
  GHashTable *names; /* the parts' names so far (part_name) */
} mail_ctx;

static void ctx_free(mail_ctx *c) {
  vg_buf_free(&c->body);
  vg_buf_free(&c->raw);
  vg_buf_free(&c->dec);
  vg_buf_free(&c->clean);
  if (c->names) g_hash_table_destroy(c->names);
}

static void on_parser_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
                              gpointer data) {
  (void)offset;
  (void)item;
  mail_ctx *c = data;
  switch (code) {
    case GMIME_WARN_TRUNCATED_MESSAGE: c->issues |= ISSUE_TRUNCATED; break;
    case GMIME_CRIT_NESTING_OVERFLOW: c->issues |= ISSUE_NESTING; break;
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: c->issues |= ISSUE_BOUNDARY; break;
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: c->issues |= ISSUE_EMPTY_PART; break;
    case GMIME_WARN_MALFORMED_MESSAGE: c->issues |= ISSUE_MALFORMED; break;
    default: break;
  }
}

static int ct_is(GMimeObject *o, const char *type, const char *subtype) {
  GMimeContentType *ct = g_mime_object_get_content_type(o);
  return ct && g_mime_content_type_is_type(ct, type, subtype);
}

static const char *ct_param(GMimeObject *o, const char *name) {
  GMimeContentType *ct = g_mime_object_get_content_type(o);
  return ct ? g_mime_content_type_get_parameter(ct, name) : NULL;
}

static int is_attachment_disposition(GMimeObject *o) {
  GMimeContentDisposition *d = g_mime_object_get_content_disposition(o);
  return d && g_mime_content_disposition_is_attachment(d);
}

/* The extension for an unnamed part of o's type, or NULL when it is not
 * a type the engine reads. */
static const char *known_extension(GMimeObject *o) {
  static const char *const TYPES[][3] = {
      {"application", "pdf", ".pdf"},
      {"application", "x-pdf", ".pdf"},
      {"application", "vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
      {"application", "vnd.oasis.opendocument.text", ".odt"},
      {"application", "zip", ".zip"},
      {"application", "x-zip-compressed", ".zip"},
      {"text", "html", ".html"},
      {"text", "plain", ".txt"},
      {"message", "rfc822", ".eml"},
      {"message", "global", ".eml"},
  };
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
    if (ct_is(o, TYPES[i][0], TYPES[i][1])) return TYPES[i][2];
  return NULL;
}

/* Appends s[0..n) to b as valid UTF-8 without control characters but
 * \t \n \f (C0, DEL and C1 are dropped; CRLF and CR become LF). Bytes that
 * are not UTF-8 are read as Windows-1252. *tmp is scratch. */
static int append_clean(vg_buf *b, const char *s, size_t n, vg_buf *tmp) {
  vg_encoding enc;
  size_t replaced;
  if (n == 0) return 0;
  if (vg_text_decode((const unsigned char *)s, n, tmp, &enc, &replaced)) return -1;
  const unsigned char *p = (const unsigned char *)tmp->data;
  size_t m = tmp->len;
  if (vg_buf_reserve(b, m)) return -1;
  for (size_t i = 0; i < m; i++) {
    unsigned char ch = p[i];
    if ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\f') || ch == 0x7f) continue;
    if (ch == 0xC2 && i + 1 < m && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) { /* C1 */
      i++;
      continue;
    }
    b->data[b->len++] = (char)ch;
  }
  b->data[b->len] = '\0';
  return 0;
}

/* The length of the white space (space, tab, U+00A0, U+202F) at s[0..n),
 * 0 when there is none. */
static size_t blank_at(const char *s, size_t n) {
  if (n >= 1 && (s[0] == ' ' || s[0] == '\t')) return 1;
  if (n >= 2 && !memcmp(s, "\xC2\xA0", 2)) return 2;
  if (n >= 3 && !memcmp(s, "\xE2\x80\xAF", 3)) return 3;
  return 0;
}

/* Tidies clean text s[0..n) into out (reset first): spaces and tabs at
 * line ends are dropped, lines holding only white space are blank, runs of
 * blank lines become one, blank lines at the start and the end are
 * dropped, every line ends with LF. */
static int tidy(const char *s, size_t n, vg_buf *out) {
  vg_buf_reset(out);
  int pending = 0;
  size_t i = 0;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n, k = i, w;
    while (k < e && (w = blank_at(s + k, e - k))) k += w;
    if (k == e) {
      pending = out->len > 0;
    } else {
      size_t end = e;
      while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t')) end--;
      if (pending && vg_buf_putc(out, '\n')) return -1;
      pending = 0;
      if (vg_buf_append(out, s + i, end - i) || vg_buf_putc(out, '\n')) return -1;
    }
    i = e + 1;
  }
  return 0;
}

/* RFC 3676: joins the soft line breaks of format=flowed text s[0..n) (LF
 * line ends) into out (reset first). A line ending with a space goes on
 * with the next line of the same quote depth; space-stuffing is removed;
 * with delsp the trailing space goes too; "-- " stays a line. */
static int unflow(const char *s, size_t n, int delsp, vg_buf *out) {
  vg_buf_reset(out);
  int open = 0, open_depth = 0;
  size_t i = 0;
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n;
    size_t k = i;
    int depth = 0;
    while (k < e && s[k] == '>') k++, depth++;
    if (k < e && s[k] == ' ') k++; /* space-stuffing, or the space after the quote */
    size_t len = e - k;
    int sig = len == 3 && !memcmp(s + k, "-- ", 3);
    int flowed = !sig && len > 0 && s[e - 1] == ' ';
    if (open && depth != open_depth) {
      if (vg_buf_putc(out, '\n')) return -1;
      open = 0;
    }
    if (!open) {
      for (int d = 0; d < depth; d++)
        if (vg_buf_putc(out, '>')) return -1;
      if (depth && vg_buf_putc(out, ' ')) return -1;
    }
    if (vg_buf_append(out, s + k, flowed && delsp ? len - 1 : len)) return -1;
    if (flowed) {
      open = 1;
      open_depth = depth;
    } else {
      if (vg_buf_putc(out, '\n')) return -1;
      open = 0;
    }
    i = e + 1;
  }
  if (open && vg_buf_putc(out, '\n')) return -1;
  return 0;
}

/* The decoded bytes of part's content into out (reset first), through
 * GMime's charset filter from `charset` to UTF-8 when charset is not NULL.
 * Returns 0, or -1 when the part has no content. */
static int part_bytes(GMimePart *part, const char *charset, vg_buf *out) {
  vg_buf_reset(out);
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (!content) return -1;
  GMimeStream *mem = g_mime_stream_mem_new();
  GMimeFilter *filter = charset ? g_mime_filter_charset_new(charset, "utf-8") : NULL;
  if (filter) {
    GMimeStream *filtered = g_mime_stream_filter_new(mem);
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), filter);
    g_object_unref(filter);
    g_mime_data_wrapper_write_to_stream(content, filtered);
    g_mime_stream_flush(filtered);
    g_object_unref(filtered);
  } else {
    g_mime_data_wrapper_write_to_stream(content, mem);
  }
  GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  int rc = a && a->len ? vg_buf_append(out, a->data, a->len) : 0;
  g_object_unref(mem);
  return rc;
}

/* 1 when charset is one vg_text_decode reads as well as iconv would: UTF-8
 * and ASCII (kept when valid UTF-8), Latin-1 and Windows-1252 (read as
 * Windows-1252, the superset that senders mean when they say Latin-1). */
static int charset_is_native(const char *cs) {
  static const char *const NATIVE[] = {"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968",
                                       "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1",
                                       "latin-1", "l1", "cp819", "windows-1252", "cp1252",
                                       "x-user-defined", "unknown-8bit", NULL};
  for (int i = 0; NATIVE[i]; i++)
    if (!strcasecmp(cs, NATIVE[i])) return 1;
  return 0;
}

/* Adds s[0..n) to the body, after a blank line when there is text before;
 * over max_bytes, what fits up to a line end, and nothing after. */
static int body_add(mail_ctx *c, const char *s, size_t n) {
  if (c->text_full || n == 0) return 0;
  size_t sep = c->body.len ? 2 : 0;
  if (c->l->max_bytes && c->body.len + sep + n > c->l->max_bytes) {
    size_t room = c->l->max_bytes > c->body.len + sep ? c->l->max_bytes - c->body.len - sep : 0;
    const char *nl = room ? memrchr(s, '\n', room) : NULL;
    n = nl ? (size_t)(nl - s) + 1 : 0;
    vg_extracted_warn(c->x, "text over --max-doc-bytes: cut after %zu bytes",
                      c->body.len + sep + n);
    c->text_full = 1;
    if (n == 0) return 0;
  }
  if (sep && vg_buf_append(&c->body, "\n\n", 2)) return -1;
  return vg_buf_append(&c->body, s, n);
}

/* A text/plain body part: decoded, cleaned, unflowed, added. */
static int add_plain(mail_ctx *c, GMimePart *part) {
  const char *cs = ct_param(GMIME_OBJECT(part), "charset");
  if (cs && charset_is_native(cs)) cs = NULL;
  if (part_bytes(part, cs, &c->raw)) return 0;
  vg_buf_reset(&c->clean);
  if (append_clean(&c->clean, c->raw.data, c->raw.len, &c->dec)) return -1;
  const char *fmt = ct_param(GMIME_OBJECT(part), "format");
  if (fmt && !strcasecmp(fmt, "flowed")) {
    const char *ds = ct_param(GMIME_OBJECT(part), "delsp");
    if (unflow(c->clean.data, c->clean.len, ds && !strcasecmp(ds, "yes"), &c->raw)) return -1;
    return body_add(c, c->raw.data, c->raw.len);
  }
  return body_add(c, c->clean.data, c->clean.len);
}

/* A text/html body part: decoded to UTF-8 and handed to vg_extract_html
 * after a UTF-8 BOM, which wins over a charset the page declares (already
 * converted from, here). */
static int add_html(mail_ctx *c, GMimePart *part) {
  const char *cs = ct_param(GMIME_OBJECT(part), "charset");
  if (cs && charset_is_native(cs)) cs = NULL;
  if (part_bytes(part, cs, &c->raw)) return 0;
  vg_buf_reset(&c->clean);
  if (vg_buf_append(&c->clean, "\xEF\xBB\xBF", 3) ||
      append_clean(&c->clean, c->raw.data, c->raw.len, &c->dec))
    return -1;
  vg_extracted h = {0};
  int rc = 0;
  if (vg_extract_html((const unsigned char *)c->clean.data, c->clean.len, c->l, &h)) {
    vg_extracted_warn(c->x, "an HTML body part could not be read: %s", h.reason);
  } else {
    if (h.warning[0]) vg_extracted_warn(c->x, "HTML body: %s", h.warning);
    rc = body_add(c, h.text.data, h.text.len);
  }
  vg_extracted_free(&h);
  return rc;
}

/* Makes name (UTF-8, NUL-terminated) into a part name in out: its last
 * path component, no control bytes, '/', '!' or '\\', at most MAX_NAME
 * bytes keeping a short extension, and not the name of an earlier part
 * ("annexe.pdf", then "annexe-2.pdf"). */
static int part_name(mail_ctx *c, const char *name, vg_buf *out) {
  const char *base = name;
  for (const char *s = name; *s; s++)
    if ((*s == '/' || *s == '\\') && s[1]) base = s + 1;
  vg_buf_reset(&c->clean);
  if (append_clean(&c->clean, base, strlen(base), &c->dec)) return -1;
  char *s = c->clean.data ? c->clean.data : (char *)"";
  size_t n = c->clean.len;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == '/' || s[i] == '!' || s[i] == '\\') s[i] = '_';
  while (n && (s[n - 1] == ' ' || s[n - 1] == '.')) n--; /* "name. " */
  while (n && *s == ' ') s++, n--;
  if (!n || (n == 2 && !memcmp(s, "..", 2))) {
    s = (char *)"part";
    n = 4;
  }
  const char *dot = memrchr(s, '.', n);
  size_t ext = dot && dot > s && (size_t)(s + n - dot) <= 16 ? (size_t)(s + n - dot) : 0;
  size_t stem = n - ext;
  if (n > MAX_NAME) {
    stem = MAX_NAME - ext;
    while (stem && !vg_utf8_is_lead((unsigned char)s[stem])) stem--;
  }
  /* names taken: each maps to the last suffix tried for it */
  if (!c->names) c->names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  vg_buf_reset(out);
  if (vg_buf_append(out, s, stem) || vg_buf_append(out, s + n - ext, ext)) return -1;
  unsigned k = GPOINTER_TO_UINT(g_hash_table_lookup(c->names, out->data));
  if (!k) {
    g_hash_table_insert(c->names, g_strdup(out->data), GUINT_TO_POINTER(1));
    return 0;
  }
  char *first = g_strdup(out->data);
  do {
    vg_buf_reset(out);
    if (vg_buf_append(out, s, stem) || vg_buf_printf(out, "-%u", ++k) ||
        vg_buf_append(out, s + n - ext, ext)) {
      g_free(first);
      return -1;
    }
  } while (g_hash_table_contains(c->names, out->data));
  g_hash_table_insert(c->names, first, GUINT_TO_POINTER(k));
  g_hash_table_insert(c->names, g_strdup(out->data), GUINT_TO_POINTER(1));
  return 0;
}

/* Adds a part with the bytes in c->raw. Returns 0 (added, or left out over
 * a limit: then c->parts_full), -1 out of memory. */
static int add_part(mail_ctx *c, const char *name) {
  const vg_extract_limits *l = c->l;
  vg_extracted *x = c->x;
  vg_buf nm = {0};
  if (part_name(c, name, &nm)) {
    vg_buf_free(&nm);
    return -1;
  }
  int over = (l->max_parts && x->nparts >= l->max_parts) ||
             (l->max_bytes && x->parts.len + c->raw.len > l->max_bytes);
  int rc = vg_extracted_part(x, l, nm.data, c->raw.data ? c->raw.data : "", c->raw.len);
  vg_buf_free(&nm);
  if (rc && over) {
    c->parts_full = 1;
    return 0;
  }
  return rc;
}

/* A leaf part that is an attachment: its decoded bytes, its name. */
static int add_attachment(mail_ctx *c, GMimePart *part) {
  if (c->parts_full) return 0;
  const char *fn = g_mime_part_get_filename(part);
  char gen[64];
  if (!fn || !*fn) {
    const char *ext = known_extension(GMIME_OBJECT(part));
    snprintf(gen, sizeof gen, "%s-%zu%s", ext && !strcmp(ext, ".eml") ? "message" : "part",
             c->x->nparts + 1, ext ? ext : ".bin");
    fn = gen;
  }
  if (part_bytes(part, NULL, &c->raw)) vg_buf_reset(&c->raw);
  return add_part(c, fn);
}

/* A message/rfc822 part: its message written back as bytes. */
static int add_message(mail_ctx *c, GMimeMessagePart *mp) {
  if (c->parts_full) return 0;
  GMimeMessage *m = g_mime_message_part_get_message(mp);
  if (!m) return 0;
  GMimeStream *mem = g_mime_stream_mem_new();
  g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, mem);
  GByteArray *a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
  vg_buf_reset(&c->raw);
  int rc = a && a->len ? vg_buf_append(&c->raw, a->data, a->len) : 0;
  g_object_unref(mem);
  if (rc) return -1;
  const char *fn = g_mime_object_get_content_disposition_parameter(GMIME_OBJECT(mp), "filename");
  if (!fn || !*fn) fn = ct_param(GMIME_OBJECT(mp), "name");
  char gen[64];
  if (!fn || !*fn) {
    snprintf(gen, sizeof gen, "message-%zu.eml", c->x->nparts + 1);
    fn = gen;
  }
  return add_part(c, fn);
}

static int is_signature(GMimeObject *o) {
  return ct_is(o, "application", "pgp-signature") || ct_is(o, "application", "pkcs7-signature") ||
         ct_is(o, "application", "x-pkcs7-signature");
}

/* A leaf: body text when body is set and it is text/plain or text/html
 * that is not an attachment; an attachment when it is one. */
static int walk_leaf(mail_ctx *c, GMimePart *part, int body) {
  GMimeObject *o = GMIME_OBJECT(part);
  if (is_signature(o)) return 0;
  int text = ct_is(o, "text", "*");
  int named = g_mime_part_get_filename(part) != NULL;
  if (is_attachment_disposition(o) || ct_is(o, "message", "rfc822") ||
      ct_is(o, "message", "global") ||
      (!text && (named || known_extension(o))) || (text && named && !ct_is(o, "text", "plain") &&
                                                   !ct_is(o, "text", "html")))
    return add_attachment(c, part);
  if (!body || !text) return 0;
  int plain = ct_is(o, "text", "plain"), html = ct_is(o, "text", "html");
  if (!plain && !html) return 0;
  if (g_mime_part_get_openpgp_data(part) == GMIME_OPENPGP_DATA_ENCRYPTED) {
    vg_extracted_warn(c->x, "encrypted part not read");
    return 0;
  }
  return plain ? add_plain(c, part) : add_html(c, part);
}

/* The child of a multipart/alternative to read as the body: the first
 * text/plain, else the first text/html, else the first multipart. */
static int pick_alternative(GMimeMultipart *m) {
  int n = g_mime_multipart_get_count(m), html = -1, multi = -1;
  for (int i = 0; i < n; i++) {
    GMimeObject *o = g_mime_multipart_get_part(m, i);
    if (GMIME_IS_PART(o) && !is_attachment_disposition(o)) {
      if (ct_is(o, "text", "plain")) return i;
      if (ct_is(o, "text", "html") && html < 0) html = i;
    } else if (GMIME_IS_MULTIPART(o) && multi < 0) {
      multi = i;
    }
  }
  return html >= 0 ? html : multi >= 0 ? multi : 0;
}

/* Walks o at depth: body text (when body is set) and attachments. */
static int walk(mail_ctx *c, GMimeObject *o, int depth, int body) {
  if (!o || c->stopped) return 0;
  if (c->deadline && vg_now() > c->deadline) {
    vg_extracted_warn(c->x, "read for more than %g s: the parts after are left out",
                      c->l->max_seconds);
    c->stopped = 1;
    return 0;
  }
  if (depth > MAX_DEPTH) {
    vg_extracted_warn(c->x, "MIME parts nested more than %d deep are left out", MAX_DEPTH);
    return 0;
  }
  if (GMIME_IS_MULTIPART_ENCRYPTED(o) || GMIME_IS_APPLICATION_PKCS7_MIME(o)) {
    vg_extracted_warn(c->x, "encrypted part not read");
    return 0;
  }
  if (GMIME_IS_MULTIPART(o)) {
    GMimeMultipart *m = GMIME_MULTIPART(o);
    int n = g_mime_multipart_get_count(m);
    if (GMIME_IS_MULTIPART_SIGNED(o) && n > 1) n = 1; /* the content, not the signature */
    int pick = ct_is(o, "multipart", "alternative") ? pick_alternative(m) : -1;
    for (int i = 0; i < n; i++)
      if (walk(c, g_mime_multipart_get_part(m, i), depth + 1, body && (pick < 0 || i == pick)))
        return -1;
    return 0;
  }
  if (GMIME_IS_MESSAGE_PART(o)) return add_message(c, GMIME_MESSAGE_PART(o));
  if (GMIME_IS_PART(o)) return walk_leaf(c, GMIME_PART(o), body);
  return 0;
}

/* ---- metadata ------------------------------------------------------------- */

/* Adds key = value, made valid UTF-8 on one line (control characters, C1
 * too, become spaces; runs of spaces one), trimmed, at most MAX_META
 * bytes. */
static int add_meta(mail_ctx *c, const char *key, const char *value) {
  if (!value || !*value) return 0;
  if (vg_text_decode((const unsigned char *)value, strlen(value), &c->clean, &(vg_encoding){0},
                     &(size_t){0}))
    return -1;
  char *s = c->clean.data ? c->clean.data : (char *)"";
  size_t n = c->clean.len, o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
        (unsigned char)s[i + 1] <= 0x9F)
      ch = ' ', i++; /* C1 */
    if (ch < 0x20 || ch == 0x7f) ch = ' ';
    if (ch == ' ' && (o == 0 || s[o - 1] == ' ')) continue; /* runs of spaces: one */
    s[o++] = (char)ch;
  }
  while (o && s[o - 1] == ' ') o--;
  if (o > MAX_META) {
    o = MAX_META;
    while (o && !vg_utf8_is_lead((unsigned char)s[o])) o--;
  }
  s[o] = '\0';
  return vg_extracted_meta(c->x, key, s);
}

static int add_addresses(mail_ctx *c, const char *key, InternetAddressList *list) {
  if (!list || internet_address_list_length(list) == 0) return 0;
  char *s = internet_address_list_to_string(list, NULL, FALSE);
  int rc = add_meta(c, key, s);
  g_free(s);
  return rc;
}

static int add_metadata(mail_ctx *c, GMimeMessage *m) {
  if (add_meta(c, "subject", g_mime_message_get_subject(m)) ||
      add_addresses(c, "from", g_mime_message_get_from(m)) ||
      add_addresses(c, "to", g_mime_message_get_to(m)))
    return -1;
  GDateTime *d = g_mime_message_get_date(m);
  if (d) {
    char *s = g_date_time_format(d, "%Y-%m-%dT%H:%M:%S%:z");
    int rc = add_meta(c, "date", s);
    g_free(s);
    if (rc) return -1;
  }
  return add_meta(c, "message_id", g_mime_message_get_message_id(m));
}

/* ---- the extractors ------------------------------------------------------- */

static int header_count(GMimeObject *o) {
  GMimeHeaderList *h = o ? g_mime_object_get_header_list(o) : NULL;
  return h ? g_mime_header_list_get_count(h) : 0;
}

/* The warning for the parser issues seen, when there is none yet. */
static void warn_issues(mail_ctx *c) {
  unsigned i = c->issues;
  if (i & ISSUE_NESTING)
    vg_extracted_warn(c->x, "damaged e-mail: MIME parts nested over 1024 deep, the deeper ones "
                            "read as plain content");
  else if (i & ISSUE_TRUNCATED)
    vg_extracted_warn(c->x, "damaged e-mail: the message is cut short");
  else if (i & ISSUE_BOUNDARY)
    vg_extracted_warn(c->x, "damaged e-mail: a multipart without a boundary, read as one block");
  else if (i & (ISSUE_EMPTY_PART | ISSUE_MALFORMED))
    vg_extracted_warn(c->x, "damaged e-mail: malformed MIME structure");
}

/* The offset just after the line that starts at `at` (n when it is the
 * last). */
static size_t after_line(const unsigned char *p, size_t n, size_t at) {
  const unsigned char *nl = at < n ? memchr(p + at, '\n', n - at) : NULL;
  return nl ? (size_t)(nl - p) + 1 : n;
}

/* Roughly what GMime allocates to parse the biggest message in p[0..n)
 * (GMime has no allocation limit of its own): 1 KiB and twice the line
 * per line that looks like a header, 4 KiB per line that may be a MIME
 * boundary (measured with GMime 3.2: 670 B per header, 4 KiB per part);
 * the content itself is not copied. With mbox set, each "From " line
 * starts another message, and messages are parsed one at a time. */
static uint64_t parse_cost(const unsigned char *p, size_t n, int mbox) {
  uint64_t cost = 0, max = 0;
  for (size_t i = 0; i < n;) {
    size_t j = after_line(p, n, i), k = i;
    if (mbox && j - i >= 5 && !memcmp(p + i, "From ", 5)) {
      if (cost > max) max = cost;
      cost = 0;
    } else if (j - i >= 2 && p[i] == '-' && p[i + 1] == '-') {
      cost += 4096;
    } else {
      while (k < j && p[k] > 32 && p[k] < 127 && p[k] != ':') k++;
      if (k > i && k < j && p[k] == ':') cost += 1024 + 2 * (uint64_t)(j - i);
    }
    i = j;
  }
  return cost > max ? cost : max;
}

/* Fails x when parsing p[0..n) would take more than l->max_memory. */
static int over_memory(const unsigned char *p, size_t n, int mbox, const vg_extract_limits *l,
                       vg_extracted *x) {
  uint64_t cost = l->max_memory ? parse_cost(p, n, mbox) : 0;
  if (cost <= l->max_memory) return 0;
  char a[32], b[32];
  return vg_extracted_fail(x, "too_large", 0,
                           "%s: its MIME structure would take about %s to parse, over the memory "
                           "limit (%s)", mbox ? "mailbox" : "e-mail", vg_human_bytes(cost, a),
                           vg_human_bytes(l->max_memory, b));
}

/* What reading a message (mbox 0) or a mailbox (mbox 1) starts with:
 * refuses p[0..n) when GMime cannot take its size or parsing it would go
 * over the memory limit, starts GMime, sets up *c for x with l and opens
 * *src on the bytes. Returns 0, or -1 with x failed (nothing to free). */
static int begin(mail_ctx *c, source *src, const unsigned char *p, size_t n, int mbox,
                 const vg_extract_limits *l, vg_extracted *x) {
  if (n > G_MAXUINT)
    return vg_extracted_fail(x, "too_large", 0, "%s over %u bytes", mbox ? "mailbox" : "e-mail",
                             G_MAXUINT);
  if (over_memory(p, n, mbox, l, x)) return -1;
  pthread_once(&gmime_once, gmime_init);
  *c = (mail_ctx){.l = l, .x = x};
  if (l->max_seconds > 0) c->deadline = vg_now() + l->max_seconds;
  source_open(src, p, n);
  return 0;
}

int vg_extract_eml(const unsigned char *p, size_t n, const vg_extract_limits *l,
                   vg_extracted *x) {
  vg_extracted_reset(x);
  if (n == 0) return vg_extracted_fail(x, "damaged", 1, "damaged e-mail: empty");
  mail_ctx c;
  source src;
  if (begin(&c, &src, p, n, 0, l, x)) return -1;
  GMimeParserOptions *opt = g_mime_parser_options_new();
  static const char *const FALLBACK[] = {"utf-8", "windows-1252", NULL};
  g_mime_parser_options_set_fallback_charsets(opt, (const char **)FALLBACK);
  g_mime_parser_options_set_warning_callback(opt, on_parser_warning, &c);
  GMimeParser *parser = g_mime_parser_new_with_stream(src.stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage *m = g_mime_parser_construct_message(parser, opt);
  g_object_unref(parser);

  int rc = 0;
  GMimeObject *top = m ? g_mime_message_get_mime_part(m) : NULL;
  if (!m || header_count(GMIME_OBJECT(m)) + header_count(top) == 0) {
    rc = vg_extracted_fail(x, "damaged", 1, "damaged e-mail: no message headers at the start");
  } else if (add_metadata(&c, m) || walk(&c, top, 0, 1)) {
    c.oom = 1;
  } else if (c.stopped && !c.body.len && !x->nparts) {
    vg_extracted_reset(x);
    rc = vg_extracted_fail(x, "timeout", 0, "e-mail: nothing read in %g s", l->max_seconds);
  } else {
    warn_issues(&c);
    if (tidy(c.body.data ? c.body.data : "", c.body.len, &x->text)) c.oom = 1;
  }
  if (c.oom) {
    vg_extracted_reset(x);
    rc = vg_extracted_fail(x, "too_large", 0, "out of memory while reading the e-mail");
  }
  if (m) g_object_unref(m);
  g_mime_parser_options_free(opt);
  source_close(&src);
  ctx_free(&c);
  return rc;
}

/* Adds the message whose "From " line starts at `from` and that ends at
 * `end` as part "k": without the "From " line and the blank separator
 * line, ">From " lines unquoted. */
static int add_mbox_message(mail_ctx *c, const unsigned char *p, size_t from, size_t end,
                            size_t k) {
  size_t b = after_line(p, end, from), e = end;
  if (e - b >= 2 && p[e - 1] == '\n' && p[e - 2] == '\n') e--;
  else if (e - b >= 4 && !memcmp(p + e - 4, "\r\n\r\n", 4)) e -= 2;
  vg_buf_reset(&c->raw);
  if (vg_buf_reserve(&c->raw, e - b)) return -1;
  for (size_t i = b; i < e;) {
    size_t j = after_line(p, e, i), q = i;
    while (q < j && p[q] == '>') q++;
    if (q > i && j - q >= 5 && !memcmp(p + q, "From ", 5)) i++; /* mboxrd: one '>' less */
    vg_buf_append(&c->raw, p + i, j - i); /* reserved: cannot fail */
    i = j;
  }
  char name[32];
  snprintf(name, sizeof name, "%zu", k);
  return add_part(c, name);
}

int vg_extract_mbox(const unsigned char *p, size_t n, const vg_extract_limits *l,
                    vg_extracted *x) {
  vg_extracted_reset(x);
  mail_ctx c;
  source src;
  if (begin(&c, &src, p, n, 1, l, x)) return -1;
  GMimeParserOptions *opt = g_mime_parser_options_new();
  GMimeParser *parser = g_mime_parser_new_with_stream(src.stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
  gint64 start = -1; /* the "From " line of the message being read */
  size_t count = 0;
  while (!c.parts_full && !c.oom) {
    if (c.deadline && vg_now() > c.deadline) {
      vg_extracted_warn(x, "read for more than %g s: the messages after message %zu are left out",
                        l->max_seconds, count);
      c.stopped = 1;
      break;
    }
    GMimeMessage *m = g_mime_parser_construct_message(parser, opt);
    gint64 mark = g_mime_parser_get_mbox_marker_offset(parser);
    if (m) {
      g_object_unref(m);
      if (mark <= start || mark < 0 || (guint64)mark >= n) break; /* no progress */
      if (start >= 0 && add_mbox_message(&c, p, (size_t)start, (size_t)mark, ++count)) c.oom = 1;
      start = mark;
    } else {
      /* a "From " line not followed by headers is not a message boundary: it
       * stays in the message before, and the parser starts again after it */
      if (g_mime_parser_eos(parser) || mark <= start || (guint64)mark >= n) break;
      size_t resume = after_line(p, n, (size_t)mark);
      if (resume >= n) break;
      g_mime_stream_seek(src.stream, (gint64)resume, GMIME_STREAM_SEEK_SET);
      g_mime_parser_init_with_stream(parser, src.stream);
    }
  }
  if (start >= 0 && !c.parts_full && !c.oom && !c.stopped &&
      add_mbox_message(&c, p, (size_t)start, n, ++count))
    c.oom = 1;
  g_object_unref(parser);
  g_mime_parser_options_free(opt);
  source_close(&src);
  ctx_free(&c);
  if (c.oom) {
    vg_extracted_reset(x);
    return vg_extracted_fail(x, "too_large", 0, "out of memory while reading the mailbox");
  }
  if (count == 0 && c.stopped)
    return vg_extracted_fail(x, "timeout", 0, "mbox: no message read in %g s", l->max_seconds);
  if (count == 0)
    return vg_extracted_fail(x, "damaged", 1,
                             "damaged mbox: no message (no \"From \" line followed by headers)");
  return 0;
}
