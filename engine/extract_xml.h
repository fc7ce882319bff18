/*
 * extract_xml.h: what the XML-based extractors share (extract_office.c for
 * DOCX and ODT, extract_html.c for HTML): libxml2 set up once and kept
 * quiet, parses from memory that refuse what a hostile file could use
 * (entity expansion, DTDs, the network, nesting past libxml2's depth limit
 * of 256) and report the first error, an iterative walk of a tree, and the
 * text builder that applies the layout rules the three formats share, so
 * that a tract gives the same lines whatever it was saved as:
 *
 *   - a paragraph is one line followed by a blank line (vg_xt_break 2);
 *   - a list item is one line starting with "- " (unless its text already
 *     starts with a list marker) followed by a line feed (vg_xt_item_*);
 *   - a table cell is one line, a line break is "\n" (vg_xt_break 1), two
 *     in a row a blank line (vg_xt_linebreak);
 *   - lines are trimmed of spaces and tabs; lines holding only white space
 *     (U+00A0 and U+202F included) are dropped; runs of blank lines
 *     collapse to one; no blank line at the start or the end;
 *   - the text is valid UTF-8 (bad sequences become U+FFFD) without
 *     control characters but \t and \n (U+2028 is a line break, U+2029 a
 *     paragraph break).
 *
 * Everything here is reentrant: no state but libxml2's one-time init. The
 * builder writes into a vg_buf the caller owns; documents returned by the
 * parses belong to the caller (xmlFreeDoc).
 *
 */
#ifndef VG_EXTRACT_XML_H
#define VG_EXTRACT_XML_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "extract.h"

/* Initializes libxml2 once (thread-safe) and silences its generic error
 * output for the calling thread. Call before any other libxml2 use. */
void vg_xml_init(void);

/* The first error a parse met: libxml2's message on one line (no
 * trailing newline) and its line, or set = 0. */
typedef struct vg_xml_error {
  int set;
  int fatal; /* a fatal error (not well-formed, a limit, a refused DOCTYPE) */
  int line;
  int code;  /* libxml2's xmlParserErrors code, -1 for ours */
  int memory; /* the tree went over its memory budget (a limit, not damage) */
  char msg[512];
} vg_xml_error;

/* Parses the XML p[0..n): no entity substitution, no DTD loading, no
 * network, libxml2's default limits; a document type declaration
 * (<!DOCTYPE>, which office documents never carry) stops the parse, and so
 * does a tree that would take more than max_memory bytes (0: any; counted
 * as nodes are built, err->memory set). Returns the document (owned:
 * xmlFreeDoc), or NULL with *err set. */
xmlDoc *vg_xml_parse(const char *p, size_t n, uint64_t max_memory, vg_xml_error *err);

/* Parses the HTML p[0..n) in charset encoding (a name libxml2 knows), or
 * when encoding is NULL as UTF-8, which p must then be (the caller decoded
 * it), recovering from errors as browsers do; the page's own charset
 * declarations are ignored. Returns the document (owned), or NULL when
 * libxml2 gave none (out of memory). *halt is set when the parser stopped
 * before the end (nesting past the depth limit; a tree over max_memory
 * bytes, with halt->memory): the tree holds what came before. */
xmlDoc *vg_xml_parse_html(const char *p, size_t n, const char *encoding, uint64_t max_memory,
                          vg_xml_error *halt);

/* Walks the tree under root (root included) in document order without
 * recursion: enter(ctx, node) for every node, which returns 1 to walk the
 * node's children (followed only for elements and documents, never into
 * entity references), 0 to skip them, -1 to stop the walk; leave(ctx, node)
 * after a node's children, for every node entered (leave may be NULL).
 * Returns 0, or -1 when enter stopped it. */
int vg_xml_walk(xmlNode *root, int (*enter)(void *ctx, xmlNode *n),
                void (*leave)(void *ctx, xmlNode *n), void *ctx);

/* 1 when n is an element named local in namespace ns (NULL: no namespace). */
int vg_xml_is(const xmlNode *n, const char *ns, const char *local);
/* The value of attribute local of n in namespace ns (NULL: any or none),
 * borrowed from the tree, or NULL. Only plain attribute values (a text
 * child), which is all a parse without entity substitution makes. */
const char *vg_xml_attr(const xmlNode *n, const char *ns, const char *local);

/* Adds metadata key = the text under n (or s when n is NULL), white space
 * collapsed, trimmed, made valid UTF-8 without control characters and cut
 * to 4 KiB. Returns 0, or -1 out of memory. */
int vg_xml_meta(vg_extracted *x, const char *key, xmlNode *n, const char *s);

/* ---- the text builder ------------------------------------------------ */

/* How vg_xt_text treats white space. */
typedef enum vg_xt_mode {
  VG_XT_KEEP,     /* spaces kept, tab a tab, line ends a space (DOCX w:t) */
  VG_XT_COLLAPSE, /* runs of ASCII white space become one space (HTML, ODF) */
  VG_XT_PRE       /* spaces and tabs kept, line feeds break lines (HTML pre) */
} vg_xt_mode;

typedef struct vg_xt {
  vg_buf *out;      /* borrowed: where the text goes */
  uint64_t max;     /* bytes at most (0: no limit); over it, t->over is set */
  int brk;          /* pending break: 0, 1 (line feed) or 2 (blank line) */
  int line_brk;     /* the break written before the current line */
  int space;        /* a collapsed space is pending */
  int item;         /* 0 none, 1 an item began without text yet, 2 its first line is open */
  int pre_nl;       /* line feeds in a row in VG_XT_PRE text */
  size_t line;      /* offset where the current line starts */
  size_t item_at;   /* offset where the open item's text starts */
  int over;         /* went over max: text stopped */
  int oom;          /* out of memory: text stopped */
} vg_xt;

/* Starts building into out (reset first), at most max bytes (0: any). */
void vg_xt_init(vg_xt *t, vg_buf *out, uint64_t max);
/* Ends the current line: 1 a line feed, 2 a blank line (the larger of the
 * pending breaks wins; nothing is written until text follows). */
void vg_xt_break(vg_xt *t, int level);
/* An explicit line break (w:br, text:line-break, br): a line feed, and a
 * blank line when it follows another with nothing between. */
void vg_xt_linebreak(vg_xt *t);
/* A list item begins (a line break before it) / ends (one after it). */
void vg_xt_item_begin(vg_xt *t);
void vg_xt_item_end(vg_xt *t);
/* Appends the UTF-8 s[0..n) (bad sequences become U+FFFD). */
void vg_xt_text(vg_xt *t, const char *s, size_t n, vg_xt_mode mode);
/* Appends a tab / n spaces (not collapsed; dropped at a line's ends). */
void vg_xt_tab(vg_xt *t);
void vg_xt_spaces(vg_xt *t, unsigned n);
/* Appends code point cp (ignored when it is a control character, a
 * surrogate or out of range). */
void vg_xt_char(vg_xt *t, uint32_t cp);
/* Ends the text (the last line trimmed). Returns 0, or -1 when the text
 * went over max (t->over) or memory ran out (t->oom). */
int vg_xt_finish(vg_xt *t);

#endif
