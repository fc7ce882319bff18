/*
 * extract_office.c: DOCX and ODT (see extract.h). Both are zips of XML: the
 * zip is read from memory with libarchive, taking only the members the
 * text and metadata are in (DOCX: word/document.xml, word/styles.xml for
 * the list styles, docProps/core.xml and docProps/app.xml; ODT: content.xml
 * and meta.xml), each at most l->max_bytes and at most l->max_ratio times
 * what it took in the zip; embedded objects and nested archives are never
 * opened. Each member is parsed with libxml2 (extract_xml.h: no entity
 * expansion, no DTD, no network, depth limit 256, the tree within
 * l->max_memory) and its tree walked iteratively into text with the layout
 * rules of extract_xml.h:
 *
 *   DOCX  w:p a paragraph, or a list item when it has numbering (w:numPr,
 *         or a paragraph style that has it); w:t text; w:tab "\t"; w:br and
 *         w:cr line breaks; w:tc a table cell; deleted text (w:del,
 *         w:delText, w:moveFrom), field instructions (w:instrText), hidden
 *         runs (w:vanish) and mc:Fallback copies left out;
 *   ODT   text:p and text:h paragraphs, text:list-item list items,
 *         table:table-cell cells, text:s spaces, text:tab, text:line-break;
 *         notes, annotations, tracked deletions, images and objects left
 *         out; white space collapsed as ODF says.
 *
 * Metadata: title, author, subject, description, keywords, lang, created,
 * modified (as written in the file), pages.
 * Failures: "damaged" (not a zip, no main member, XML that does not parse,
 * with libarchive's or libxml2's message), "ratio" (a member expands more
 * than l->max_ratio times, once it gave RATIO_FLOOR bytes: a zip bomb),
 * "too_large" (a member or the text over l->max_bytes, a tree over
 * l->max_memory), "encrypted" (an encrypted member).
 */
#include "extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_xml.h"

#define RATIO_FLOOR (1024 * 1024) /* ... checked once a member gave this much */
#define MAX_SPACES 1024           /* text:s text:c, at most */
#define MAX_STYLES 10000          /* DOCX paragraph styles looked at */

/* ---- reading the zip ------------------------------------------------------ */

typedef struct member {
  const char *name; /* path in the zip */
  int main;         /* the document's text: its absence or damage fails */
  int found;
  vg_buf data;
} member;

enum { RD_OK, RD_ERROR, RD_RATIO, RD_LARGE };

/* Reads the current entry of a into b, at most max bytes and at most
 * ratio times the bytes it takes in the zip (n, the whole zip, when
 * libarchive's count cannot tell). Returns RD_*. */
static int read_member(struct archive *a, vg_buf *b, uint64_t max, double ratio, size_t n) {
  int64_t base = archive_filter_bytes(a, -1);
  vg_buf_reset(b);
  for (;;) {
    const void *blk;
    size_t k;
    la_int64_t off;
    int r = archive_read_data_block(a, &blk, &k, &off);
    if (r == ARCHIVE_EOF) return RD_OK;
    if (r < ARCHIVE_WARN) return RD_ERROR;
    if (off < 0 || (uint64_t)off != b->len) {
      archive_set_error(a, -1, "data blocks out of order");
      return RD_ERROR;
    }
    if (k > max - b->len) return RD_LARGE;
    if (vg_buf_append(b, blk, k)) {
      archive_set_error(a, -1, "out of memory");
      return RD_ERROR;
    }
    if (b->len > RATIO_FLOOR) {
      int64_t used = archive_filter_bytes(a, -1) - base;
      if (used <= 0) used = (int64_t)n;
      if (ratio > 0 && (double)b->len / (double)used > ratio) return RD_RATIO;
    }
  }
}

/* libarchive's message about a, never NULL. */
static const char *aerr(struct archive *a) {
  const char *s = archive_error_string(a);
  return s && *s ? s : "unknown error";
}

/* Reads the members m[0..nm) out of the zip p[0..n): each found is read
 * whole (the first of a name wins); the others are skipped. Returns 0 with
 * the main member read (damage after it is ignored; a damaged other member
 * is left out with a warning), or -1 with the failure in x. */
static int read_zip(const char *fmt, const unsigned char *p, size_t n,
                    const vg_extract_limits *l, member *m, size_t nm, vg_extracted *x) {
  uint64_t max = l && l->max_bytes ? l->max_bytes : INT_MAX;
  if (max > INT_MAX) max = INT_MAX; /* what libxml2 takes */
  struct archive *a = archive_read_new();
  if (!a) return vg_extracted_fail(x, "too_large", 0, "%s: out of memory", fmt);
  archive_read_support_format_zip(a);
  int rc = -1, r;
  if (archive_read_open_memory(a, p, n) != ARCHIVE_OK) {
    vg_extracted_fail(x, "damaged", 1, "damaged %s: not a zip archive (%s)", fmt, aerr(a));
    goto out;
  }
  size_t left = nm;
  struct archive_entry *e;
  const char *header_error = NULL;
  while (left > 0 && (r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
    if (r < ARCHIVE_WARN) { /* the rest of the zip cannot be read */
      header_error = aerr(a);
      break;
    }
    const char *name = archive_entry_pathname(e);
    member *mm = NULL;
    for (size_t i = 0; name && i < nm && !mm; i++)
      if (!m[i].found && !strcmp(name, m[i].name)) mm = &m[i];
    if (!mm) continue;
    mm->found = 1;
    left--;
    if (archive_entry_is_encrypted(e)) {
      mm->found = 0;
      if (mm->main) {
        vg_extracted_fail(x, "encrypted", 0, "%s: %s is encrypted", fmt, mm->name);
        goto out;
      }
      continue;
    }
    int rd = read_member(a, &mm->data, max, l->max_ratio, n);
    if (rd == RD_OK) continue;
    mm->found = 0;
    if (rd == RD_RATIO) {
      vg_extracted_fail(x, "ratio", 0, "%s: %s expands more than %g times its compressed size "
                        "(--max-ratio; a zip bomb?)", fmt, mm->name, l->max_ratio);
      goto out;
    }
    if (rd == RD_LARGE) {
      if (!mm->main) {
        vg_extracted_warn(x, "%s over %llu bytes: left out", mm->name, (unsigned long long)max);
        continue;
      }
      vg_extracted_fail(x, "too_large", 0, "%s: %s is over %llu bytes", fmt, mm->name,
                        (unsigned long long)max);
      goto out;
    }
    if (mm->main) {
      vg_extracted_fail(x, "damaged", 1, "damaged %s: %s: %s", fmt, mm->name, aerr(a));
      goto out;
    }
    vg_extracted_warn(x, "%s: %s: left out", mm->name, aerr(a));
  }
  for (size_t i = 0; i < nm; i++) {
    if (!m[i].main || m[i].found) continue;
    if (header_error)
      vg_extracted_fail(x, "damaged", 1, "damaged %s: %s (before %s was found)", fmt,
                        header_error, m[i].name);
    else
      vg_extracted_fail(x, "damaged", 1, "damaged %s: no %s in the zip", fmt, m[i].name);
    goto out;
  }
  rc = 0;
out:
  archive_read_free(a);
  return rc;
}

static void free_members(member *m, size_t nm) {
  for (size_t i = 0; i < nm; i++) vg_buf_free(&m[i].data);
}

/* Parses member mm; NULL when it is missing or does not parse (then, for
 * the main member, x has the failure; for another, a warning). */
static xmlDoc *parse_member(const char *fmt, const member *mm, const vg_extract_limits *l,
                            vg_extracted *x) {
  if (!mm->found) return NULL;
  vg_xml_error err;
  xmlDoc *doc = vg_xml_parse(mm->data.data ? mm->data.data : "", mm->data.len,
                             l ? l->max_memory : 0, &err);
  if (doc) return doc;
  if (mm->main && err.memory)
    vg_extracted_fail(x, "too_large", 0, "%s: %s: %s (line %d)", fmt, mm->name, err.msg,
                      err.line);
  else if (mm->main)
    vg_extracted_fail(x, "damaged", 1, "damaged %s: %s: %s (line %d)", fmt, mm->name, err.msg,
                      err.line);
  else
    vg_extracted_warn(x, "%s: %s (line %d): left out", mm->name, err.msg, err.line);
  return NULL;
}

/* The first element child of n named local in namespace ns, or NULL. */
static xmlNode *child(const xmlNode *n, const char *ns, const char *local) {
  for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
    if (vg_xml_is(c, ns, local)) return c;
  return NULL;
}

/* Ends the text: 0, or -1 with the failure (too large, out of memory). */
static int finish_text(const char *fmt, vg_xt *t, const vg_extract_limits *l, vg_extracted *x) {
  if (vg_xt_finish(t) == 0) return 0;
  vg_buf_reset(&x->text);
  if (t->oom) return vg_extracted_fail(x, "too_large", 0, "%s: out of memory", fmt);
  return vg_extracted_fail(x, "too_large", 0, "%s: text over %llu bytes", fmt,
                           (unsigned long long)(l ? l->max_bytes : 0));
}

/* ---- DOCX ----------------------------------------------------------------- */

static const char W_NS[] = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
static const char W_STRICT_NS[] = "http://purl.oclc.org/ooxml/wordprocessingml/main";
static const char M_NS[] = "http://schemas.openxmlformats.org/officeDocument/2006/math";
static const char MC_NS[] = "http://schemas.openxmlformats.org/markup-compatibility/2006";
static const char DC_NS[] = "http://purl.org/dc/elements/1.1/";
static const char DCTERMS_NS[] = "http://purl.org/dc/terms/";
static const char CP_NS[] =
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
static const char EP_NS[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties";
static const char EP_STRICT_NS[] = "http://purl.oclc.org/ooxml/officeDocument/extendedProperties";

/* 1 when n is in WordprocessingML's namespace (transitional or strict). */
static int is_w(const xmlNode *n) {
  if (n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href) return 0;
  const char *h = (const char *)n->ns->href;
  return !strcmp(h, W_NS) || !strcmp(h, W_STRICT_NS);
}

/* The first w: element child of n named local, or NULL. */
static xmlNode *wchild(const xmlNode *n, const char *local) {
  for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
    if (is_w(c) && !strcmp((const char *)c->name, local)) return c;
  return NULL;
}

/* w:val of n ("" when absent). */
static const char *wval(const xmlNode *n) {
  const char *v = n ? vg_xml_attr(n, NULL, "val") : NULL;
  return v ? v : "";
}

/* 1 when an on/off property element (w:vanish...) is on. */
static int on(const xmlNode *n) {
  if (!n) return 0;
  const char *v = vg_xml_attr(n, NULL, "val");
  return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

/* A pPr's numbering: its w:numId ("0": numbering removed), or NULL when
 * it says none. */
static const char *numbering(const xmlNode *ppr) {
  xmlNode *num = wchild(wchild(ppr, "numPr"), "numId");
  return num ? wval(num) : NULL;
}

typedef struct wstyle {
  const char *id, *based;
  const char *num; /* numbering() of its pPr */
  int outline;     /* its pPr has an outline level: a heading */
} wstyle;

static int style_cmp(const void *a, const void *b) {
  return strcmp(((const wstyle *)a)->id, ((const wstyle *)b)->id);
}

/* The paragraph styles of styles.xml that give numbering (directly or
 * through w:basedOn), headings left out (numbered headings are no list):
 * *out (owned, sorted by id; ids and numIds borrowed from doc) gets *nout
 * styles, each with the w:numId it gives in num. Returns 0, or -1 out of
 * memory. */
static int list_styles(xmlDoc *doc, wstyle **out, size_t *nout) {
  xmlNode *root = xmlDocGetRootElement(doc);
  wstyle *s = NULL;
  size_t ns = 0, cap = 0;
  *out = NULL;
  *nout = 0;
  for (xmlNode *c = root ? root->children : NULL; c && ns < MAX_STYLES; c = c->next) {
    if (!is_w(c) || strcmp((const char *)c->name, "style") != 0) continue;
    const char *type = vg_xml_attr(c, NULL, "type"), *id = vg_xml_attr(c, NULL, "styleId");
    if (!id || (type && strcmp(type, "paragraph") != 0)) continue;
    if (ns == cap) {
      size_t nc = cap ? cap * 2 : 64;
      wstyle *q = realloc(s, nc * sizeof *q);
      if (!q) {
        free(s);
        return -1;
      }
      s = q;
      cap = nc;
    }
    xmlNode *based = wchild(c, "basedOn");
    s[ns].id = id;
    s[ns].based = based ? wval(based) : NULL;
    s[ns].num = numbering(wchild(c, "pPr"));
    xmlNode *lvl = wchild(wchild(c, "pPr"), "outlineLvl");
    s[ns].outline = lvl && strcmp(wval(lvl), "9") != 0; /* 9: body text */
    ns++;
  }
  if (!ns) return 0;
  qsort(s, ns, sizeof *s, style_cmp); /* by id, for bsearch */
  wstyle *lists = malloc(ns * sizeof *lists);
  if (!lists) {
    free(s);
    return -1;
  }
  size_t nl = 0;
  for (size_t i = 0; i < ns; i++) {
    const wstyle *w = &s[i];
    int heading = w->outline;
    for (int hops = 0; w && !w->num && w->based && hops < 16; hops++) {
      wstyle key = {.id = w->based};
      w = bsearch(&key, s, ns, sizeof *s, style_cmp);
      if (w && w->outline) heading = 1;
    }
    if (w && w->num && !heading && strcmp(w->num, "0") != 0) {
      lists[nl] = s[i];
      lists[nl++].num = w->num;
    }
  }
  free(s);
  *out = lists; /* still sorted */
  *nout = nl;
  return 0;
}

typedef struct docx {
  vg_xt t;
  const wstyle *lists; /* list styles, sorted by id */
  size_t nlists;
  int cells;     /* table cells we are in */
  int in_t;      /* w:t (or m:t) elements we are in */
  char prev[32]; /* the numId of the paragraph before when it was an item, else "" */
} docx;

/* The w:numId of w:p p when it is a list item (numbered, or of a style
 * that is), else NULL. */
static const char *docx_item(const docx *d, const xmlNode *p) {
  xmlNode *ppr = wchild(p, "pPr");
  const char *num = numbering(ppr);
  if (num) return strcmp(num, "0") != 0 ? num : NULL;
  wstyle key = {.id = wval(wchild(ppr, "pStyle"))};
  if (!*key.id || !d->nlists) return NULL;
  const wstyle *w = bsearch(&key, d->lists, d->nlists, sizeof key, style_cmp);
  return w ? w->num : NULL;
}

/* The break that ends a paragraph or table here: a line feed in a cell. */
static int docx_level(const docx *d) { return d->cells ? 1 : 2; }

static int docx_enter(void *ctx, xmlNode *n) {
  docx *d = ctx;
  if (d->t.over || d->t.oom) return -1;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (d->in_t && n->content)
      vg_xt_text(&d->t, (const char *)n->content, strlen((const char *)n->content), VG_XT_KEEP);
    return 0;
  }
  if (n->type != XML_ELEMENT_NODE) return 0;
  if (!is_w(n)) {
    if (vg_xml_is(n, MC_NS, "Fallback")) return 0; /* a copy of mc:Choice for old readers */
    if (vg_xml_is(n, M_NS, "t")) d->in_t++;
    return 1;
  }
  const char *name = (const char *)n->name;
  if (!strcmp(name, "t")) {
    d->in_t++;
  } else if (!strcmp(name, "p")) {
    const char *num = docx_item(d, n);
    if (num && d->prev[0] && strcmp(num, d->prev) != 0)
      vg_xt_break(&d->t, docx_level(d)); /* another list right after one */
    if (num) vg_xt_item_begin(&d->t);
    else vg_xt_break(&d->t, docx_level(d));
  } else if (!strcmp(name, "r")) {
    return !on(wchild(wchild(n, "rPr"), "vanish")); /* hidden text */
  } else if (!strcmp(name, "tab") || !strcmp(name, "ptab")) {
    vg_xt_tab(&d->t);
    return 0;
  } else if (!strcmp(name, "br") || !strcmp(name, "cr")) {
    vg_xt_linebreak(&d->t);
    return 0;
  } else if (!strcmp(name, "noBreakHyphen")) {
    vg_xt_text(&d->t, "-", 1, VG_XT_KEEP);
    return 0;
  } else if (!strcmp(name, "sym")) {
    const char *c = vg_xml_attr(n, NULL, "char");
    if (c) vg_xt_char(&d->t, (uint32_t)strtoul(c, NULL, 16));
    return 0;
  } else if (!strcmp(name, "tbl")) {
    vg_xt_break(&d->t, docx_level(d));
  } else if (!strcmp(name, "tr")) {
    vg_xt_break(&d->t, 1);
  } else if (!strcmp(name, "tc")) {
    d->cells++;
    vg_xt_break(&d->t, 1);
  } else {
    /* properties (w:pPr holds tab stops), deleted and moved-away text,
     * field instructions, embedded objects: left out */
    static const char *const SKIP[] = {
        "pPr", "rPr", "sectPr", "tblPr", "tblPrEx", "tblGrid", "trPr", "tcPr", "sdtPr",
        "sdtEndPr", "del", "delText", "delInstrText", "instrText", "moveFrom", "fldChar",
        "fldData", "object", "background", "customXmlPr", "smartTagPr", NULL};
    for (const char *const *k = SKIP; *k; k++)
      if (!strcmp(name, *k)) return 0;
  }
  return 1;
}

static void docx_leave(void *ctx, xmlNode *n) {
  docx *d = ctx;
  if (n->type != XML_ELEMENT_NODE) return;
  if (!is_w(n)) {
    if (vg_xml_is(n, M_NS, "t")) d->in_t--;
    return;
  }
  const char *name = (const char *)n->name;
  if (!strcmp(name, "t")) {
    d->in_t--;
  } else if (!strcmp(name, "p")) {
    const char *num = docx_item(d, n);
    snprintf(d->prev, sizeof d->prev, "%s", num ? num : "");
    if (num) vg_xt_item_end(&d->t);
    else vg_xt_break(&d->t, docx_level(d));
  } else if (!strcmp(name, "tc")) {
    vg_xt_break(&d->t, 1);
    d->cells--;
  } else if (!strcmp(name, "tr")) {
    vg_xt_break(&d->t, 1);
  } else if (!strcmp(name, "tbl")) {
    vg_xt_break(&d->t, docx_level(d));
  }
}

/* docProps/core.xml and docProps/app.xml into metadata. */
static int docx_meta(xmlDoc *core, xmlDoc *app, vg_extracted *x) {
  static const struct {
    const char *ns, *local, *key;
  } CORE[] = {{DC_NS, "title", "title"},          {DC_NS, "creator", "author"},
              {DC_NS, "subject", "subject"},      {DC_NS, "description", "description"},
              {CP_NS, "keywords", "keywords"},    {DC_NS, "language", "lang"},
              {DCTERMS_NS, "created", "created"}, {DCTERMS_NS, "modified", "modified"}};
  xmlNode *root = core ? xmlDocGetRootElement(core) : NULL;
  for (xmlNode *c = root ? root->children : NULL; c; c = c->next)
    for (size_t i = 0; i < sizeof CORE / sizeof *CORE; i++)
      if (vg_xml_is(c, CORE[i].ns, CORE[i].local) && vg_xml_meta(x, CORE[i].key, c, NULL))
        return -1;
  root = app ? xmlDocGetRootElement(app) : NULL;
  xmlNode *pages = child(root, EP_NS, "Pages");
  if (!pages) pages = child(root, EP_STRICT_NS, "Pages");
  if (pages) {
    xmlChar *v = xmlNodeGetContent(pages);
    const char *s = v ? (const char *)v : "";
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') s++;
    size_t k = strspn(s, "0123456789");
    int r = 0;
    if (k > 0 && k < 12) {
      char num[12];
      memcpy(num, s, k);
      num[k] = '\0';
      r = vg_extracted_meta(x, "pages", num);
    }
    xmlFree(v);
    if (r) return -1;
  }
  return 0;
}

int vg_extract_docx(const unsigned char *p, size_t n, const vg_extract_limits *l,
                    vg_extracted *x) {
  vg_extracted_reset(x);
  vg_xml_init();
  member m[] = {{"word/document.xml", 1, 0, {0}},
                {"word/styles.xml", 0, 0, {0}},
                {"docProps/core.xml", 0, 0, {0}},
                {"docProps/app.xml", 0, 0, {0}}};
  size_t nm = sizeof m / sizeof *m;
  xmlDoc *doc = NULL, *styles = NULL, *core = NULL, *app = NULL;
  wstyle *lists = NULL;
  size_t nlists = 0;
  int rc = -1;
  if (read_zip("DOCX", p, n, l, m, nm, x)) goto out;
  if (!(doc = parse_member("DOCX", &m[0], l, x))) goto out;
  vg_buf_free(&m[0].data); /* the tree has it all */
  xmlNode *root = xmlDocGetRootElement(doc);
  if (!root || !is_w(root) || strcmp((const char *)root->name, "document") != 0) {
    vg_extracted_fail(x, "damaged", 1,
                      "damaged DOCX: word/document.xml is not a WordprocessingML document "
                      "(root element <%.64s>)", root ? (const char *)root->name : "");
    goto out;
  }
  styles = parse_member("DOCX", &m[1], l, x);
  if (styles && list_styles(styles, &lists, &nlists)) {
    vg_extracted_fail(x, "too_large", 0, "DOCX: out of memory");
    goto out;
  }
  docx d = {.lists = lists, .nlists = nlists};
  vg_xt_init(&d.t, &x->text, l ? l->max_bytes : 0);
  xmlNode *body = wchild(root, "body");
  if (body) vg_xml_walk(body, docx_enter, docx_leave, &d);
  if (finish_text("DOCX", &d.t, l, x)) goto out;
  core = parse_member("DOCX", &m[2], l, x);
  app = parse_member("DOCX", &m[3], l, x);
  if (docx_meta(core, app, x)) {
    vg_extracted_fail(x, "too_large", 0, "DOCX: out of memory");
    goto out;
  }
  rc = 0;
out:
  if (rc) vg_buf_reset(&x->text);
  xmlFreeDoc(doc);
  xmlFreeDoc(styles);
  xmlFreeDoc(core);
  xmlFreeDoc(app);
  free(lists);
  free_members(m, nm);
  return rc;
}

/* ---- ODT ------------------------------------------------------------------ */

static const char TEXT_NS[] = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
static const char TABLE_NS[] = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
static const char OFFICE_NS[] = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
static const char DRAW_NS[] = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0";
static const char SVG_NS[] = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0";
static const char META_NS[] = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0";

typedef struct odt {
  vg_xt t;
  int paras; /* text:p / text:h we are in: their text counts */
  int items; /* list items we are in */
  int cells; /* table cells we are in */
} odt;

static int odt_level(const odt *d) { return d->cells || d->items ? 1 : 2; }

/* 1 when n is in namespace ns (its local name is then checked). */
static int in_ns(const xmlNode *n, const char *ns) {
  return n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns);
}

static int odt_enter(void *ctx, xmlNode *n) {
  odt *d = ctx;
  if (d->t.over || d->t.oom) return -1;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (d->paras && n->content)
      vg_xt_text(&d->t, (const char *)n->content, strlen((const char *)n->content),
                 VG_XT_COLLAPSE);
    return 0;
  }
  if (n->type != XML_ELEMENT_NODE) return 0;
  const char *name = (const char *)n->name;
  if (in_ns(n, TEXT_NS)) {
    if (!strcmp(name, "p") || !strcmp(name, "h")) {
      d->paras++;
      vg_xt_break(&d->t, odt_level(d));
    } else if (!strcmp(name, "list")) {
      vg_xt_break(&d->t, odt_level(d));
    } else if (!strcmp(name, "list-item")) {
      d->items++;
      vg_xt_item_begin(&d->t);
    } else if (!strcmp(name, "list-header")) {
      d->items++;
      vg_xt_break(&d->t, 1);
    } else if (!strcmp(name, "s")) {
      const char *c = vg_xml_attr(n, TEXT_NS, "c");
      unsigned long k = c ? strtoul(c, NULL, 10) : 1;
      vg_xt_spaces(&d->t, (unsigned)(k > MAX_SPACES ? MAX_SPACES : k));
      return 0;
    } else if (!strcmp(name, "tab")) {
      vg_xt_tab(&d->t);
      return 0;
    } else if (!strcmp(name, "line-break")) {
      vg_xt_linebreak(&d->t);
      return 0;
    } else if (!strcmp(name, "note") || !strcmp(name, "tracked-changes") ||
               strstr(name, "-decls") || strstr(name, "-source")) {
      return 0; /* footnotes, deleted text, declarations, index templates */
    }
    return 1;
  }
  if (in_ns(n, TABLE_NS)) {
    if (!strcmp(name, "table")) {
      vg_xt_break(&d->t, odt_level(d));
    } else if (!strcmp(name, "table-row")) {
      vg_xt_break(&d->t, 1);
    } else if (!strcmp(name, "table-cell")) {
      d->cells++;
      vg_xt_break(&d->t, 1);
    } else if (!strcmp(name, "covered-table-cell")) {
      return 0;
    }
    return 1;
  }
  if (in_ns(n, OFFICE_NS))
    return !(!strcmp(name, "annotation") || !strcmp(name, "annotation-end") ||
             !strcmp(name, "binary-data") || !strcmp(name, "forms") ||
             !strcmp(name, "event-listeners") || !strcmp(name, "scripts"));
  if (in_ns(n, DRAW_NS))
    return !(!strcmp(name, "image") || !strcmp(name, "object") || !strcmp(name, "object-ole") ||
             !strcmp(name, "plugin") || !strcmp(name, "applet"));
  if (in_ns(n, SVG_NS)) return 0; /* svg:title, svg:desc: descriptions of images */
  return 1;
}

static void odt_leave(void *ctx, xmlNode *n) {
  odt *d = ctx;
  if (n->type != XML_ELEMENT_NODE) return;
  const char *name = (const char *)n->name;
  if (in_ns(n, TEXT_NS)) {
    if (!strcmp(name, "p") || !strcmp(name, "h")) {
      vg_xt_break(&d->t, odt_level(d));
      d->paras--;
    } else if (!strcmp(name, "list")) {
      vg_xt_break(&d->t, odt_level(d));
    } else if (!strcmp(name, "list-item")) {
      vg_xt_item_end(&d->t);
      d->items--;
    } else if (!strcmp(name, "list-header")) {
      vg_xt_break(&d->t, 1);
      d->items--;
    } else if (!strcmp(name, "number")) {
      vg_xt_spaces(&d->t, 1); /* "1." before a heading's or an item's text */
    }
  } else if (in_ns(n, TABLE_NS)) {
    if (!strcmp(name, "table")) {
      vg_xt_break(&d->t, odt_level(d));
    } else if (!strcmp(name, "table-row")) {
      vg_xt_break(&d->t, 1);
    } else if (!strcmp(name, "table-cell")) {
      vg_xt_break(&d->t, 1);
      d->cells--;
    }
  }
}

/* meta.xml into metadata. */
static int odt_meta(xmlDoc *meta, vg_extracted *x) {
  static const struct {
    const char *ns, *local, *key;
  } META[] = {{DC_NS, "title", "title"},
              {META_NS, "initial-creator", "author"},
              {DC_NS, "creator", "author"}, /* the last one to save it: when no initial one */
              {DC_NS, "subject", "subject"},
              {DC_NS, "description", "description"},
              {META_NS, "keyword", "keywords"},
              {DC_NS, "language", "lang"},
              {META_NS, "creation-date", "created"},
              {DC_NS, "date", "modified"}};
  xmlNode *m = child(xmlDocGetRootElement(meta), OFFICE_NS, "meta");
  if (!m) return 0;
  for (size_t i = 0; i < sizeof META / sizeof *META; i++) {
    xmlNode *c = child(m, META[i].ns, META[i].local);
    if (c && vg_xml_meta(x, META[i].key, c, NULL)) return -1;
  }
  xmlNode *st = child(m, META_NS, "document-statistic");
  const char *pages = st ? vg_xml_attr(st, META_NS, "page-count") : NULL;
  if (pages && *pages && strspn(pages, "0123456789") == strlen(pages) && strlen(pages) < 12 &&
      vg_extracted_meta(x, "pages", pages))
    return -1;
  return 0;
}

int vg_extract_odt(const unsigned char *p, size_t n, const vg_extract_limits *l,
                   vg_extracted *x) {
  vg_extracted_reset(x);
  vg_xml_init();
  member m[] = {{"content.xml", 1, 0, {0}}, {"meta.xml", 0, 0, {0}}};
  size_t nm = sizeof m / sizeof *m;
  xmlDoc *doc = NULL, *meta = NULL;
  int rc = -1;
  if (read_zip("ODT", p, n, l, m, nm, x)) goto out;
  if (!(doc = parse_member("ODT", &m[0], l, x))) goto out;
  vg_buf_free(&m[0].data);
  xmlNode *root = xmlDocGetRootElement(doc);
  if (!root || !vg_xml_is(root, OFFICE_NS, "document-content")) {
    vg_extracted_fail(x, "damaged", 1,
                      "damaged ODT: content.xml is not an OpenDocument document "
                      "(root element <%.64s>)", root ? (const char *)root->name : "");
    goto out;
  }
  odt d = {0};
  vg_xt_init(&d.t, &x->text, l ? l->max_bytes : 0);
  xmlNode *body = child(root, OFFICE_NS, "body");
  if (body) vg_xml_walk(body, odt_enter, odt_leave, &d);
  if (finish_text("ODT", &d.t, l, x)) goto out;
  meta = parse_member("ODT", &m[1], l, x);
  if (meta && odt_meta(meta, x)) {
    vg_extracted_fail(x, "too_large", 0, "ODT: out of memory");
    goto out;
  }
  rc = 0;
out:
  if (rc) vg_buf_reset(&x->text);
  xmlFreeDoc(doc);
  xmlFreeDoc(meta);
  free_members(m, nm);
  return rc;
}
