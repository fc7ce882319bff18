/*
 * write_tsv.c: the TSV writer, one row per flag (SPEC section 5): a header
 * line "id rule line col match excerpt", then the flags of each document in
 * text order. A tab, a newline, a carriage return or a backslash inside a
 * field is written \t, \n, \r, \\; nothing else is quoted, so `cut -f` and
 * spreadsheet imports read it as it is.
 */
#include <stdlib.h>
#include <string.h>

#include "writer_internal.h"

/* Appends s[0..n) as one field. */
static int field(vg_buf *b, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const char *esc = s[i] == '\t' ? "\\t" : s[i] == '\n' ? "\\n" : s[i] == '\r' ? "\\r"
                      : s[i] == '\\' ? "\\\\" : NULL;
    if (!esc) continue;
    if (vg_buf_append(b, s + run, i - run) || vg_buf_append(b, esc, 2)) return -1;
    run = i + 1;
  }
  return vg_buf_append(b, s + run, n - run);
}

static int tsv_doc(vg_writer *w, const vg_doc *d, char err[VG_ERRLEN]) {
  if (!d->nflags) return 0;
  size_t *order = malloc(d->nflags * sizeof *order);
  vg_buf *b = &w->line;
  int rc = !order;
  vg_buf_reset(b);
  if (order) vg_doc_flag_order(d, order);
  vg_breaks br = {0};
  const vg_breaks *bk = vg_doc_breaks(d, &br);
  for (size_t i = 0; !rc && i < d->nflags; i++) {
    const vg_flag *f = &d->flags[order[i]];
    size_t from, to;
    vg_doc_excerpt(d, bk, f->start, f->end, &from, &to);
    rc = field(b, d->id, strlen(d->id)) || vg_buf_putc(b, '\t') ||
         field(b, f->rule, strlen(f->rule)) ||
         vg_buf_printf(b, "\t%zu\t%zu\t", f->line, f->col) ||
         field(b, d->text.data + f->start, f->end - f->start) || vg_buf_putc(b, '\t') ||
         field(b, d->text.data + from, to - from) || vg_buf_putc(b, '\n');
  }
  free(order);
  vg_segment_breaks_free(&br);
  if (rc) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  if (vg_writer_put(w, b->data, b->len, err)) return -1;
  w->count += d->nflags;
  return 0;
}

static const vg_writer_ops TSV_OPS = {tsv_doc, NULL, NULL, NULL, NULL, NULL, "flags"};

int vg_write_tsv_open(vg_writer *w, char err[VG_ERRLEN]) {
  static const char HEADER[] = "id\trule\tline\tcol\tmatch\texcerpt\n";
  w->ops = &TSV_OPS;
  return vg_writer_put(w, HEADER, sizeof HEADER - 1, err);
}
