/*
 * extract.h: text out of the formats tracts come in. A document's bytes are
 * sniffed (vg_format_sniff: magic bytes, never the name) and, for a format
 * other than plain text, handed to its extractor, which gives UTF-8 text,
 * the metadata the format carries, and parts: the documents it holds (an
 * e-mail's attachments, an mbox's messages), which the reader reads on as
 * nested entries, with ids chained like nested archives
 * ("mails.mbox!3!annexe.pdf").
 *
 * One extractor per format, each in its own file, each built on the
 * library made for it (Debian packages):
 *   extract_pdf.c     PDF, with MuPDF
 *   extract_office.c  DOCX and ODT, with libarchive and libxml2
 *   extract_html.c    HTML, with libxml2's HTML parser
 *   extract_mail.c    .eml and mbox, with GMime
 *
 * Text conventions, the same for every extractor: valid UTF-8, LF line
 * ends, no NUL; one line per paragraph, heading, list item or table cell;
 * a blank line where the format puts more space (between PDF blocks, HTML
 * sections); PDF pages separated by a line holding only a form feed
 * ("\n\f\n"), so that page N of an offset is 1 + the form feeds before it.
 *
 * Errors are values: an extractor returns 0 with the text, or -1 with
 * x->skip (a short key) and x->reason (a sentence naming the problem);
 * x->damaged says whether it is damage (an ERROR entry) or a policy skip
 * (encrypted, image-only, over a limit: a SKIP entry). It never prints,
 * never exits, and stays within the limits it is given, whatever the
 * bytes.
 *
 * Ownership: a vg_extracted owns its buffers; reset between documents,
 * freed once.
 */
#ifndef VG_EXTRACT_H
#define VG_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum vg_format {
  VG_FORMAT_TEXT, /* anything that is not one of the below: decoded as text */
  VG_FORMAT_PDF,
  VG_FORMAT_DOCX,
  VG_FORMAT_ODT,
  VG_FORMAT_HTML,
  VG_FORMAT_EML,
  VG_FORMAT_MBOX, /* a container of messages: parts only, no text */
  VG_FORMAT_COUNT
} vg_format;

/* "text", "pdf", "docx", "odt", "html", "eml", "mbox". */
const char *vg_format_name(vg_format f);
/* The format named s, or -1. */
int vg_format_from_name(const char *s);
/* vg_format_name's own copy of the name s ("text" when s names no format):
 * a string that lives as long as the program. */
const char *vg_format_static(const char *s);
/* The bit of f in a mask of formats; VG_FORMATS_ALL has every one. */
#define VG_FORMAT_BIT(f) (1u << (f))
#define VG_FORMATS_ALL ((1u << VG_FORMAT_COUNT) - 1)
/* Parses a --formats list ("pdf,docx,html", "all", "none": text is always
 * read) into *mask. Returns 0, or -1 with a message naming the bad word. */
int vg_format_parse_list(const char *list, unsigned *mask, char err[VG_ERRLEN]);

/* What p[0..n) is, from its bytes. */
vg_format vg_format_sniff(const unsigned char *p, size_t n);

typedef struct vg_extract_limits {
  uint64_t max_bytes;  /* text and parts produced, at most (--max-doc-bytes) */
  uint64_t max_memory; /* what the library may allocate for one document */
  double max_ratio;    /* a zipped part (DOCX, ODT) expanding more: "ratio" (--max-ratio) */
  unsigned max_pages;  /* PDF pages read, at most; the rest is reported */
  unsigned max_parts;  /* parts (attachments, messages) of one document */
  double max_seconds;  /* time for one document, checked between pages */
} vg_extract_limits;

/* Fills *l with the defaults for max_doc_bytes. */
void vg_extract_default_limits(vg_extract_limits *l, uint64_t max_doc_bytes);

typedef struct vg_extracted {
  vg_buf text;    /* UTF-8 text */
  vg_buf meta;    /* metadata: pairs of NUL-terminated strings, key then value */
  vg_buf parts;   /* parts: each a NUL-terminated name, an 8-byte little-endian
                     size, the bytes (use vg_extracted_next_part) */
  size_t nparts;
  const char *skip;           /* on failure: "damaged", "encrypted", "no_text",
                                 "too_large", "timeout" */
  int damaged;                /* on failure: damage (ERROR), not policy (SKIP) */
  char warning[VG_ERRLEN];    /* on success: what was left out ("" when nothing):
                                 pages over the limit, a damaged page */
  char reason[VG_ERRLEN];     /* on failure: the sentence for people */
} vg_extracted;

void vg_extracted_reset(vg_extracted *x);
void vg_extracted_free(vg_extracted *x);
/* Adds a metadata pair (value copied; an empty or NULL value is not added;
 * a key given twice keeps the first). Returns 0, or -1 out of memory. */
int vg_extracted_meta(vg_extracted *x, const char *key, const char *value);
/* Adds a part (name and bytes copied; the name made safe: no '/', '!' or
 * control bytes, never empty). Returns 0, or -1 out of memory or over
 * max_parts/max_bytes (then x->warning says so). */
int vg_extracted_part(vg_extracted *x, const vg_extract_limits *l, const char *name,
                      const void *data, size_t n);
/* Walks the parts: *pos starts at 0. Returns 1 with name, data and size
 * pointing into x->parts, 0 after the last. */
int vg_extracted_next_part(const vg_extracted *x, size_t *pos, const char **name,
                           const unsigned char **data, size_t *size);
/* Sets the failure (skip key, damaged, the reason from fmt). Returns -1. */
int vg_extracted_fail(vg_extracted *x, const char *skip, int damaged, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets x->warning (the first one kept). */
void vg_extracted_warn(vg_extracted *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The extractors: p[0..n) in, *x (reset first) out. 0 or -1, see above. */
int vg_extract_pdf(const unsigned char *p, size_t n, const vg_extract_limits *l,
                   vg_extracted *x);
int vg_extract_docx(const unsigned char *p, size_t n, const vg_extract_limits *l,
                    vg_extracted *x);
int vg_extract_odt(const unsigned char *p, size_t n, const vg_extract_limits *l,
                   vg_extracted *x);
int vg_extract_html(const unsigned char *p, size_t n, const vg_extract_limits *l,
                    vg_extracted *x);
int vg_extract_eml(const unsigned char *p, size_t n, const vg_extract_limits *l,
                   vg_extracted *x);
int vg_extract_mbox(const unsigned char *p, size_t n, const vg_extract_limits *l,
                    vg_extracted *x);
/* The extractor of f (not TEXT). */
int vg_extract(vg_format f, const unsigned char *p, size_t n, const vg_extract_limits *l,
               vg_extracted *x);

#endif
