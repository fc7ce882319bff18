/*
 * extract_pdf.c: PDF text with MuPDF (see extract.h).
 *
 * One fz_context per call, on an allocator that counts the bytes MuPDF
 * holds and refuses those over l->max_memory, and that watches the clock:
 * past l->max_seconds it aborts the page being run (fz_cookie), and a
 * little later refuses every allocation, so that no MuPDF path can go on
 * for long. Only the PDF handler is used (pdf_open_document_with_stream):
 * fz_register_document_handlers would link every format MuPDF reads.
 * MuPDF's messages go to callbacks, never to stderr; the first error is
 * kept to explain a repair.
 *
 * Before a page is run, its content streams (the page's, its annotations'
 * appearances, and those of the forms, tiling patterns and Type 3 glyphs
 * its resources reach) are inflated once and counted: MuPDF's lexer skips
 * white space without allocating or looking at the cookie, so a stream
 * that inflates to gigabytes of zeros would hold it for seconds. A page
 * over a quarter of max_memory is skipped.
 *
 * Layout of the text, page by page, in MuPDF's block order:
 *   - the visual lines of a block are joined back into the lines the
 *     author wrote: a line ends ("\n") when the first word of the next line
 *     would have fitted at its end (right edge + a space + that word <= the
 *     right edge of the block's widest line), or when the next line starts
 *     with a list marker ("- ", "• ", "1. ", "a) "...); otherwise the two
 *     are joined with a space, or with nothing after a hyphen that follows
 *     a letter (the hyphen is kept: "Haute-" "Lys" gives "Haute-Lys"; a
 *     soft hyphen U+00AD at the end is dropped). Pieces of one visual row
 *     are joined with a space.
 *   - between blocks, and between lines of a block, a vertical gap of more
 *     than half a line height, or a jump back up the page (a new column),
 *     gives a blank line; otherwise "\n".
 *   - pages are separated by a line holding only a form feed ("\n\f\n"),
 *     empty and unreadable pages included, so that the page of an offset
 *     is 1 + the form feeds before it.
 * Ligatures are expanded ("ﬁ" gives "fi", as typed in a text file), white
 * space is kept as the PDF has it (U+00A0 and U+202F stay), control
 * characters but \t become spaces, code points that are not Unicode
 * scalar values become U+FFFD; lines are trimmed of spaces and tabs, runs
 * of blank lines collapsed, the text trimmed.
 *
 * Metadata: title, author, subject, creator, producer (the Info
 * dictionary, UTF-8, controls as spaces), created and modified (ISO 8601),
 * pages (decimal, as the page tree claims).
 *
 * Failures: "damaged" (MuPDF cannot open it, or no page could be read),
 * "encrypted" (a user password; an owner password alone is no obstacle),
 * "no_text" (images and no text: a scan), "too_large" (over max_memory, or
 * content streams over the cap on every page), "timeout" (no text within
 * max_seconds). Otherwise what was left out is the warning: pages over
 * max_pages or max_bytes or the time, pages MuPDF could not read (after
 * BAD_RUN in a row the rest is given up: a page tree may claim 10^9
 * pages) or read only in part (MuPDF reported an error), a repaired file.
 * Junk before "%PDF-" is skipped: offsets count from there.
 *
 * Nothing is shared between calls: they may run in several threads.
 */
#define _GNU_SOURCE /* memmem */
#include "extract.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#include "segment.h"
#include "text.h"

#define HDR 16          /* allocation header holding the size; keeps malloc's alignment */
#define BAD_RUN 10      /* pages that fail in a row before the rest is given up */
#define SEEN_MAX 512    /* content streams remembered per page (shared ones read once) */
#define SCAN_MAX 4096   /* content streams read per page, at most */
#define SCAN_DEPTH 16   /* forms in forms, at most */

/* The state of one call, the user pointer of the allocator and callbacks. */
typedef struct job {
  size_t live;      /* bytes MuPDF holds */
  size_t limit;     /* at most that (SIZE_MAX: no limit) */
  int refused;      /* allocations refused for the limit */
  int over;         /* a page's content streams were over the limit */
  double deadline;  /* vg_now() past which the cookie aborts (0: none) */
  double hard;      /* past which every allocation fails */
  int late;         /* the deadline passed */
  unsigned tick;    /* allocations, to look at the clock every 64 */
  fz_cookie cookie; /* handed to pdf_run_page */
  char error[256];  /* MuPDF's first error message */
  int page_errors;  /* errors MuPDF met (and maybe got over) on the current page */
  char page_error[256]; /* the first of them */
} job;

/* ---- allocator and callbacks ------------------------------------------- */

/* 1 when allocations must fail: well past the deadline. */
static int past_hard(job *j) {
  if (j->deadline <= 0) return 0;
  if (j->late && (++j->tick & 15) == 0 && vg_now() > j->hard) return 1;
  if (!j->late && (++j->tick & 63) == 0 && vg_now() > j->deadline) {
    j->late = 1;
    j->cookie.abort = 1;
  }
  return 0;
}

static void *job_malloc(void *user, size_t n) {
  job *j = user;
  if (past_hard(j)) return NULL;
  if (j->live > j->limit || n > j->limit - j->live || n > SIZE_MAX - HDR) {
    j->refused++;
    return NULL;
  }
  unsigned char *p = malloc(n + HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  j->live += n;
  return p + HDR;
}

static void job_free(void *user, void *p) {
  if (!p) return;
  job *j = user;
  unsigned char *b = (unsigned char *)p - HDR;
  size_t n;
  memcpy(&n, b, sizeof n);
  j->live -= n;
  free(b);
}

static void *job_realloc(void *user, void *p, size_t n) {
  if (!p) return job_malloc(user, n);
  if (n == 0) {
    job_free(user, p);
    return NULL;
  }
  job *j = user;
  unsigned char *b = (unsigned char *)p - HDR;
  size_t old;
  memcpy(&old, b, sizeof old);
  if (n > old) {
    if (past_hard(j)) return NULL;
    if (j->live > j->limit || n - old > j->limit - j->live || n > SIZE_MAX - HDR) {
      j->refused++;
      return NULL;
    }
  }
  unsigned char *q = realloc(b, n + HDR);
  if (!q) return NULL;
  memcpy(q, &n, sizeof n);
  j->live = j->live - old + n;
  return q + HDR;
}

static void on_error(void *user, const char *msg) {
  job *j = user;
  if (!j->error[0]) snprintf(j->error, sizeof j->error, "%s", msg);
  if (!j->page_errors++) snprintf(j->page_error, sizeof j->page_error, "%s", msg);
}

static void on_warning(void *user, const char *msg) {
  (void)user;
  (void)msg;
}

/* 1 when the deadline has passed (and says so to the allocator). */
static int out_of_time(job *j) {
  if (!j->late && j->deadline > 0 && vg_now() > j->deadline) {
    j->late = 1;
    j->cookie.abort = 1;
  }
  return j->late;
}

/* ---- characters ---------------------------------------------------------- */

/* Appends code point c as UTF-8: controls but \t become a space, what is
 * not a Unicode scalar value becomes U+FFFD. Returns 0, or -1 out of memory. */
static int put_cp(vg_buf *b, int c) {
  char u[4];
  size_t n;
  if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
  if ((c < 0x20 && c != '\t') || (c >= 0x7F && c < 0xA0)) c = ' ';
  if (c < 0x80) {
    u[0] = (char)c;
    n = 1;
  } else if (c < 0x800) {
    u[0] = (char)(0xC0 | (c >> 6));
    u[1] = (char)(0x80 | (c & 0x3F));
    n = 2;
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | (c >> 12));
    u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    u[2] = (char)(0x80 | (c & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | (c >> 18));
    u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    u[3] = (char)(0x80 | (c & 0x3F));
    n = 4;
  }
  return vg_buf_append(b, u, n);
}

/* White space that does not hold a word together. */
static int is_break_space(int c) { return c == ' ' || c == '\t'; }

/* White space of any kind (for the right edge of a line's ink). */
static int is_white(int c) {
  return c == ' ' || c == '\t' || c == 0xA0 || c == 0x202F || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x3000 || c < 0x20;
}

/* The code point that ends at s[n) (valid UTF-8, n > 0), and its start. */
static int last_cp(const char *s, size_t n, size_t *start) {
  size_t i = n - 1;
  while (i > 0 && !vg_utf8_is_lead((unsigned char)s[i])) i--;
  int c;
  fz_chartorune(&c, s + i);
  *start = i;
  return c;
}

/* ---- layout ---------------------------------------------------------------- */

/* What the layout needs to know of a visual line. */
typedef struct lineinfo {
  float x0, y0, y1; /* its box */
  float right;      /* the right edge of its last character that is not white space */
  float word;       /* the width of its first word */
  float space;      /* the width of a space in it (0: none) */
  float size;       /* the font size of its first character */
  float base;       /* the baseline of its first character */
  int flat;         /* horizontal, left to right */
} lineinfo;

static void measure(const fz_stext_line *line, lineinfo *li) {
  li->x0 = line->bbox.x0;
  li->y0 = line->bbox.y0;
  li->y1 = line->bbox.y1;
  li->right = line->bbox.x0;
  li->word = li->space = 0;
  li->size = line->bbox.y1 - line->bbox.y0;
  li->base = line->bbox.y1;
  li->flat = line->wmode == 0 && line->dir.x > 0.99f;
  int state = 0; /* 0 before the first word, 1 in it, 2 after */
  float w0 = 0, w1 = 0;
  for (const fz_stext_char *ch = line->first_char; ch; ch = ch->next) {
    float l = fminf(ch->quad.ul.x, ch->quad.ll.x), r = fmaxf(ch->quad.ur.x, ch->quad.lr.x);
    if (is_break_space(ch->c)) {
      if (li->space <= 0 && r > l) li->space = r - l;
      if (state == 1) state = 2;
    } else if (!is_white(ch->c)) {
      li->right = r;
      if (state == 0) {
        state = 1;
        w0 = l;
        li->size = ch->size;
        li->base = ch->origin.y;
      }
      if (state == 1) w1 = r;
    } else if (state == 1) {
      w1 = r; /* a no-break space holds the word together */
    }
  }
  li->word = state ? w1 - w0 : 0;
  if (li->size <= 0) li->size = 1;
}

/* The layout state of a page. */
typedef struct layout {
  vg_buf out;       /* the page's text, before tidying */
  vg_buf line;      /* the line being read */
  lineinfo prev;    /* the last line with text */
  int have_prev;
  float widest;     /* the right edge of the block's widest line */
} layout;

/* Drops the spaces and tabs that end b. */
static void rtrim(vg_buf *b) {
  while (b->len && (b->data[b->len - 1] == ' ' || b->data[b->len - 1] == '\t')) b->len--;
  if (b->data) b->data[b->len] = '\0';
}

/* Joins the next visual line onto the text so far: one space, or nothing
 * after a hyphen that follows a letter (a soft hyphen is dropped). */
static int join(vg_buf *b) {
  rtrim(b);
  if (!b->len) return 0;
  size_t at, before;
  int c = last_cp(b->data, b->len, &at);
  if (c == 0xAD) {
    b->len = at;
    b->data[at] = '\0';
    return 0;
  }
  if ((c == '-' || c == 0x2010) && at > 0 && vg_text_is_word(last_cp(b->data, at, &before)))
    return 0;
  return vg_buf_putc(b, ' ');
}

/* The separator between visual lines a and b ("\n", "\n\n", " "), or NULL
 * to join them as one line. same_block: both in one text block. */
static const char *separator(const layout *L, const lineinfo *a, const lineinfo *b,
                             int same_block) {
  if (!a->flat || !b->flat) return "\n";
  float h = a->y1 - a->y0 > 0 ? a->y1 - a->y0 : a->size;
  int same_row = fabsf(b->base - a->base) < 0.3f * a->size && b->x0 >= a->right - 0.1f * a->size;
  if (same_row) return same_block ? " " : "\n";
  if (b->y0 - a->y1 > 0.5f * h || b->y1 < a->y0) return "\n\n";
  if (!same_block || b->base < a->base) return "\n";
  if (vg_segment_marker(L->line.data, L->line.len)) return "\n";
  float sp = a->space > 0 ? a->space : b->space > 0 ? b->space : 0.3f * a->size;
  if (a->right + sp + b->word <= L->widest + 0.1f * a->size) return "\n";
  return NULL;
}

/* Lays out one text block into L->out. Returns 0, or -1 out of memory. */
static int layout_block(layout *L, const fz_stext_block *block) {
  lineinfo li;
  L->widest = -INFINITY;
  for (const fz_stext_line *line = block->u.t.first_line; line; line = line->next) {
    measure(line, &li);
    if (li.flat && li.right > L->widest && li.right > li.x0) L->widest = li.right;
  }
  int first = 1;
  for (const fz_stext_line *line = block->u.t.first_line; line; line = line->next) {
    vg_buf_reset(&L->line);
    for (const fz_stext_char *ch = line->first_char; ch; ch = ch->next)
      if (put_cp(&L->line, ch->c)) return -1;
    size_t s = 0; /* the line without its leading spaces and tabs */
    while (s < L->line.len && (L->line.data[s] == ' ' || L->line.data[s] == '\t')) s++;
    if (s == L->line.len) continue; /* nothing but white space */
    if (s) {
      memmove(L->line.data, L->line.data + s, L->line.len - s + 1);
      L->line.len -= s;
    }
    measure(line, &li);
    if (L->have_prev) {
      const char *sep = separator(L, &L->prev, &li, !first);
      if (sep ? vg_buf_append(&L->out, sep, strlen(sep)) : join(&L->out)) return -1;
    }
    if (vg_buf_append(&L->out, L->line.data, L->line.len)) return -1;
    L->prev = li;
    L->have_prev = 1;
    first = 0;
  }
  return 0;
}

/* Appends page text s[0..n) to dst tidied: lines trimmed of spaces and
 * tabs, runs of blank lines collapsed, no blank line at either end, no
 * final line feed. Returns 0, or -1 out of memory. */
static int tidy(const char *s, size_t n, vg_buf *dst) {
  size_t start = dst->len;
  int blank = 0;
  for (size_t i = 0; i < n;) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - s) : n, a = i, z = e;
    while (a < z && (s[a] == ' ' || s[a] == '\t')) a++;
    while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t')) z--;
    if (a == z) {
      blank = 1;
    } else {
      if (dst->len > start && vg_buf_append(dst, blank ? "\n\n" : "\n", blank ? 2 : 1)) return -1;
      if (vg_buf_append(dst, s + a, z - a)) return -1;
      blank = 0;
    }
    i = e + 1;
  }
  return 0;
}

/* Cuts page text b to at most n bytes, after a whole line when there is
 * one, else after a whole character. */
static void cut(vg_buf *b, size_t n) {
  if (n >= b->len) return;
  size_t i = n;
  while (i > 0 && b->data[i] != '\n') i--;
  if (i == 0)
    for (i = n; i > 0 && !vg_utf8_is_lead((unsigned char)b->data[i]);) i--;
  while (i > 0 && (b->data[i - 1] == '\n' || b->data[i - 1] == ' ' || b->data[i - 1] == '\t')) i--;
  b->len = i;
  b->data[i] = '\0';
}

/* ---- content streams --------------------------------------------------- */

/* Counting what a page's content streams inflate to. */
typedef struct scan {
  job *j;
  size_t total, cap;
  int seen[SEEN_MAX];
  int nseen, reads;
} scan;

/* 1 when obj (an indirect stream) was read already; remembers it. */
static int seen(fz_context *ctx, scan *s, pdf_obj *obj) {
  int num = pdf_to_num(ctx, obj);
  if (num <= 0) return 0;
  for (int i = 0; i < s->nseen; i++)
    if (s->seen[i] == num) return 1;
  if (s->nseen < SEEN_MAX) s->seen[s->nseen++] = num;
  return 0;
}

/* Inflates one content stream (a page's /Contents may be an array),
 * counting its bytes. Throws when over the cap or the deadline; other
 * errors are MuPDF's to meet when it runs the page. */
static void scan_stream(fz_context *ctx, scan *s, pdf_document *doc, pdf_obj *obj) {
  fz_stream *stm = NULL;
  int over = 0;
  fz_var(stm);
  fz_var(over);
  if (!obj || s->reads >= SCAN_MAX || seen(ctx, s, obj)) return;
  s->reads++;
  fz_try(ctx) {
    stm = pdf_is_array(ctx, obj) ? pdf_open_contents_stream(ctx, doc, obj)
                                 : pdf_open_stream(ctx, obj);
    size_t got;
    while ((got = fz_skip(ctx, stm, 1 << 16)) > 0) {
      s->total += got;
      if (s->total > s->cap) {
        over = 1;
        char h[32];
        fz_throw(ctx, FZ_ERROR_GENERIC, "content streams inflate to more than %s (limit)",
                 vg_human_bytes(s->cap, h));
      }
      if (out_of_time(s->j)) {
        over = 1;
        fz_throw(ctx, FZ_ERROR_ABORT, "time limit");
      }
    }
  }
  fz_always(ctx) fz_drop_stream(ctx, stm);
  fz_catch(ctx) {
    if (over) fz_rethrow(ctx);
  }
}

static void scan_resources(fz_context *ctx, scan *s, pdf_document *doc, pdf_obj *res, int depth);

/* A stream with resources of its own: a form, a tiling pattern, an
 * appearance. */
static void scan_form(fz_context *ctx, scan *s, pdf_document *doc, pdf_obj *obj, int depth) {
  if (!pdf_is_stream(ctx, obj) || depth > SCAN_DEPTH) return;
  scan_stream(ctx, s, doc, obj);
  scan_resources(ctx, s, doc, pdf_dict_get(ctx, obj, PDF_NAME(Resources)), depth + 1);
}

static void scan_resources(fz_context *ctx, scan *s, pdf_document *doc, pdf_obj *res, int depth) {
  if (!pdf_is_dict(ctx, res) || depth > SCAN_DEPTH) return;
  pdf_obj *d = pdf_dict_get(ctx, res, PDF_NAME(XObject));
  for (int i = 0, n = pdf_dict_len(ctx, d); i < n && s->reads < SCAN_MAX; i++) {
    pdf_obj *x = pdf_dict_get_val(ctx, d, i);
    if (pdf_name_eq(ctx, pdf_dict_get(ctx, x, PDF_NAME(Subtype)), PDF_NAME(Form)))
      scan_form(ctx, s, doc, x, depth);
  }
  d = pdf_dict_get(ctx, res, PDF_NAME(Pattern));
  for (int i = 0, n = pdf_dict_len(ctx, d); i < n && s->reads < SCAN_MAX; i++)
    scan_form(ctx, s, doc, pdf_dict_get_val(ctx, d, i), depth);
  d = pdf_dict_get(ctx, res, PDF_NAME(Font));
  for (int i = 0, n = pdf_dict_len(ctx, d); i < n && s->reads < SCAN_MAX; i++) {
    pdf_obj *f = pdf_dict_get_val(ctx, d, i);
    if (!pdf_name_eq(ctx, pdf_dict_get(ctx, f, PDF_NAME(Subtype)), PDF_NAME(Type3))) continue;
    pdf_obj *procs = pdf_dict_get(ctx, f, PDF_NAME(CharProcs));
    for (int k = 0, m = pdf_dict_len(ctx, procs); k < m && s->reads < SCAN_MAX; k++)
      scan_stream(ctx, s, doc, pdf_dict_get_val(ctx, procs, k));
    scan_resources(ctx, s, doc, pdf_dict_get(ctx, f, PDF_NAME(Resources)), depth + 1);
  }
}

/* Reads what the content streams of page k inflate to (see the top).
 * Throws over the cap or the deadline. */
static void scan_page(fz_context *ctx, job *j, pdf_document *doc, pdf_page *page) {
  scan s;
  memset(&s, 0, sizeof s);
  s.j = j;
  s.cap = j->limit / 4;
  int over = 0;
  fz_var(over);
  fz_try(ctx) {
    scan_stream(ctx, &s, doc, pdf_page_contents(ctx, page));
    scan_resources(ctx, &s, doc, pdf_page_resources(ctx, page), 0);
    pdf_obj *annots = pdf_dict_get(ctx, page->obj, PDF_NAME(Annots));
    for (int i = 0, n = pdf_array_len(ctx, annots); i < n && s.reads < SCAN_MAX; i++) {
      pdf_obj *ap = pdf_dict_getp(ctx, pdf_array_get(ctx, annots, i), "AP/N");
      if (pdf_is_stream(ctx, ap)) scan_form(ctx, &s, doc, ap, 0);
      else
        for (int k = 0, m = pdf_dict_len(ctx, ap); k < m && s.reads < SCAN_MAX; k++)
          scan_form(ctx, &s, doc, pdf_dict_get_val(ctx, ap, k), 0);
    }
  }
  fz_catch(ctx) {
    over = s.total > s.cap || j->late;
    if (over) {
      if (!j->late) j->over = 1;
      fz_rethrow(ctx);
    }
  }
}

/* ---- pages ------------------------------------------------------------------ */

/* Reads page k (from 0) and lays it out into L->out; *image set when it
 * has an image. Returns 0, 1 when MuPDF failed (msg says why; L->out has
 * what was read before), or -1 out of memory. */
static int read_page(fz_context *ctx, job *j, pdf_document *doc, int k, layout *L, int *image,
                     char msg[VG_ERRLEN]) {
  pdf_page *page = NULL;
  fz_stext_page *tp = NULL;
  fz_device *dev = NULL;
  int rc = 0;
  fz_var(page);
  fz_var(tp);
  fz_var(dev);
  fz_var(rc);
  fz_try(ctx) {
    page = pdf_load_page(ctx, doc, k);
    if (j->limit != SIZE_MAX || j->deadline > 0) scan_page(ctx, j, doc, page);
    tp = fz_new_stext_page(ctx, pdf_bound_page(ctx, page));
    fz_stext_options opts = {FZ_STEXT_PRESERVE_WHITESPACE | FZ_STEXT_PRESERVE_IMAGES |
                                 FZ_STEXT_MEDIABOX_CLIP, 1};
    dev = fz_new_stext_device(ctx, tp, &opts);
    pdf_run_page(ctx, page, dev, fz_identity, &j->cookie);
    fz_close_device(ctx, dev);
  }
  fz_always(ctx) {
    fz_drop_device(ctx, dev);
    fz_drop_page(ctx, (fz_page *)page);
  }
  fz_catch(ctx) {
    snprintf(msg, VG_ERRLEN, "%s", fz_caught_message(ctx));
    rc = 1;
  }
  L->have_prev = 0;
  for (const fz_stext_block *b = tp ? tp->first_block : NULL; b && rc >= 0; b = b->next) {
    if (b->type == FZ_STEXT_BLOCK_IMAGE) *image = 1;
    else if (b->type == FZ_STEXT_BLOCK_TEXT && layout_block(L, b)) rc = -1;
  }
  fz_drop_stext_page(ctx, tp);
  return rc;
}

/* ---- metadata ------------------------------------------------------------- */

/* Reads the n digits at *s into *v and moves *s past them. Returns 0, or
 * -1 when they are not n digits. */
static int digits(const char **s, int n, int *v) {
  int x = 0;
  for (int i = 0; i < n; i++) {
    if ((*s)[i] < '0' || (*s)[i] > '9') return -1;
    x = x * 10 + ((*s)[i] - '0');
  }
  *s += n;
  *v = x;
  return 0;
}

/* A PDF date ("D:YYYYMMDDHHmmSSOHH'mm'", everything after the year
 * optional, "D:" too) as ISO 8601 in out: "2019-12-05T10:30:00+01:00", or
 * the date alone ("2019-12-05", "2019-12", "2019") when there is no time.
 * Returns 0, or -1 when s is not such a date. */
static int iso_date(const char *s, char out[40]) {
  static const int MAX[6] = {9999, 12, 31, 23, 59, 59}, MIN[6] = {0, 1, 1, 0, 0, 0};
  int v[6] = {0, 1, 1, 0, 0, 0}, have = 0;
  while (*s == ' ') s++;
  if (s[0] == 'D' && s[1] == ':') s += 2;
  for (; have < 6 && *s >= '0' && *s <= '9'; have++)
    if (digits(&s, have ? 2 : 4, &v[have]) || v[have] < MIN[have] || v[have] > MAX[have])
      return -1;
  if (!have) return -1;
  char tz[8] = "";
  if (have >= 4 && *s == 'Z') {
    strcpy(tz, "Z");
    s++;
    while (*s == '\'' || (*s >= '0' && *s <= '9')) s++; /* "Z00'00'" */
  } else if (have >= 4 && (*s == '+' || *s == '-')) {
    char sign = *s++;
    int th, tm = 0;
    if (digits(&s, 2, &th) || th > 23) return -1;
    if (*s == '\'') s++;
    if (*s >= '0' && *s <= '9' && (digits(&s, 2, &tm) || tm > 59)) return -1;
    if (*s == '\'') s++;
    snprintf(tz, sizeof tz, "%c%02d:%02d", sign, th, tm);
  }
  while (*s == ' ') s++;
  if (*s) return -1;
  if (have == 1) snprintf(out, 40, "%04d", v[0]);
  else if (have == 2) snprintf(out, 40, "%04d-%02d", v[0], v[1]);
  else if (have == 3) snprintf(out, 40, "%04d-%02d-%02d", v[0], v[1], v[2]);
  else
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%s", v[0], v[1], v[2], v[3], v[4], v[5], tz);
  return 0;
}

/* fz_lookup_metadata, -1 when it fails. */
static int lookup(fz_context *ctx, pdf_document *doc, const char *key, char *buf, int size) {
  int got = -1;
  fz_var(got);
  fz_try(ctx) got = fz_lookup_metadata(ctx, (fz_document *)doc, key, buf, size);
  fz_catch(ctx) got = -1;
  return got;
}

/* Adds the metadata of doc to x. Returns 0, or -1 out of memory. */
static int add_meta(fz_context *ctx, pdf_document *doc, int pages, vg_extracted *x) {
  static const char *const KEYS[][2] = {
      {"title", FZ_META_INFO_TITLE},     {"author", FZ_META_INFO_AUTHOR},
      {"subject", FZ_META_INFO_SUBJECT}, {"creator", FZ_META_INFO_CREATOR},
      {"producer", FZ_META_INFO_PRODUCER}, {"created", FZ_META_INFO_CREATIONDATE},
      {"modified", FZ_META_INFO_MODIFICATIONDATE}};
  char raw[4096];
  vg_buf v = {0};
  int rc = 0;
  for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0] && !rc; i++) {
    int got = lookup(ctx, doc, KEYS[i][1], raw, sizeof raw);
    if (got <= 1) continue;
    if (got > (int)sizeof raw) { /* cut short: drop the last character, maybe split */
      size_t n = strlen(raw), at;
      if (n) {
        last_cp(raw, n, &at);
        raw[at] = '\0';
      }
    }
    if (!strcmp(KEYS[i][0], "created") || !strcmp(KEYS[i][0], "modified")) {
      char iso[40];
      if (!iso_date(raw, iso)) rc = vg_extracted_meta(x, KEYS[i][0], iso);
      continue;
    }
    vg_buf_reset(&v);
    for (const char *s = raw; *s && !rc;) { /* controls and tabs become spaces, runs one */
      int c;
      s += fz_chartorune(&c, s);
      if (c == '\t' || is_break_space(c) || c < 0x20) c = ' ';
      if (c == ' ' && (!v.len || v.data[v.len - 1] == ' ')) continue;
      rc = put_cp(&v, c);
    }
    rtrim(&v);
    if (!rc && v.len) rc = vg_extracted_meta(x, KEYS[i][0], v.data);
  }
  vg_buf_free(&v);
  char n[16];
  snprintf(n, sizeof n, "%d", pages);
  return rc ? -1 : vg_extracted_meta(x, "pages", n);
}

/* ---- the document ----------------------------------------------------- */

/* The failure of a document MuPDF could not read (msg: its message). */
static int fail_read(const job *j, const vg_extract_limits *l, vg_extracted *x, const char *msg) {
  char h[32];
  if (j->late)
    return vg_extracted_fail(x, "timeout", 0, "PDF not read in %g s (time limit)", l->max_seconds);
  if (j->refused)
    return vg_extracted_fail(x, "too_large", 0,
                             "PDF needs more than %s to read (memory limit: 8 x "
                             "--max-doc-bytes, 512 MB at least)", vg_human_bytes(j->limit, h));
  if (j->over) return vg_extracted_fail(x, "too_large", 0, "PDF too large to read: %s", msg);
  return vg_extracted_fail(x, "damaged", 1, "damaged PDF: %s", msg);
}

/* 1 when doc stays locked with the empty password, -1 when MuPDF failed. */
static int locked(fz_context *ctx, pdf_document *doc, char msg[VG_ERRLEN]) {
  int r = 0;
  fz_var(r);
  fz_try(ctx) r = pdf_needs_password(ctx, doc) && !pdf_authenticate_password(ctx, doc, "");
  fz_catch(ctx) {
    snprintf(msg, VG_ERRLEN, "%s", fz_caught_message(ctx));
    r = -1;
  }
  return r;
}

/* What stopped the page loop early. */
enum { STOP_NONE, STOP_TIME, STOP_BYTES, STOP_BAD, STOP_OOM };

/* Reads the pages of an open document into x. */
static int read_doc(fz_context *ctx, job *j, pdf_document *doc, const vg_extract_limits *l,
                    vg_extracted *x) {
  char msg[VG_ERRLEN] = "", bad[VG_ERRLEN] = "", h[32];
  int r = locked(ctx, doc, msg);
  if (r < 0) return fail_read(j, l, x, msg);
  if (r) return vg_extracted_fail(x, "encrypted", 0, "encrypted PDF (needs a password), not read");
  int count = -1;
  fz_var(count);
  fz_try(ctx) count = pdf_count_pages(ctx, doc);
  fz_catch(ctx) snprintf(msg, sizeof msg, "%s", fz_caught_message(ctx));
  if (count < 0) return fail_read(j, l, x, msg[0] ? msg : "no page count");
  if (add_meta(ctx, doc, count, x)) return vg_extracted_fail(x, "too_large", 0, "out of memory");
  int want = l->max_pages && (unsigned)count > l->max_pages ? (int)l->max_pages : count;
  int stop = STOP_NONE, image = 0, failed = 0, first_bad = -1, run = 0, k;
  int kept = 0, cutp = 0, ff = 0; /* pages kept whole, the page cut short, form feeds */
  layout L;
  memset(&L, 0, sizeof L);
  vg_buf page = {0};
  for (k = 0; k < want && stop == STOP_NONE; k++) {
    if (out_of_time(j)) {
      stop = STOP_TIME;
      break;
    }
    vg_buf_reset(&L.out);
    vg_buf_reset(&page);
    j->page_errors = 0;
    int refused = j->refused;
    r = read_page(ctx, j, doc, k, &L, &image, msg);
    if (r == 1 && j->refused > refused)
      snprintf(msg, sizeof msg, "needs more than %s of memory (limit)",
               vg_human_bytes(j->limit, h));
    if (r == 0 && j->page_errors) { /* read, but MuPDF got over errors: damaged */
      snprintf(msg, sizeof msg, "%s", j->page_error);
      r = 2;
    }
    if (r < 0 || tidy(L.out.data, L.out.len, &page)) {
      stop = STOP_OOM;
      break;
    }
    if (r > 0 && !j->late) {
      failed++;
      if (first_bad < 0) {
        first_bad = k;
        snprintf(bad, sizeof bad, "%s", msg);
      }
    }
    run = r == 1 && !j->late ? run + 1 : 0;
    if (run >= BAD_RUN) stop = STOP_BAD;
    if (page.len) { /* form feeds for the pages since the last text, then the text */
      size_t sep = (x->text.len ? 1 : 0) + (size_t)(k - ff) * 2;
      if (l->max_bytes && x->text.len + sep + page.len > l->max_bytes) {
        stop = STOP_BYTES;
        if (x->text.len) break; /* this page is left out */
        cutp = k + 1;
        cut(&page, l->max_bytes > sep ? (size_t)l->max_bytes - sep : 0);
      }
      if (x->text.len && vg_buf_putc(&x->text, '\n')) stop = STOP_OOM;
      for (; ff < k && stop != STOP_OOM; ff++)
        if (vg_buf_append(&x->text, "\f\n", 2)) stop = STOP_OOM;
      if (stop != STOP_OOM && vg_buf_append(&x->text, page.data, page.len)) stop = STOP_OOM;
      if (stop == STOP_NONE) kept = k + 1;
    }
    if (j->late) stop = STOP_TIME;
  }
  vg_buf_free(&L.out);
  vg_buf_free(&L.line);
  vg_buf_free(&page);
  if (stop == STOP_OOM) return vg_extracted_fail(x, "too_large", 0, "out of memory");
  /* the text: anything but white space? */
  int text = 0;
  for (size_t i = 0; i < x->text.len && !text; i++)
    text = (unsigned char)x->text.data[i] > ' ';
  if (!text) {
    vg_buf_reset(&x->text);
    if (stop == STOP_TIME)
      return vg_extracted_fail(x, "timeout", 0, "PDF not read in %g s (time limit)",
                               l->max_seconds);
    if (image)
      return vg_extracted_fail(x, "no_text", 0,
                               "image-only PDF (no text layer, %d page%s): scanned? not read",
                               count, count > 1 ? "s" : "");
    if (failed && failed == k) {
      char m[VG_ERRLEN];
      snprintf(m, sizeof m, "page %d: %.900s", first_bad + 1, bad);
      return fail_read(j, l, x, m);
    }
  }
  if (stop == STOP_TIME)
    vg_extracted_warn(x, "PDF over the time limit (%g s): pages after %d left out",
                      l->max_seconds, k);
  if (stop == STOP_BYTES && kept)
    vg_extracted_warn(x, "text over --max-doc-bytes (%s): pages after %d left out",
                      vg_human_bytes(l->max_bytes, h), kept);
  if (stop == STOP_BYTES)
    vg_extracted_warn(x, "text over --max-doc-bytes (%s): page %d cut short, the rest left out",
                      vg_human_bytes(l->max_bytes, h), cutp);
  if (stop == STOP_BAD)
    vg_extracted_warn(x, "page %d: %s (%d pages in a row not read: pages after %d left out, of "
                      "%d announced)", first_bad + 1, bad, BAD_RUN, k, count);
  if (want < count)
    vg_extracted_warn(x, "%d pages, only the first %d read (limit)", count, want);
  if (count == 0) vg_extracted_warn(x, "PDF without pages (damaged page tree?)");
  if (failed > 1)
    vg_extracted_warn(x, "page %d: %s (and %d more damaged pages)", first_bad + 1, bad,
                      failed - 1);
  if (failed == 1) vg_extracted_warn(x, "page %d: %s", first_bad + 1, bad);
  int repaired = 0;
  fz_var(repaired);
  fz_try(ctx) repaired = pdf_was_repaired(ctx, doc);
  fz_catch(ctx) repaired = 0;
  if (repaired) vg_extracted_warn(x, "damaged PDF, repaired: %s", j->error);
  return 0;
}

static int read_pdf(fz_context *ctx, job *j, const unsigned char *p, size_t n,
                    const vg_extract_limits *l, vg_extracted *x) {
  fz_stream *stm = NULL;
  pdf_document *doc = NULL;
  char msg[VG_ERRLEN] = "";
  fz_var(stm);
  fz_var(doc);
  fz_try(ctx) {
    stm = fz_open_memory(ctx, p, n);
    doc = pdf_open_document_with_stream(ctx, stm);
  }
  fz_catch(ctx) snprintf(msg, sizeof msg, "%s", fz_caught_message(ctx));
  int rc = doc ? read_doc(ctx, j, doc, l, x) : fail_read(j, l, x, msg);
  pdf_drop_document(ctx, doc);
  fz_drop_stream(ctx, stm);
  return rc;
}

/* Makes a message valid UTF-8 without control characters, in place: MuPDF
 * quotes bytes of the file in its messages. */
static void sanitize(char *s) {
  unsigned char *u = (unsigned char *)s;
  for (size_t i = 0; u[i];) {
    size_t k = u[i] < 0x80 ? 1 : u[i] >= 0xC2 && u[i] < 0xE0 ? 2 : u[i] >= 0xE0 && u[i] < 0xF0 ? 3
             : u[i] >= 0xF0 && u[i] < 0xF5 ? 4 : 0;
    size_t m = 1;
    while (k && m < k && (u[i + m] & 0xC0) == 0x80) m++;
    if (k && m == k && vg_text_valid(s + i, k)) {
      i += k;
      continue;
    }
    u[i] = u[i] < 0x20 ? ' ' : '?'; /* a control, or a byte that starts nothing valid */
    i++;
  }
  for (size_t i = 0; u[i]; i++)
    if (u[i] < 0x20 || u[i] == 0x7F) u[i] = ' ';
}

int vg_extract_pdf(const unsigned char *p, size_t n, const vg_extract_limits *l,
                   vg_extracted *x) {
  vg_extracted_reset(x);
  if (!n) return vg_extracted_fail(x, "damaged", 1, "damaged PDF: empty file");
  /* Junk before the header (a mail gateway's line, a BOM): offsets count
   * from "%PDF-", as readers have long taken them. */
  const unsigned char *h = n >= 5 ? memmem(p, n < 1024 ? n : 1024, "%PDF-", 5) : NULL;
  if (h) {
    n -= (size_t)(h - p);
    p = h;
  }
  job j;
  memset(&j, 0, sizeof j);
  size_t limit = l->max_memory && l->max_memory < SIZE_MAX ? (size_t)l->max_memory : SIZE_MAX;
  j.limit = SIZE_MAX; /* MuPDF prints when it cannot make its context: let it */
  if (l->max_seconds > 0) {
    j.deadline = vg_now() + l->max_seconds;
    j.hard = j.deadline + (l->max_seconds < 4 ? l->max_seconds / 4 : 1);
  }
  fz_alloc_context alloc = {&j, job_malloc, job_realloc, job_free};
  size_t store = limit / 4 < FZ_STORE_DEFAULT ? limit / 4 : FZ_STORE_DEFAULT;
  fz_context *ctx = fz_new_context(&alloc, NULL, store ? store : 1);
  if (!ctx) return vg_extracted_fail(x, "too_large", 0, "out of memory");
  j.limit = limit; /* the context counts: a limit below it refuses everything */
  fz_set_error_callback(ctx, on_error, &j);
  fz_set_warning_callback(ctx, on_warning, &j);
  int rc = read_pdf(ctx, &j, p, n, l, x);
  fz_drop_context(ctx);
  sanitize(x->reason);
  sanitize(x->warning);
  return rc;
}
