/*
 * mkpdf.c: writes the PDF fixtures of the tests with cairo, the same bytes
 * on every run (fixed creation and modification dates).
 *
 *   vigie_mkpdf text IN.txt OUT.pdf [--title T] [--author A]
 *     A4 pages, 2 cm margins, "DejaVu Sans" 11 pt on a 14 pt leading. Each
 *     input line (UTF-8) is wrapped greedily into visual lines measured with
 *     cairo_text_extents, words split on ASCII spaces only (a no-break
 *     space stays inside its word); a blank input line leaves a gap of one
 *     line; a line starting with a form feed starts a new page; a full page
 *     goes on to the next one.
 *   vigie_mkpdf image OUT.pdf
 *     One A4 page holding only a raster image (drawn on an image surface),
 *     no text.
 *
 * A test helper, not part of vigie: it prints its errors and exits.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 595.276 /* A4 in points */
#define PAGE_H 841.890
#define MARGIN 56.693 /* 2 cm */
#define FONT_SIZE 11.0
#define LEADING 14.0

typedef struct writer {
  cairo_surface_t *surface;
  cairo_t *cr;
  double y;     /* the baseline of the next line */
  int on_page;  /* something was drawn on the current page */
} writer;

static void die(const char *msg, const char *arg) {
  fprintf(stderr, "vigie_mkpdf: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
  exit(1);
}

static void new_page(writer *w) {
  if (w->on_page) cairo_show_page(w->cr);
  w->on_page = 0;
  w->y = MARGIN + FONT_SIZE;
}

static double width(cairo_t *cr, const char *s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  return e.x_advance;
}

/* Draws one visual line, going to the next page when this one is full. */
static void draw_line(writer *w, const char *s) {
  if (w->y > PAGE_H - MARGIN) new_page(w);
  cairo_move_to(w->cr, MARGIN, w->y);
  cairo_show_text(w->cr, s);
  w->on_page = 1;
  w->y += LEADING;
}

/* Wraps one input line (no '\n') greedily into the text width. */
static void draw_paragraph(writer *w, const char *s) {
  size_t cap = strlen(s) + 1, len = 0;
  char *line = malloc(cap), *cand = malloc(cap);
  if (!line || !cand) die("out of memory", NULL);
  line[0] = '\0';
  while (*s) {
    while (*s == ' ') s++;
    size_t k = strcspn(s, " ");
    if (k == 0) break;
    if (len == 0) {
      memcpy(line, s, k);
      line[len = k] = '\0';
    } else {
      memcpy(cand, line, len);
      cand[len] = ' ';
      memcpy(cand + len + 1, s, k);
      cand[len + 1 + k] = '\0';
      if (width(w->cr, cand) <= PAGE_W - 2 * MARGIN) {
        memcpy(line, cand, len + 1 + k + 1);
        len += 1 + k;
      } else {
        draw_line(w, line);
        memcpy(line, s, k);
        line[len = k] = '\0';
      }
    }
    s += k;
  }
  if (len) draw_line(w, line);
  free(line);
  free(cand);
}

static cairo_surface_t *new_surface(const char *out) {
  cairo_surface_t *s = cairo_pdf_surface_create(out, PAGE_W, PAGE_H);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) die("cannot create", out);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "vigie_mkpdf");
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, "2019-12-05T10:30:00+01:00");
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, "2019-12-06T08:00:00Z");
  return s;
}

static void finish(cairo_surface_t *s, cairo_t *cr, const char *out) {
  cairo_destroy(cr);
  cairo_surface_finish(s);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) die("cannot write", out);
  cairo_surface_destroy(s);
}

static int make_text(const char *in, const char *out, const char *title, const char *author) {
  FILE *f = fopen(in, "rb");
  if (!f) die("cannot open", in);
  writer w = {new_surface(out), NULL, 0, 0};
  if (title) cairo_pdf_surface_set_metadata(w.surface, CAIRO_PDF_METADATA_TITLE, title);
  if (author) cairo_pdf_surface_set_metadata(w.surface, CAIRO_PDF_METADATA_AUTHOR, author);
  w.cr = cairo_create(w.surface);
  cairo_select_font_face(w.cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(w.cr, FONT_SIZE);
  new_page(&w);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    char *s = line;
    if (*s == '\f') {
      new_page(&w);
      s++;
    }
    if (!*s) {
      if (w.on_page) w.y += LEADING; /* a paragraph gap, not at the top of a page */
      continue;
    }
    draw_paragraph(&w, s);
  }
  free(line);
  fclose(f);
  finish(w.surface, w.cr, out);
  return 0;
}

static int make_image(const char *out) {
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 240, 160);
  cairo_t *ic = cairo_create(img);
  cairo_set_source_rgb(ic, 1, 1, 1);
  cairo_paint(ic);
  cairo_set_source_rgb(ic, 0.8, 0.1, 0.1);
  cairo_rectangle(ic, 20, 20, 120, 60);
  cairo_fill(ic);
  cairo_set_source_rgb(ic, 0.1, 0.2, 0.7);
  cairo_arc(ic, 170, 100, 45, 0, 6.2832);
  cairo_fill(ic);
  for (int i = 0; i < 240; i += 8) { /* some noise, so that it is a photo-like raster */
    cairo_set_source_rgb(ic, (i % 24) / 24.0, 0.5, 1 - i / 240.0);
    cairo_rectangle(ic, i, 140, 4, 16);
    cairo_fill(ic);
  }
  cairo_destroy(ic);
  cairo_surface_t *s = new_surface(out);
  cairo_t *cr = cairo_create(s);
  cairo_translate(cr, MARGIN, MARGIN);
  cairo_scale(cr, 2, 2);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_paint(cr);
  cairo_surface_destroy(img);
  finish(s, cr, out);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 4 && !strcmp(argv[1], "text")) {
    const char *title = NULL, *author = NULL;
    for (int i = 4; i < argc; i++) {
      if (!strcmp(argv[i], "--title") && i + 1 < argc) title = argv[++i];
      else if (!strcmp(argv[i], "--author") && i + 1 < argc) author = argv[++i];
      else die("unknown option", argv[i]);
    }
    return make_text(argv[2], argv[3], title, author);
  }
  if (argc == 3 && !strcmp(argv[1], "image")) return make_image(argv[2]);
  fprintf(stderr, "usage: vigie_mkpdf text IN.txt OUT.pdf [--title T] [--author A]\n"
                  "       vigie_mkpdf image OUT.pdf\n");
  return 2;
}
