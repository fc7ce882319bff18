/*
 * extract_html.c: HTML (see extract.h). The bytes are decoded to UTF-8
 * first, as browsers do: a BOM wins, then a charset the page declares in
 * its first 8 KiB (<meta charset>, <meta http-equiv="Content-Type">;
 * ISO-8859-1 and ASCII read as Windows-1252, UTF-16 without a BOM as
 * UTF-8), and when none is declared UTF-8 if the bytes are valid UTF-8,
 * else Windows-1252. The UTF-8 is parsed with libxml2's HTML parser
 * (recovering from errors, entities decoded, no network) and the tree
 * walked iteratively into text with the layout rules of extract_xml.h:
 *
 *   p, h1-h6, div, blockquote, pre, address, figcaption, section... a
 *   paragraph; li a list item; td/th a table cell; br a line break; white
 *   space collapsed as browsers do, except in pre (and listing, xmp,
 *   plaintext) where spaces, tabs and line feeds are kept.
 *
 * Left out: head (but <title> gives meta "title"), script, style,
 * noscript, template, svg, math, iframe, object, embed, canvas, audio,
 * video, comments, elements with the hidden attribute or display:none.
 * Metadata: title, author, description, date, keywords (<meta name>),
 * lang (<html lang>).
 * Failures: "damaged" when libxml2 stopped before the end (nesting past
 * its depth limit) and nothing came before (when something did, it is
 * kept with a warning); "too_large" when the page or its text is over
 * l->max_bytes, or its tree over l->max_memory. Reentrant: vg_extract_mail
 * calls it for HTML bodies.
 *
 * This file also holds what extract_xml.h declares for the three XML
 * formats (the quiet libxml2 parses, the iterative walk, the text builder),
 * in its last part: .ci/fuzz links an explicit list of engine files, which
 * has extract_html.c and extract_office.c but no extract_xml.c.
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include "extract.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "extract_xml.h"
#include "text.h"

#define PRESCAN 8192 /* bytes looked at for a declared charset */

/* ---- charset ------------------------------------------------------------ */

typedef enum charset {
  CS_NONE,   /* none declared: UTF-8 if valid, else Windows-1252 */
  CS_UTF8,   /* declared UTF-8: bad sequences become U+FFFD */
  CS_CP1252, /* declared Windows-1252 (or ISO-8859-1, ASCII) */
  CS_OTHER   /* another charset libxml2 knows: it decodes */
} charset;

/* Windows-1252's 0x80..0x9F (0: undefined, becomes U+FFFD). */
static const uint16_t CP1252_HIGH[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Appends Windows-1252 p[0..n) to out as UTF-8. Returns 0, or -1 out of
 * memory. */
static int cp1252_to_utf8(const unsigned char *p, size_t n, vg_buf *out) {
  if (vg_buf_reserve(out, n * 3)) return -1;
  char *o = out->data + out->len;
  for (size_t i = 0; i < n; i++) {
    unsigned c = p[i];
    if (c >= 0x80 && c < 0xA0) c = CP1252_HIGH[c - 0x80] ? CP1252_HIGH[c - 0x80] : 0xFFFD;
    if (c < 0x80) {
      *o++ = (char)c;
    } else if (c < 0x800) {
      *o++ = (char)(0xC0 | c >> 6);
      *o++ = (char)(0x80 | (c & 0x3F));
    } else {
      *o++ = (char)(0xE0 | c >> 12);
      *o++ = (char)(0x80 | (c >> 6 & 0x3F));
      *o++ = (char)(0x80 | (c & 0x3F));
    }
  }
  out->len = (size_t)(o - out->data);
  out->data[out->len] = '\0';
  return 0;
}

/* Appends p[0..n) to out with every byte that starts no valid UTF-8
 * sequence replaced by U+FFFD. Returns 0, or -1 out of memory. */
static int utf8_repair(const unsigned char *p, size_t n, vg_buf *out) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && p[j] < 0x80) j++;
    if (j > i && vg_buf_append(out, p + i, j - i)) return -1;
    if (j >= n) break;
    size_t k = 1; /* the length of the sequence at j, when valid */
    unsigned char c = p[j];
    if (c >= 0xC2 && c <= 0xF4) {
      size_t want = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      if (j + want <= n && vg_text_valid((const char *)p + j, want)) k = want;
    }
    if (k > 1 ? vg_buf_append(out, p + j, k) : vg_buf_append(out, "\xEF\xBF\xBD", 3)) return -1;
    i = j + k;
  }
  return 0;
}

/* The value of attribute `name` in the tag attributes s[0..n) (a <meta
 * tag's inside), copied lower-cased into v (cap bytes). 1 when found. */
static int tag_attr(const char *s, size_t n, const char *name, char *v, size_t cap) {
  size_t i = 0;
  while (i < n) {
    while (i < n && (isspace((unsigned char)s[i]) || s[i] == '/')) i++;
    size_t a = i;
    while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
      i++;
    size_t alen = i - a;
    if (alen == 0) {
      i++;
      continue;
    }
    while (i < n && isspace((unsigned char)s[i])) i++;
    size_t vs = i, vlen = 0;
    if (i < n && s[i] == '=') {
      i++;
      while (i < n && isspace((unsigned char)s[i])) i++;
      if (i < n && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i++];
        vs = i;
        while (i < n && s[i] != q) i++;
        vlen = i - vs;
        if (i < n) i++;
      } else {
        vs = i;
        while (i < n && !isspace((unsigned char)s[i]) && s[i] != '>') i++;
        vlen = i - vs;
      }
    }
    if (alen == strlen(name) && !strncasecmp(s + a, name, alen)) {
      size_t k = vlen < cap - 1 ? vlen : cap - 1;
      for (size_t j = 0; j < k; j++) v[j] = (char)tolower((unsigned char)s[vs + j]);
      v[k] = '\0';
      return 1;
    }
  }
  return 0;
}

/* The charset a page declares in its first PRESCAN bytes (a simplified
 * form of the HTML standard's prescan), into name. 1 when found. */
static int declared(const unsigned char *p, size_t n, char name[64]) {
  const char *s = (const char *)p;
  if (n > PRESCAN) n = PRESCAN;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '<') continue;
    if (n - i >= 4 && !memcmp(s + i, "<!--", 4)) {
      const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
      if (!e) return 0;
      i = (size_t)(e - s) + 2;
      continue;
    }
    const char *gt = memchr(s + i, '>', n - i);
    size_t end = gt ? (size_t)(gt - s) : n;
    if (n - i >= 6 && !strncasecmp(s + i, "<meta", 5) &&
        (isspace((unsigned char)s[i + 5]) || s[i + 5] == '/')) {
      const char *in = s + i + 5;
      size_t len = end - i - 5;
      char v[256];
      if (tag_attr(in, len, "charset", v, sizeof v)) {
        snprintf(name, 64, "%.63s", v);
        return 1;
      }
      if (tag_attr(in, len, "http-equiv", v, sizeof v) && !strcmp(v, "content-type") &&
          tag_attr(in, len, "content", v, sizeof v)) {
        const char *c = strstr(v, "charset");
        if (c) {
          c += 7;
          while (*c == ' ') c++;
          if (*c == '=') {
            c++;
            while (*c == ' ' || *c == '"' || *c == '\'') c++;
            size_t k = strcspn(c, " ;\"'");
            snprintf(name, 64, "%.*s", (int)(k < 63 ? k : 63), c);
            return 1;
          }
        }
      }
    }
    i = end;
  }
  return 0;
}

/* What a declared charset name means. */
static charset classify(const char *name) {
  static const char *const UTF8[] = {"utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le",
                                     "utf-16be", "unicode", NULL};
  static const char *const CP1252[] = {
      "windows-1252", "cp1252",  "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1",
      "latin1",       "latin-1", "l1",       "ascii",      "us-ascii",  "iso-ir-100",
      "cp819",        "ibm819",  "csisolatin1", "ansi_x3.4-1968", "iso_8859-1:1987", NULL};
  for (const char *const *k = UTF8; *k; k++)
    if (!strcmp(name, *k)) return CS_UTF8; /* UTF-16 without a BOM: the standard says UTF-8 */
  for (const char *const *k = CP1252; *k; k++)
    if (!strcmp(name, *k)) return CS_CP1252;
  xmlCharEncodingHandlerPtr h = *name ? xmlFindCharEncodingHandler(name) : NULL;
  if (!h) return CS_NONE; /* unknown: as if none was declared */
  xmlCharEncCloseFunc(h);
  return CS_OTHER;
}

/* ---- the walk ---------------------------------------------------------- */

typedef enum kind {
  K_INLINE, /* a, b, span...: text flows through */
  K_SKIP,   /* left out with what it holds */
  K_BLOCK,  /* a paragraph */
  K_PRE,    /* a paragraph whose white space is kept */
  K_LI,
  K_BR,
  K_HR,
  K_TABLE,
  K_ROW,
  K_CELL,
  K_HEAD,
  K_TITLE,
  K_META
} kind;

typedef struct kind_entry {
  const char *name;
  kind k;
} kind_entry;

static const kind_entry KINDS[] = { /* sorted by name, for bsearch */
    {"address", K_BLOCK},  {"applet", K_SKIP},     {"article", K_BLOCK},  {"aside", K_BLOCK},
    {"audio", K_SKIP},     {"blockquote", K_BLOCK}, {"body", K_BLOCK},    {"br", K_BR},
    {"canvas", K_SKIP},    {"caption", K_ROW},     {"center", K_BLOCK},   {"datalist", K_SKIP},
    {"dd", K_BLOCK},       {"details", K_BLOCK},   {"dialog", K_BLOCK},   {"dir", K_BLOCK},
    {"div", K_BLOCK},      {"dl", K_BLOCK},        {"dt", K_BLOCK},       {"embed", K_SKIP},
    {"fieldset", K_BLOCK}, {"figcaption", K_BLOCK}, {"figure", K_BLOCK},  {"footer", K_BLOCK},
    {"form", K_BLOCK},     {"frameset", K_SKIP},   {"h1", K_BLOCK},       {"h2", K_BLOCK},
    {"h3", K_BLOCK},       {"h4", K_BLOCK},        {"h5", K_BLOCK},       {"h6", K_BLOCK},
    {"head", K_HEAD},      {"header", K_BLOCK},    {"hgroup", K_BLOCK},   {"hr", K_HR},
    {"iframe", K_SKIP},    {"legend", K_BLOCK},    {"li", K_LI},          {"listing", K_PRE},
    {"main", K_BLOCK},     {"map", K_SKIP},        {"math", K_SKIP},      {"menu", K_BLOCK},
    {"meta", K_META},      {"nav", K_BLOCK},       {"noembed", K_SKIP},   {"noframes", K_SKIP},
    {"noscript", K_SKIP},  {"object", K_SKIP},     {"ol", K_BLOCK},       {"p", K_BLOCK},
    {"plaintext", K_PRE},  {"pre", K_PRE},         {"script", K_SKIP},    {"section", K_BLOCK},
    {"select", K_SKIP},    {"style", K_SKIP},      {"summary", K_BLOCK},  {"svg", K_SKIP},
    {"table", K_TABLE},    {"td", K_CELL},         {"template", K_SKIP},  {"textarea", K_SKIP},
    {"th", K_CELL},        {"title", K_TITLE},     {"tr", K_ROW},         {"ul", K_BLOCK},
    {"video", K_SKIP},     {"xmp", K_PRE}};

static int kind_cmp(const void *key, const void *e) {
  return strcmp(key, *(const char *const *)e);
}

static kind kind_of(const xmlNode *n) {
  const void *e = bsearch(n->name, KINDS, sizeof KINDS / sizeof *KINDS, sizeof *KINDS, kind_cmp);
  return e ? ((const kind_entry *)e)->k : K_INLINE;
}

/* 1 when n is hidden: the hidden attribute, or display:none in its style. */
static int hidden(const xmlNode *n) {
  if (!n->properties) return 0;
  if (vg_xml_attr(n, NULL, "hidden")) return 1;
  const char *st = vg_xml_attr(n, NULL, "style");
  if (!st) return 0;
  for (const char *s = st; (s = strcasestr(s, "display")) != NULL; s += 7) {
    const char *v = s + 7;
    while (*v == ' ' || *v == '\t' || *v == '\n') v++;
    if (*v != ':') continue;
    v++;
    while (*v == ' ' || *v == '\t' || *v == '\n') v++;
    if (!strncasecmp(v, "none", 4)) return 1;
  }
  return 0;
}

typedef struct html {
  vg_xt t;
  vg_extracted *x;
  int head;  /* in head: no text */
  int pre;   /* in pre: white space kept */
  int items; /* list items we are in */
  int cells; /* table cells we are in */
  int oom;
} html;

static int html_level(const html *h) { return h->cells || h->items ? 1 : 2; }

/* <meta name=... content=...> into metadata. */
static void meta_tag(html *h, const xmlNode *n) {
  static const char *const KEYS[] = {"author", "description", "date", "keywords", NULL};
  const char *name = vg_xml_attr(n, NULL, "name"), *content = vg_xml_attr(n, NULL, "content");
  if (!name || !content) return;
  for (const char *const *k = KEYS; *k; k++)
    if (!strcasecmp(name, *k) && vg_xml_meta(h->x, *k, NULL, content)) h->oom = 1;
}

static int html_enter(void *ctx, xmlNode *n) {
  html *h = ctx;
  if (h->t.over || h->t.oom || h->oom) return -1;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (!h->head && n->content)
      vg_xt_text(&h->t, (const char *)n->content, strlen((const char *)n->content),
                 h->pre ? VG_XT_PRE : VG_XT_COLLAPSE);
    return 0;
  }
  if (n->type == XML_HTML_DOCUMENT_NODE || n->type == XML_DOCUMENT_NODE) return 1;
  if (n->type != XML_ELEMENT_NODE) return 0; /* comments, processing instructions */
  kind k = kind_of(n);
  if (k == K_TITLE) { /* never shown in the page, wherever it is */
    if (vg_xml_meta(h->x, "title", n, NULL)) h->oom = 1;
    return 0;
  }
  if (k == K_META) {
    meta_tag(h, n);
    return 0;
  }
  if (k == K_SKIP || hidden(n)) return 0;
  if (!strcmp((const char *)n->name, "html")) {
    const char *lang = vg_xml_attr(n, NULL, "lang");
    if (lang && vg_xml_meta(h->x, "lang", NULL, lang)) h->oom = 1;
  }
  switch (k) {
    case K_HEAD: h->head++; break;
    case K_BLOCK: vg_xt_break(&h->t, html_level(h)); break;
    case K_PRE:
      vg_xt_break(&h->t, html_level(h));
      h->pre++;
      break;
    case K_LI:
      h->items++;
      vg_xt_item_begin(&h->t);
      break;
    case K_BR: vg_xt_linebreak(&h->t); return 0;
    case K_HR: vg_xt_break(&h->t, html_level(h)); return 0;
    case K_TABLE: vg_xt_break(&h->t, html_level(h)); break;
    case K_ROW: vg_xt_break(&h->t, 1); break;
    case K_CELL:
      h->cells++;
      vg_xt_break(&h->t, 1);
      break;
    default: break;
  }
  return 1;
}

static void html_leave(void *ctx, xmlNode *n) {
  html *h = ctx;
  if (n->type != XML_ELEMENT_NODE) return;
  kind k = kind_of(n);
  if (k == K_SKIP || k == K_TITLE || k == K_META || k == K_BR || k == K_HR || hidden(n)) return;
  switch (k) {
    case K_HEAD: h->head--; break;
    case K_BLOCK: vg_xt_break(&h->t, html_level(h)); break;
    case K_PRE:
      h->pre--;
      vg_xt_break(&h->t, html_level(h));
      break;
    case K_LI:
      vg_xt_item_end(&h->t);
      h->items--;
      break;
    case K_TABLE: vg_xt_break(&h->t, html_level(h)); break;
    case K_ROW: vg_xt_break(&h->t, 1); break;
    case K_CELL:
      vg_xt_break(&h->t, 1);
      h->cells--;
      break;
    default: break;
  }
}

/* ---- the extractor ------------------------------------------------------- */

/* The page as UTF-8: *u points to p itself or into buf. *other gets the
 * name of a charset libxml2 must decode ("" when the result is UTF-8).
 * Returns 0, or -1 out of memory. */
static int to_utf8(const unsigned char *p, size_t n, vg_buf *buf, const char **u, size_t *un,
                   char other[64]) {
  other[0] = '\0';
  int bom = (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) ||
            (n >= 2 && (!memcmp(p, "\xFF\xFE", 2) || !memcmp(p, "\xFE\xFF", 2)));
  char name[64];
  charset cs = !bom && declared(p, n, name) ? classify(name) : CS_NONE;
  if (cs == CS_OTHER) {
    snprintf(other, 64, "%s", name);
    *u = (const char *)p;
    *un = n;
    return 0;
  }
  if ((cs == CS_UTF8 || cs == CS_NONE) && !bom && vg_text_valid((const char *)p, n)) {
    *u = (const char *)p; /* already what the parser wants */
    *un = n;
    return 0;
  }
  int r;
  if (cs == CS_UTF8) r = utf8_repair(p, n, buf);
  else if (cs == CS_CP1252) r = cp1252_to_utf8(p, n, buf);
  else { /* a BOM (UTF-8, UTF-16), or nothing declared and not UTF-8 */
    vg_encoding enc;
    size_t replaced;
    r = vg_text_decode(p, n, buf, &enc, &replaced);
  }
  *u = buf->data ? buf->data : "";
  *un = buf->len;
  return r;
}

/* Drops the NUL bytes of the UTF-8 u[0..*un) (they mean nothing in a page,
 * and libxml2 would take leading ones for UCS-4), into buf unless u is
 * already there. Returns 0, or -1 out of memory. */
static int drop_nuls(vg_buf *buf, const char **u, size_t *un) {
  if (!memchr(*u, '\0', *un)) return 0;
  if (*u != buf->data) {
    vg_buf_reset(buf);
    if (vg_buf_append(buf, *u, *un)) return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < buf->len; i++)
    if (buf->data[i]) buf->data[k++] = buf->data[i];
  buf->len = k;
  buf->data[k] = '\0';
  *u = buf->data;
  *un = k;
  return 0;
}

int vg_extract_html(const unsigned char *p, size_t n, const vg_extract_limits *l,
                    vg_extracted *x) {
  vg_extracted_reset(x);
  vg_xml_init();
  vg_buf buf = {0};
  const char *u;
  size_t un;
  char other[64];
  xmlDoc *doc = NULL;
  int rc = -1;
  if (l && l->max_bytes && n > l->max_bytes) {
    vg_extracted_fail(x, "too_large", 0, "HTML: over %llu bytes",
                      (unsigned long long)l->max_bytes);
    goto out;
  }
  if (to_utf8(p, n, &buf, &u, &un, other) || (!other[0] && drop_nuls(&buf, &u, &un))) {
    vg_extracted_fail(x, "too_large", 0, "HTML: out of memory");
    goto out;
  }
  vg_xml_error halt;
  doc = vg_xml_parse_html(u, un, other[0] ? other : NULL, l ? l->max_memory : 0, &halt);
  vg_buf_free(&buf);
  if (!doc) {
    if (halt.set)
      vg_extracted_fail(x, "damaged", 1, "damaged HTML: %s (line %d)", halt.msg, halt.line);
    else
      vg_extracted_fail(x, "too_large", 0, "HTML: out of memory");
    goto out;
  }
  if (halt.memory) {
    vg_extracted_fail(x, "too_large", 0, "HTML: %s (line %d)", halt.msg, halt.line);
    goto out;
  }
  html h = {.x = x};
  vg_xt_init(&h.t, &x->text, l ? l->max_bytes : 0);
  vg_xml_walk((xmlNode *)doc, html_enter, html_leave, &h);
  if (vg_xt_finish(&h.t) || h.oom) {
    vg_buf_reset(&x->text);
    if (h.t.over)
      vg_extracted_fail(x, "too_large", 0, "HTML: text over %llu bytes",
                        (unsigned long long)l->max_bytes);
    else
      vg_extracted_fail(x, "too_large", 0, "HTML: out of memory");
    goto out;
  }
  if (halt.set) {
    if (x->text.len == 0) {
      vg_extracted_fail(x, "damaged", 1, "damaged HTML: %s (line %d)", halt.msg, halt.line);
      goto out;
    }
    vg_extracted_warn(x, "HTML: %s (line %d): the text after it is left out", halt.msg,
                      halt.line);
  }
  rc = 0;
out:
  xmlFreeDoc(doc);
  vg_buf_free(&buf);
  return rc;
}
