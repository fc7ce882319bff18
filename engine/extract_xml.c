/*
 * extract_xml.c: see extract_xml.h. libxml2 set up once and kept quiet,
 * parses that refuse what a hostile file could use, the iterative walk,
 * and the text builder shared by the DOCX, ODT and HTML extractors.
 */
#include "extract_xml.h"

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

#include "segment.h"
#include "text.h"

/* ---- libxml2 ------------------------------------------------------------ */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_library(void) { xmlInitParser(); }

/* Errors that reach no parser context (an encoding converter failing)
 * would go to libxml2's generic handler, which prints: it is silenced. */
static void quiet_generic(void *ctx, const char *fmt, ...) {
  (void)ctx;
  (void)fmt;
}

static void quiet_structured(void *ctx, xmlErrorPtr e) {
  (void)ctx;
  (void)e;
}

void vg_xml_init(void) {
  pthread_once(&init_once, init_library);
  /* both are per thread in libxml2 (its globals are thread-local) */
  xmlSetGenericErrorFunc(NULL, quiet_generic);
  xmlSetStructuredErrorFunc(NULL, quiet_structured);
}

/* Copies an error into *err: the message on one line. */
static void set_error(vg_xml_error *err, int fatal, int code, int line, const char *msg) {
  size_t k = 0;
  for (const char *s = msg ? msg : "unknown error"; *s && k + 1 < sizeof err->msg; s++)
    err->msg[k++] = *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s;
  while (k > 0 && err->msg[k - 1] == ' ') k--;
  err->msg[k] = '\0';
  char *huge = strstr(err->msg, " use XML_PARSE_HUGE option"); /* advice for programmers */
  if (huge) *huge = '\0';
  err->set = 1;
  err->fatal = fatal;
  err->code = code;
  err->line = line;
}

/* What a parser context carries in its _private: the error slot, and the
 * memory budget of the tree, spent through wrappers around the SAX2
 * handlers that build it (libxml2 has no per-parse allocation limit). */
typedef struct pstate {
  vg_xml_error *err;
  uint64_t budget; /* bytes the tree may take, about (0: any) */
  uint64_t spent;
  startElementNsSAX2Func start_ns;
  startElementSAXFunc start;
  charactersSAXFunc chars, blanks;
  cdataBlockSAXFunc cdata;
} pstate;

/* The parser context's structured error handler: ctx is the context (its
 * userData). Keeps the first fatal error, else the first error; warnings
 * are ignored. */
static void catch_error(void *ctx, xmlErrorPtr e) {
  xmlParserCtxtPtr c = ctx;
  pstate *s = c ? c->_private : NULL;
  vg_xml_error *err = s ? s->err : NULL;
  if (!err || !e || e->level < XML_ERR_ERROR) return;
  int fatal = e->level == XML_ERR_FATAL;
  if (!err->set || (fatal && !err->fatal)) set_error(err, fatal, e->code, e->line, e->message);
}

/* <!DOCTYPE>: refused before its internal subset (entity declarations)
 * is read. */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *eid,
                           const xmlChar *sid) {
  (void)name;
  (void)eid;
  (void)sid;
  xmlParserCtxtPtr c = ctx;
  pstate *s = c->_private;
  if (!s->err->set || !s->err->fatal)
    set_error(s->err, 1, -1, xmlSAX2GetLineNumber(c),
              "a document type declaration (<!DOCTYPE>), which office documents never carry");
  xmlStopParser(c);
}

/* Spends cost bytes of the budget; over it, stops the parser with the
 * error. Returns 1 when the node must not be built. */
static int spend(xmlParserCtxtPtr c, size_t cost) {
  pstate *s = c->_private;
  if (s->err->memory) return 1;
  s->spent += cost;
  if (!s->budget || s->spent <= s->budget) return 0;
  char msg[128];
  snprintf(msg, sizeof msg, "its tree would take more than %llu MB of memory",
           (unsigned long long)(s->budget >> 20));
  set_error(s->err, 1, -1, xmlSAX2GetLineNumber(c), msg);
  s->err->memory = 1;
  xmlStopParser(c);
  return 1;
}

/* What a node costs, about: libxml2's structures (xmlNode is 120 bytes on
 * 64-bit systems, xmlAttr 96, each with a text child), malloc's share and
 * the parser's own; measured against the peak RSS of pathological pages
 * (100,000s of tiny elements, of entities, of misnested tags). */
#define NODE_COST 240
#define ATTR_COST 360

static void count_start_ns(void *ctx, const xmlChar *local, const xmlChar *prefix,
                           const xmlChar *uri, int nns, const xmlChar **ns, int natt, int ndef,
                           const xmlChar **att) {
  size_t cost = NODE_COST + (size_t)nns * NODE_COST;
  for (int i = 0; i < natt; i++) cost += ATTR_COST + (size_t)(att[i * 5 + 4] - att[i * 5 + 3]);
  if (spend(ctx, cost)) return;
  ((pstate *)((xmlParserCtxtPtr)ctx)->_private)->start_ns(ctx, local, prefix, uri, nns, ns, natt,
                                                           ndef, att);
}

static void count_start(void *ctx, const xmlChar *name, const xmlChar **att) {
  size_t cost = NODE_COST;
  for (size_t i = 0; att && att[i]; i += 2) {
    cost += ATTR_COST;
    if (att[i + 1]) cost += strlen((const char *)att[i + 1]);
    else break;
  }
  if (spend(ctx, cost)) return;
  ((pstate *)((xmlParserCtxtPtr)ctx)->_private)->start(ctx, name, att);
}

/* Text: a new node, unless it is appended to the text node before (whose
 * buffer grows by doubling). */
static size_t text_cost(xmlParserCtxtPtr c, int len) {
  const xmlNode *last = c->node ? c->node->last : NULL;
  return (last && last->type == XML_TEXT_NODE ? 0 : NODE_COST) + 2 * (size_t)len;
}

static void count_chars(void *ctx, const xmlChar *ch, int len) {
  if (spend(ctx, text_cost(ctx, len))) return;
  ((pstate *)((xmlParserCtxtPtr)ctx)->_private)->chars(ctx, ch, len);
}

static void count_blanks(void *ctx, const xmlChar *ch, int len) {
  if (spend(ctx, text_cost(ctx, len))) return;
  ((pstate *)((xmlParserCtxtPtr)ctx)->_private)->blanks(ctx, ch, len);
}

static void count_cdata(void *ctx, const xmlChar *ch, int len) {
  if (spend(ctx, NODE_COST + (size_t)len)) return;
  ((pstate *)((xmlParserCtxtPtr)ctx)->_private)->cdata(ctx, ch, len);
}

/* Puts the budget's wrappers in front of c's tree-building handlers. */
static void budget(xmlParserCtxtPtr c, pstate *s) {
  c->_private = s;
  xmlSAXHandler *h = c->sax;
  s->start_ns = h->startElementNs;
  s->start = h->startElement;
  s->chars = h->characters;
  s->blanks = h->ignorableWhitespace;
  s->cdata = h->cdataBlock;
  if (h->startElementNs) h->startElementNs = count_start_ns;
  if (h->startElement) h->startElement = count_start;
  if (h->characters) h->characters = count_chars;
  if (h->ignorableWhitespace) h->ignorableWhitespace = count_blanks;
  if (h->cdataBlock) h->cdataBlock = count_cdata;
}

xmlDoc *vg_xml_parse(const char *p, size_t n, uint64_t max_memory, vg_xml_error *err) {
  memset(err, 0, sizeof *err);
  vg_xml_init();
  if (n > INT_MAX) {
    set_error(err, 1, -1, 0, "too large for the XML parser");
    err->memory = 1;
    return NULL;
  }
  xmlParserCtxtPtr c = xmlNewParserCtxt();
  if (!c) {
    set_error(err, 1, -1, 0, "out of memory");
    err->memory = 1;
    return NULL;
  }
  pstate s = {.err = err, .budget = max_memory};
  budget(c, &s);
  c->sax->serror = catch_error;
  c->sax->internalSubset = refuse_doctype;
  xmlDoc *doc = xmlCtxtReadMemory(c, p, (int)n, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc && !err->set) {
    xmlErrorPtr e = xmlCtxtGetLastError(c);
    set_error(err, 1, e ? e->code : -1, e ? e->line : 0,
              e && e->message ? e->message : "not well-formed XML");
  }
  xmlFreeParserCtxt(c);
  if (doc && err->fatal) { /* a refused DOCTYPE, the budget, a fatal error recovered from */
    xmlFreeDoc(doc);
    return NULL;
  }
  if (doc) memset(err, 0, sizeof *err); /* errors it recovered from (namespaces) */
  return doc;
}

xmlDoc *vg_xml_parse_html(const char *p, size_t n, const char *encoding, uint64_t max_memory,
                          vg_xml_error *halt) {
  memset(halt, 0, sizeof *halt);
  vg_xml_init();
  if (n > INT_MAX) n = INT_MAX; /* the caller's limits are far below */
  htmlParserCtxtPtr c = htmlNewParserCtxt();
  if (!c) return NULL;
  pstate s = {.err = halt, .budget = max_memory};
  budget(c, &s);
  htmlDocPtr doc = htmlCtxtReadMemory(c, p, (int)n, NULL, encoding ? encoding : "UTF-8",
                                      HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                          HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC);
  xmlErrorPtr e = xmlCtxtGetLastError(c);
  if (!halt->set && e && e->level == XML_ERR_FATAL) set_error(halt, 1, e->code, e->line, e->message);
  xmlFreeParserCtxt(c);
  return doc;
}

/* ---- walking ------------------------------------------------------------- */

static int walkable(const xmlNode *n) {
  return n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE ||
         n->type == XML_HTML_DOCUMENT_NODE || n->type == XML_DOCUMENT_FRAG_NODE;
}

int vg_xml_walk(xmlNode *root, int (*enter)(void *ctx, xmlNode *n),
                void (*leave)(void *ctx, xmlNode *n), void *ctx) {
  xmlNode *n = root;
  while (n) {
    int r = enter(ctx, n);
    if (r < 0) return -1;
    if (r > 0 && walkable(n) && n->children) {
      n = n->children;
      continue;
    }
    for (;;) { /* n is done: leave it, then its parents until one has a next */
      if (leave) leave(ctx, n);
      if (n == root) return 0;
      if (n->next) {
        n = n->next;
        break;
      }
      n = n->parent;
      if (!n) return 0;
    }
  }
  return 0;
}

int vg_xml_is(const xmlNode *n, const char *ns, const char *local) {
  if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, local) != 0) return 0;
  if (!ns) return n->ns == NULL;
  return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

const char *vg_xml_attr(const xmlNode *n, const char *ns, const char *local) {
  if (n->type != XML_ELEMENT_NODE) return NULL;
  for (const xmlAttr *a = n->properties; a; a = a->next) {
    if (strcmp((const char *)a->name, local) != 0) continue;
    if (ns && (!a->ns || !a->ns->href || strcmp((const char *)a->ns->href, ns) != 0)) continue;
    if (a->children && a->children->type == XML_TEXT_NODE && a->children->content)
      return (const char *)a->children->content;
    return "";
  }
  return NULL;
}

int vg_xml_meta(vg_extracted *x, const char *key, xmlNode *n, const char *s) {
  xmlChar *content = n ? xmlNodeGetContent(n) : NULL;
  const char *v = n ? (const char *)content : s;
  if (!v) return 0;
  vg_buf b = {0};
  vg_xt t;
  vg_xt_init(&t, &b, 0);
  vg_xt_text(&t, v, strlen(v), VG_XT_COLLAPSE);
  int r = vg_xt_finish(&t);
  if (content) xmlFree(content);
  if (r == 0 && b.data) {
    for (size_t i = 0; i < b.len; i++)
      if (b.data[i] == '\n') b.data[i] = ' ';
    if (b.len > 4096) { /* cut on a character boundary */
      size_t k = 4096;
      while (k > 0 && ((unsigned char)b.data[k] & 0xC0) == 0x80) k--;
      b.data[k] = '\0';
    }
    r = vg_extracted_meta(x, key, b.data);
  }
  vg_buf_free(&b);
  return r;
}

/* ---- the text builder ----------------------------------------------------- */

/* The code point at s[i] (i < n) and its length; a byte that starts no
 * valid sequence (overlong, surrogate, past U+10FFFF, cut) is U+FFFD of
 * length 1. */
static uint32_t decode(const unsigned char *s, size_t n, size_t i, size_t *len) {
  unsigned char c = s[i];
  *len = 1;
  if (c < 0x80) return c;
  size_t k;
  uint32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07, min = 0x10000;
  else return 0xFFFD;
  if (i + k > n) return 0xFFFD;
  for (size_t j = 1; j < k; j++) {
    if ((s[i + j] & 0xC0) != 0x80) return 0xFFFD;
    cp = cp << 6 | (s[i + j] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  *len = k;
  return cp;
}

static size_t encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) return out[0] = (char)cp, 1;
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | cp >> 12);
    out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | cp >> 18);
  out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
  out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* White space a line may hold and still be blank. */
static int blank_cp(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static int blank(const char *s, size_t n) {
  for (size_t i = 0, k; i < n; i += k)
    if (!blank_cp(decode((const unsigned char *)s, n, i, &k))) return 0;
  return 1;
}

void vg_xt_init(vg_xt *t, vg_buf *out, uint64_t max) {
  memset(t, 0, sizeof *t);
  t->out = out;
  t->max = max;
  vg_buf_reset(out);
}

/* 1 when k more bytes may be written (else t->over or t->oom is set). */
static int room(vg_xt *t, size_t k) {
  if (t->over || t->oom) return 0;
  if (t->max && t->out->len + k > t->max) {
    t->over = 1;
    return 0;
  }
  if (vg_buf_reserve(t->out, k)) {
    t->oom = 1;
    return 0;
  }
  return 1;
}

static void put(vg_xt *t, const char *p, size_t k) {
  if (room(t, k)) vg_buf_append(t->out, p, k);
}

static int at_line_start(const vg_xt *t) { return t->brk || t->out->len == t->line; }

/* Before a visible character: the pending break, the start of a pending
 * item, the pending space. */
static void begin_visible(vg_xt *t) {
  if (t->brk) {
    if (t->out->len) {
      put(t, "\n\n", (size_t)t->brk);
      t->line_brk = t->brk;
    } else {
      t->line_brk = 0;
    }
    t->line = t->out->len;
    t->brk = 0;
  }
  if (t->item == 1) {
    t->item = 2;
    t->item_at = t->out->len;
  }
  if (t->space) {
    t->space = 0;
    put(t, " ", 1);
  }
}

/* Closes the open line: trailing spaces and tabs trimmed; a blank line
 * dropped with the line feeds before it (their break pending again); an
 * item's first line given its "- ". */
static void end_line(vg_xt *t) {
  vg_buf *b = t->out;
  if (!b->data) return;
  size_t e = b->len;
  while (e > t->line && (b->data[e - 1] == ' ' || b->data[e - 1] == '\t')) e--;
  b->len = e;
  b->data[e] = '\0';
  if (blank(b->data + t->line, e - t->line)) {
    size_t start = t->line >= (size_t)t->line_brk ? t->line - (size_t)t->line_brk : 0;
    b->len = start;
    b->data[start] = '\0';
    if (t->item == 2) t->item = 1;
    t->brk = b->len ? t->line_brk : 0;
    t->line = b->len;
    return;
  }
  if (t->item == 2) {
    t->item = 0;
    if (!vg_segment_marker(b->data + t->item_at, e - t->item_at) && room(t, 2)) {
      memmove(b->data + t->item_at + 2, b->data + t->item_at, e - t->item_at + 1);
      memcpy(b->data + t->item_at, "- ", 2);
      b->len += 2;
    }
  }
}

void vg_xt_break(vg_xt *t, int level) {
  t->space = 0;
  if (!t->brk) end_line(t);
  if (level > t->brk) t->brk = level;
}

void vg_xt_linebreak(vg_xt *t) { vg_xt_break(t, t->brk ? 2 : 1); }

void vg_xt_item_begin(vg_xt *t) {
  vg_xt_break(t, 1);
  t->item = 1;
}

void vg_xt_item_end(vg_xt *t) {
  vg_xt_break(t, 1);
  if (t->item == 1) t->item = 0;
}

/* A space or tab that is kept (not collapsed): dropped at a line start. */
static void hard_space(vg_xt *t, const char *c) {
  if (at_line_start(t)) return;
  if (t->space) {
    t->space = 0;
    put(t, " ", 1);
  }
  put(t, c, 1);
}

void vg_xt_text(vg_xt *t, const char *s, size_t n, vg_xt_mode mode) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0, k; i < n && !t->over && !t->oom; i += k) {
    uint32_t cp = decode(u, n, i, &k);
    if (cp == '\n' && mode == VG_XT_PRE) {
      vg_xt_linebreak(t); /* a second line feed in a row: a blank line */
      continue;
    }
    if (cp == '\r' && mode == VG_XT_PRE) continue;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v') {
      if (mode == VG_XT_COLLAPSE) {
        if (!at_line_start(t)) t->space = 1;
      } else {
        hard_space(t, cp == '\t' ? "\t" : " ");
      }
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) continue; /* control characters */
    if (cp == 0x2028 || cp == 0x2029) {
      vg_xt_break(t, cp == 0x2028 ? 1 : 2);
      continue;
    }
    begin_visible(t);
    if (cp == 0xFFFD && k == 1) put(t, "\xEF\xBF\xBD", 3); /* a bad sequence */
    else put(t, s + i, k);
  }
}

void vg_xt_tab(vg_xt *t) { hard_space(t, "\t"); }

void vg_xt_spaces(vg_xt *t, unsigned n) {
  while (n-- > 0 && !t->over && !t->oom) hard_space(t, " ");
}

void vg_xt_char(vg_xt *t, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
  char b[4];
  size_t k = encode(cp, b);
  vg_xt_text(t, b, k, VG_XT_KEEP);
}

int vg_xt_finish(vg_xt *t) {
  if (!t->brk) end_line(t);
  t->brk = 0;
  t->space = 0;
  return t->over || t->oom ? -1 : 0;
}
