/*
 * write_html.c: the report, one self-contained HTML file (no network, no
 * file beside it: inline CSS, JS and SVG, and a Content-Security-Policy
 * that forbids loading anything).
 *
 * It is written as the documents come, so that memory does not grow with
 * the corpus: first the page and its empty list, then each flagged
 * document as one JSON object of a JSON array inside
 * <script type="application/json" id="vg-data"> (every "<" written \u003c,
 * so no text can close the script element), and at the end (commit, or
 * abort for a partial report) the rules, the run's summary, the bar chart
 * of flags per rule as inline SVG, and the script that renders the list:
 * 50 documents a page, each flag highlighted as <mark data-rule=RULE
 * title=LABEL> in the window of its sentence, with filters by rule, tag and
 * id. Document text only ever reaches the page as DOM text nodes
 * (textContent), never as markup. Offsets in the JSON are in UTF-16 code
 * units, as JavaScript strings count them. Only documents with flags are
 * written; the writer keeps the rules seen (a count and a label each).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "summary.h"
#include "vigie.h"
#include "writer_internal.h"

/* The page's style sheet. */
static const char *const REPORT_CSS[] = {
    ":root{--fg:#1d2327;--muted:#5f6b73;--line:#dde3e8;--bg:#f6f8fa;--card:#fff;--accent:#2f5d8a}\n",
    "*{box-sizing:border-box}\n",
    "body{margin:0;font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif;color:var(--fg);background:var(--bg);display:flex;flex-direction:column;min-height:100vh}\n",
    ".top{order:0;padding:18px 28px 6px}\n",
    ".top h1{margin:0;font-size:22px;letter-spacing:.2px}\n",
    ".top .sub{margin:2px 0 0;color:var(--muted)}\n",
    ".summary{order:1;padding:6px 28px 0}\n",
    ".chart{order:2;padding:0 28px}\n",
    ".app{order:3;padding:0 28px 40px}\n",
    "h2{font-size:15px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);margin:18px 0 8px}\n",
    ".warn{background:#fff3cd;border:1px solid #e8c96a;padding:8px 12px;border-radius:6px}\n",
    ".counts{display:flex;flex-wrap:wrap;gap:10px;margin:0;padding:0}\n",
    ".counts div{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:110px}\n",
    ".counts dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.5px}\n",
    ".counts dd{margin:0;font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}\n",
    ".run{color:var(--muted);margin:8px 0 0}\n",
    ".chart svg{display:block;max-width:860px;background:var(--card);border:1px solid var(--line);border-radius:8px}\n",
    ".chart .bar{cursor:pointer}\n",
    ".chart .bar:hover rect{opacity:.8}\n",
    ".chart text{font-size:13px;fill:var(--fg)}\n",
    ".controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;position:sticky;top:0;z-index:2}\n",
    ".controls label{font-size:13px;color:var(--muted)}\n",
    ".controls select,.controls input{font:inherit;margin-left:6px;padding:3px 6px;border:1px solid #b9c3cb;border-radius:5px;background:#fff;max-width:320px}\n",
    "#vg-count{margin-left:auto;color:var(--muted);font-size:13px}\n",
    ".pager{display:flex;gap:8px;align-items:center;margin:12px 0}\n",
    ".pager button,.doc button{font:inherit;font-size:13px;padding:3px 10px;border:1px solid #b9c3cb;border-radius:5px;background:#fff;cursor:pointer}\n",
    ".pager button:disabled{opacity:.4;cursor:default}\n",
    ".pager span{color:var(--muted);font-size:13px}\n",
    ".doc{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:10px 0}\n",
    ".doc header{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}\n",
    ".doc h3{margin:0;font-size:15px;font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;word-break:break-all}\n",
    ".doc .n{color:var(--muted);font-size:13px}\n",
    ".doc header button{margin-left:auto}\n",
    ".tag{font-size:12px;background:#eef2f5;border:1px solid var(--line);border-radius:10px;padding:0 8px;cursor:pointer}\n",
    ".tag:hover{border-color:var(--accent)}\n",
    ".win{margin:8px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}\n",
    ".win .cut{color:var(--muted)}\n",
    ".full{white-space:pre-wrap;overflow-wrap:anywhere;margin:8px 0 0;max-height:480px;overflow:auto;border-top:1px solid var(--line);padding-top:8px}\n",
    "mark.flag{color:inherit;border-radius:3px;padding:0 1px;border-bottom:2px solid}\n",
    "mark.flag.empty::after{content:\"\\25AE\"}\n",
    ".empty-list{color:var(--muted);padding:16px 0}\n",
    ".legend{display:flex;flex-wrap:wrap;gap:6px 14px;margin:6px 0 0;font-size:13px;color:var(--muted)}\n",
    ".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}\n",
    NULL};

/* The script that renders the list (plain JS, no library). */
static const char *const REPORT_JS[] = {
    "(function () {\n",
    "  'use strict';\n",
    "  var docs = JSON.parse(document.getElementById('vg-data').textContent);\n",
    "  var meta = JSON.parse(document.getElementById('vg-meta').textContent);\n",
    "  var rules = {};\n",
    "  meta.rules.forEach(function (r) { rules[r.rule] = r; });  /* rule, label, first, count, color */\n",
    "  var DEFAULTS = { rule: '', tag: '', q: '', sort: '', page: 1, per: 50 };\n",
    "  var state = Object.assign({}, DEFAULTS);\n",
    "  var $ = function (id) { return document.getElementById(id); };\n",
    "\n",
    "  function el(tag, cls, text) {\n",
    "    var e = document.createElement(tag);\n",
    "    if (cls) e.className = cls;\n",
    "    if (text !== undefined) e.textContent = text;\n",
    "    return e;\n",
    "  }\n",
    "  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }\n",
    "  function color(rule) { return rules[rule] ? rules[rule].color : '#888888'; }\n",
    "  function label(f) { return f.t || (rules[f.r] ? rules[f.r].first : f.r); }\n",
    "\n",
    "  function readHash() {\n",
    "    var h = location.hash.replace(/^#/, '');\n",
    "    h.split('&').forEach(function (kv) {\n",
    "      var i = kv.indexOf('='), k = i < 0 ? kv : kv.slice(0, i);\n",
    "      var v = i < 0 ? '' : decodeURIComponent(kv.slice(i + 1));\n",
    "      if (k === 'rule' || k === 'tag' || k === 'q' || k === 'sort') state[k] = v;\n",
    "      if (k === 'page' || k === 'per') { var n = parseInt(v, 10); if (n > 0) state[k] = n; }\n",
    "    });\n",
    "  }\n",
    "  function writeHash() {\n",
    "    var parts = [];\n",
    "    ['rule', 'tag', 'q', 'sort'].forEach(function (k) { if (state[k]) parts.push(k + '=' + encodeURIComponent(state[k])); });\n",
    "    if (state.page > 1) parts.push('page=' + state.page);\n",
    "    if (state.per !== 50) parts.push('per=' + state.per);\n",
    "    try { history.replaceState(null, '', parts.length ? '#' + parts.join('&') : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }\n",
    "  }\n",
    "\n",
    "  function fillSelects() {\n",
    "    var rsel = $('vg-rule'), tsel = $('vg-tag');\n",
    "    meta.rules.slice().sort(function (a, b) { return b.count - a.count || (a.rule < b.rule ? -1 : 1); })\n",
    "      .forEach(function (r) {\n",
    "        var o = el('option', '', r.rule + (r.label === r.rule ? '' : ' (' + r.label + ')') + ' \\u00b7 ' + r.count);\n",
    "        o.value = r.rule;\n",
    "        rsel.appendChild(o);\n",
    "      });\n",
    "    var tags = {};\n",
    "    docs.forEach(function (d) { d.tags.forEach(function (t) { tags[t] = (tags[t] || 0) + 1; }); });\n",
    "    Object.keys(tags).sort().forEach(function (t) {\n",
    "      var o = el('option', '', t + ' \\u00b7 ' + tags[t]);\n",
    "      o.value = t;\n",
    "      tsel.appendChild(o);\n",
    "    });\n",
    "    rsel.value = state.rule;\n",
    "    tsel.value = state.tag;\n",
    "    if (rsel.value !== state.rule) state.rule = '';\n",
    "    if (tsel.value !== state.tag) state.tag = '';\n",
    "    $('vg-q').value = state.q;\n",
    "    $('vg-sort').value = state.sort === 'flags' ? 'flags' : '';\n",
    "  }\n",
    "\n",
    "  function shown(d) { return state.rule ? d.flags.filter(function (f) { return f.r === state.rule; }) : d.flags; }\n",
    "  function keep(d) {\n",
    "    if (state.tag && d.tags.indexOf(state.tag) < 0) return false;\n",
    "    if (state.q && d.id.toLowerCase().indexOf(state.q.toLowerCase()) < 0) return false;\n",
    "    return !state.rule || d.flags.some(function (f) { return f.r === state.rule; });\n",
    "  }\n",
    "\n",
    "  function mark(f) {\n",
    "    var m = el('mark', 'flag');\n",
    "    m.setAttribute('data-rule', f.r);\n",
    "    m.title = label(f) + (f.n ? ' \\u2014 ' + f.n : '');\n",
    "    m.setAttribute('data-line', f.l);\n",
    "    m.setAttribute('data-col', f.c);\n",
    "    m.style.backgroundColor = color(f.r) + '38';\n",
    "    m.style.borderBottomColor = color(f.r);\n",
    "    if (f.s === f.e) m.className += ' empty';\n",
    "    return m;\n",
    "  }\n",
    "\n",
    "  /* text[from, to) into parent, each flag a <mark>; a flag inside another\n",
    "   * nests in it, a flag that crosses the end of another is cut there */\n",
    "  function render(parent, text, from, to, flags) {\n",
    "    var pos = from, stack = [{ el: parent, end: to }];\n",
    "    flags = flags.slice().sort(function (x, y) { return x.s - y.s || y.e - x.e; }); /* outer first */\n",
    "    function put(node, upto) { if (upto > pos) { node.appendChild(document.createTextNode(text.slice(pos, upto))); pos = upto; } }\n",
    "    flags.forEach(function (f) {\n",
    "      var s = Math.max(f.s, from), e = Math.min(f.e, to);\n",
    "      while (stack.length > 1 && stack[stack.length - 1].end <= s) {\n",
    "        var top = stack.pop();\n",
    "        put(top.el, top.end);\n",
    "      }\n",
    "      var cur = stack[stack.length - 1];\n",
    "      if (s < pos) s = pos;\n",
    "      put(cur.el, s);\n",
    "      if (e > cur.end) e = cur.end;\n",
    "      if (e < s) e = s;\n",
    "      var m = mark(f);\n",
    "      cur.el.appendChild(m);\n",
    "      stack.push({ el: m, end: e });\n",
    "    });\n",
    "    while (stack.length > 1) { var t = stack.pop(); put(t.el, t.end); }\n",
    "    put(parent, to);\n",
    "  }\n",
    "\n",
    "  function contexts(box, d, flags) {\n",
    "    var wins = [];\n",
    "    flags.slice().sort(function (x, y) { return Math.min(x.a, x.s) - Math.min(y.a, y.s); }).forEach(function (f) {\n",
    "      var a = Math.min(f.a, f.s), b = Math.max(f.b, f.e), w = wins[wins.length - 1];\n",
    "      if (w && a <= w.b) { w.b = Math.max(w.b, b); w.f.push(f); } else wins.push({ a: a, b: b, f: [f] });\n",
    "    });\n",
    "    wins.forEach(function (w) {\n",
    "      var p = el('p', 'win');\n",
    "      if (w.a > 0) p.appendChild(el('span', 'cut', '\\u2026 '));\n",
    "      render(p, d.text, w.a, w.b, w.f);\n",
    "      if (w.b < d.text.length) p.appendChild(el('span', 'cut', ' \\u2026'));\n",
    "      box.appendChild(p);\n",
    "    });\n",
    "  }\n",
    "\n",
    "  function article(d) {\n",
    "    var flags = shown(d);\n",
    "    var a = el('article', 'doc');\n",
    "    var h = el('header');\n",
    "    h.appendChild(el('h3', 'id', d.id));\n",
    "    h.appendChild(el('span', 'n', plural(flags.length, 'flag', 'flags')));\n",
    "    d.tags.forEach(function (t) {\n",
    "      var c = el('span', 'tag', t);\n",
    "      c.title = 'only documents tagged ' + t;\n",
    "      c.addEventListener('click', function () { state.tag = t; $('vg-tag').value = t; state.page = 1; update(); });\n",
    "      h.appendChild(c);\n",
    "    });\n",
    "    var btn = el('button', '', 'whole text');\n",
    "    h.appendChild(btn);\n",
    "    a.appendChild(h);\n",
    "    var box = el('div', 'ctx');\n",
    "    contexts(box, d, flags);\n",
    "    a.appendChild(box);\n",
    "    btn.addEventListener('click', function () {\n",
    "      var whole = btn.textContent === 'whole text';\n",
    "      box.textContent = '';\n",
    "      if (whole) { var f = el('div', 'full'); render(f, d.text, 0, d.text.length, flags); box.appendChild(f); } else contexts(box, d, flags);\n",
    "      btn.textContent = whole ? 'context only' : 'whole text';\n",
    "    });\n",
    "    return a;\n",
    "  }\n",
    "\n",
    "  function pager(nav, page, pages) {\n",
    "    nav.textContent = '';\n",
    "    var prev = el('button', 'prev', '\\u2039 previous'), next = el('button', 'next', 'next \\u203a');\n",
    "    prev.disabled = page <= 1;\n",
    "    next.disabled = page >= pages;\n",
    "    prev.addEventListener('click', function () { state.page = page - 1; update(true); });\n",
    "    next.addEventListener('click', function () { state.page = page + 1; update(true); });\n",
    "    nav.appendChild(prev);\n",
    "    nav.appendChild(el('span', 'where', 'page ' + page + ' of ' + pages));\n",
    "    nav.appendChild(next);\n",
    "  }\n",
    "\n",
    "  function update(scroll) {\n",
    "    var list = docs.filter(keep);\n",
    "    if (state.sort === 'flags') {\n",
    "      list = list.map(function (d, i) { return { d: d, n: shown(d).length, i: i }; })\n",
    "        .sort(function (x, y) { return y.n - x.n || x.i - y.i; }).map(function (x) { return x.d; });\n",
    "    }\n",
    "    var pages = Math.max(1, Math.ceil(list.length / state.per));\n",
    "    if (state.page > pages) state.page = pages;\n",
    "    if (state.page < 1) state.page = 1;\n",
    "    var first = (state.page - 1) * state.per, slice = list.slice(first, first + state.per);\n",
    "    var nflags = 0;\n",
    "    list.forEach(function (d) { nflags += shown(d).length; });\n",
    "    var box = $('vg-docs');\n",
    "    box.textContent = '';\n",
    "    slice.forEach(function (d) { box.appendChild(article(d)); });\n",
    "    if (!list.length) box.appendChild(el('p', 'empty-list', docs.length ? 'No document matches these filters.' : 'No document has a flag.'));\n",
    "    $('vg-count').textContent = plural(list.length, 'document', 'documents') + ', ' + plural(nflags, 'flag', 'flags') +\n",
    "      (list.length ? ' \\u00b7 showing ' + (first + 1) + '\\u2013' + (first + slice.length) : '');\n",
    "    pager($('vg-pager-top'), state.page, pages);\n",
    "    pager($('vg-pager'), state.page, pages);\n",
    "    writeHash();\n",
    "    if (scroll) $('vg-app').scrollIntoView();\n",
    "  }\n",
    "\n",
    "  readHash();\n",
    "  fillSelects();\n",
    "  window.addEventListener('hashchange', function () {\n",
    "    state = Object.assign({}, DEFAULTS);\n",
    "    readHash();\n",
    "    $('vg-rule').value = state.rule;\n",
    "    $('vg-tag').value = state.tag;\n",
    "    $('vg-q').value = state.q;\n",
    "    $('vg-sort').value = state.sort === 'flags' ? 'flags' : '';\n",
    "    update();\n",
    "  });\n",
    "  $('vg-rule').addEventListener('change', function () { state.rule = this.value; state.page = 1; update(); });\n",
    "  $('vg-tag').addEventListener('change', function () { state.tag = this.value; state.page = 1; update(); });\n",
    "  $('vg-sort').addEventListener('change', function () { state.sort = this.value; state.page = 1; update(); });\n",
    "  $('vg-q').addEventListener('input', function () { state.q = this.value; state.page = 1; update(); });\n",
    "  Array.prototype.forEach.call(document.querySelectorAll('.chart .bar'), function (g) {\n",
    "    g.addEventListener('click', function () {\n",
    "      state.rule = g.getAttribute('data-rule');\n",
    "      $('vg-rule').value = state.rule;\n",
    "      state.page = 1;\n",
    "      update();\n",
    "      $('vg-app').scrollIntoView();\n",
    "    });\n",
    "  });\n",
    "  if (meta.name) document.title = 'vigie report: ' + meta.name;\n",
    "  update();\n",
    "  document.documentElement.setAttribute('data-ready', '1');\n",
    "})();\n",
    NULL};

/* Colors of the rules, in the order they are first seen (Tableau 10). */
static const char *const PALETTE[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
#define NCOLORS (sizeof PALETTE / sizeof *PALETTE)

typedef struct pos16 {
  size_t byte, idx; /* a byte offset, and where its UTF-16 offset goes */
} pos16;

typedef struct html {
  vg_counts rules; /* flags per rule, first-seen order */
  char **labels;   /* the first label of each rule */
  char *mixed;     /* 1 when a rule's flags have other labels too */
  size_t caplabels;
  pos16 *pos;      /* scratch for the offsets of one document */
  size_t *u16;
  size_t cappos;
  vg_buf tail;
} html;

static int put_str(vg_writer *w, const char *s, char err[VG_ERRLEN]) {
  return vg_writer_put(w, s, strlen(s), err);
}

/* Writes JSON bytes for a <script> element: "<" as \u003c. */
static int put_script_json(vg_writer *w, const char *s, size_t n, char err[VG_ERRLEN]) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '<') continue;
    if (vg_writer_put(w, s + run, i - run, err) || vg_writer_put(w, "\\u003c", 6, err))
      return -1;
    run = i + 1;
  }
  return vg_writer_put(w, s + run, n - run, err);
}

/* Appends s as HTML text (or an attribute value). */
static int html_text(vg_buf *b, const char *s) {
  for (; *s; s++) {
    const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                    : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
    if (e ? vg_buf_append(b, e, strlen(e)) : vg_buf_putc(b, *s)) return -1;
  }
  return 0;
}

static int cmp_pos(const void *a, const void *b) {
  const pos16 *x = a, *y = b;
  return x->byte < y->byte ? -1 : x->byte > y->byte;
}

/* Fills x->u16[p.idx] with the UTF-16 offset of each byte offset p.byte
 * in text (on UTF-8 boundaries). */
static void utf16_offsets(html *x, const char *text, size_t len, size_t n) {
  qsort(x->pos, n, sizeof *x->pos, cmp_pos);
  size_t b = 0, u = 0;
  for (size_t i = 0; i < n; i++) {
    size_t target = x->pos[i].byte < len ? x->pos[i].byte : len;
    while (b < target) {
      unsigned char c = (unsigned char)text[b];
      size_t k = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      u += k == 4 ? 2 : 1;
      b += k;
    }
    x->u16[x->pos[i].idx] = u;
  }
}

/* The index of rule in x->rules, added (with its label) when new; -1 when
 * out of memory. */
static long rule_index(html *x, const char *rule, const char *label) {
  size_t n = x->rules.n;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(x->rules.keys[i], rule)) return (long)i;
  if (vg_counts_add(&x->rules, rule, 0)) return -1;
  if (n == x->caplabels) {
    size_t cap = x->caplabels ? 2 * x->caplabels : 16;
    char **p = realloc(x->labels, cap * sizeof *p);
    if (p) x->labels = p;
    char *m = realloc(x->mixed, cap);
    if (m) x->mixed = m;
    if (!p || !m) return -1;
    x->caplabels = cap;
  }
  x->mixed[n] = 0;
  if (!(x->labels[n] = vg_strdup(label))) return -1;
  return (long)n;
}

/* The JSON of one flagged document, into w->line. */
static int doc_json(vg_writer *w, html *x, const vg_doc *d, const size_t *order) {
  vg_buf *b = &w->line;
  size_t n = 4 * d->nflags;
  if (n > x->cappos) {
    pos16 *p = realloc(x->pos, n * sizeof *p);
    if (p) x->pos = p;
    size_t *u = realloc(x->u16, n * sizeof *u);
    if (u) x->u16 = u;
    if (!p || !u) return -1;
    x->cappos = n;
  }
  vg_breaks br = {0};
  const vg_breaks *bk = vg_doc_breaks(d, &br);
  for (size_t i = 0; i < d->nflags; i++) {
    const vg_flag *f = &d->flags[order[i]];
    size_t from, to;
    vg_doc_excerpt(d, bk, f->start, f->end, &from, &to);
    size_t at[4] = {f->start, f->end, from, to};
    for (int k = 0; k < 4; k++) x->pos[4 * i + k] = (pos16){at[k], 4 * i + k};
  }
  vg_segment_breaks_free(&br);
  utf16_offsets(x, d->text.data, d->text.len, n);
  vg_buf_reset(b);
  if (vg_buf_append(b, "{\"id\":", 6) || vg_json_cstr(b, d->id) ||
      vg_buf_append(b, ",\"tags\":[", 9))
    return -1;
  for (size_t i = 0; i < d->ntags; i++)
    if ((i && vg_buf_putc(b, ',')) || vg_json_cstr(b, d->tags[i])) return -1;
  if (vg_buf_append(b, "],\"text\":", 9) || vg_json_str(b, d->text.data, d->text.len) ||
      vg_buf_append(b, ",\"flags\":[", 10))
    return -1;
  for (size_t i = 0; i < d->nflags; i++) {
    const vg_flag *f = &d->flags[order[i]];
    long r = rule_index(x, f->rule, f->label);
    if (r < 0) return -1;
    x->rules.vals[r]++;
    const size_t *u = &x->u16[4 * i];
    if ((i && vg_buf_putc(b, ',')) || vg_buf_append(b, "{\"r\":", 5) || vg_json_cstr(b, f->rule) ||
        vg_buf_printf(b, ",\"s\":%zu,\"e\":%zu,\"a\":%zu,\"b\":%zu,\"l\":%zu,\"c\":%zu", u[0], u[1],
                      u[2], u[3], f->line, f->col))
      return -1;
    if (strcmp(f->label, x->labels[r])) {
      x->mixed[r] = 1;
      if (vg_buf_append(b, ",\"t\":", 5) || vg_json_cstr(b, f->label)) return -1;
    }
    if (f->note && (vg_buf_append(b, ",\"n\":", 5) || vg_json_cstr(b, f->note))) return -1;
    if (vg_buf_putc(b, '}')) return -1;
  }
  return vg_buf_append(b, "]}", 2);
}

static int html_doc(vg_writer *w, const vg_doc *d, char err[VG_ERRLEN]) {
  html *x = w->impl;
  if (!d->nflags) return 0;
  size_t *order = malloc(d->nflags * sizeof *order);
  int rc = -1;
  if (order) {
    vg_doc_flag_order(d, order);
    rc = doc_json(w, x, d, order);
  }
  free(order);
  if (rc) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  if (put_str(w, w->count ? ",\n" : "\n", err) || put_script_json(w, w->line.data, w->line.len, err))
    return -1;
  w->count++;
  return 0;
}

/* A number of the summary, 0 when absent. */
static json_int_t num(const json_t *s, const char *k) {
  return json_integer_value(json_object_get(s, k));
}

/* The summary: the counts of the run (or, without one, of the report). */
static int summary_html(vg_buf *b, vg_writer *w, html *x, int partial) {
  const json_t *s = w->summary;
  uint64_t flags = 0;
  for (size_t i = 0; i < x->rules.n; i++) flags += x->rules.vals[i];
  if (vg_buf_append(b, "<section class=\"summary\" id=\"vg-summary\">", 41)) return -1;
  if (partial && vg_buf_printf(b, "<p class=\"warn\">This run did not finish: the report holds "
                                  "the documents written before it stopped.</p>"))
    return -1;
  if (vg_buf_printf(b, "<h2>Run</h2><dl class=\"counts\">")) return -1;
  struct count {
    const char *id, *name; /* the id is vg-n-ID */
    long long v;
  } c[7];
  size_t nc = 0;
  if (s) {
    c[nc++] = (struct count){"documents", "documents",
                             (long long)(num(s, "documents") + num(s, "skipped"))};
    c[nc++] = (struct count){"kept", "kept", (long long)num(s, "kept")};
    c[nc++] = (struct count){"dropped", "dropped", (long long)num(s, "dropped")};
    c[nc++] = (struct count){"failed", "failed", (long long)num(s, "failed")};
    c[nc++] = (struct count){"skipped", "skipped", (long long)num(s, "skipped")};
  }
  c[nc++] = (struct count){"flags", "flags", (long long)flags};
  c[nc++] = (struct count){"flagged", "flagged documents", (long long)w->count};
  for (size_t i = 0; i < nc; i++)
    if (vg_buf_printf(b, "<div id=\"vg-n-%s\"><dt>%s</dt><dd>%lld</dd></div>", c[i].id,
                      c[i].name, c[i].v))
      return -1;
  if (vg_buf_append(b, "</dl><p class=\"run\">", 20)) return -1;
  const char *name = json_string_value(json_object_get(s, "name"));
  const char *pipeline = json_string_value(json_object_get(s, "pipeline"));
  if (name || pipeline) {
    if (vg_buf_append(b, "Pipeline <b>", 12) || html_text(b, name ? name : pipeline) ||
        vg_buf_append(b, "</b>", 4))
      return -1;
    if (name && pipeline &&
        (vg_buf_append(b, " (", 2) || html_text(b, pipeline) || vg_buf_putc(b, ')')))
      return -1;
    if (vg_buf_append(b, " \xc2\xb7 ", 4)) return -1;
  }
  if (s && vg_buf_printf(b, "%lld input%s \xc2\xb7 %.2f s \xc2\xb7 ", (long long)num(s, "inputs"),
                         num(s, "inputs") == 1 ? "" : "s",
                         json_number_value(json_object_get(s, "seconds"))))
    return -1;
  return vg_buf_printf(b, "made by vigie %s. Only the documents with flags are listed."
                          "</p></section>\n", vigie_version());
}

/* The bar chart of flags per rule, largest first. */
static int chart_svg(vg_buf *b, html *x) {
  const size_t n = x->rules.n;
  if (vg_buf_printf(b, "<section class=\"chart\" id=\"vg-chart\"><h2>Flags per rule</h2>"))
    return -1;
  if (!n) return vg_buf_printf(b, "<p>No flags.</p></section>\n");
  size_t *idx = malloc(n * sizeof *idx);
  if (!idx) return -1;
  uint64_t max = 1;
  for (size_t i = 0; i < n; i++) {
    idx[i] = i;
    if (x->rules.vals[i] > max) max = x->rules.vals[i];
  }
  for (size_t i = 1; i < n; i++) /* by count, stable */
    for (size_t j = i; j > 0 && x->rules.vals[idx[j]] > x->rules.vals[idx[j - 1]]; j--) {
      size_t t = idx[j];
      idx[j] = idx[j - 1];
      idx[j - 1] = t;
    }
  const int row = 28, left = 280, width = 500;
  int rc = vg_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %zu\" "
                            "width=\"%d\" role=\"img\" aria-label=\"flags per rule\">",
                         left + width + 80, n * (size_t)row + 12, left + width + 80);
  for (size_t k = 0; !rc && k < n; k++) {
    size_t i = idx[k];
    const char *rule = x->rules.keys[i], *label = x->mixed[i] ? rule : x->labels[i];
    double bar = (double)x->rules.vals[i] / (double)max * width;
    char shown[160];
    /* the rule, cut on a UTF-8 boundary */
    size_t len = strlen(rule);
    if (len > 40) {
      len = 40;
      while (len > 0 && ((unsigned char)rule[len] & 0xC0) == 0x80) len--;
    }
    snprintf(shown, sizeof shown, "%.*s%s", (int)len, rule, len < strlen(rule) ? "\xe2\x80\xa6" : "");
    size_t y = k * (size_t)row + 6;
    rc = vg_buf_append(b, "<g class=\"bar\" data-rule=\"", 26) || html_text(b, rule) ||
         vg_buf_append(b, "\"><title>", 9) || html_text(b, rule) ||
         (strcmp(label, rule) && (vg_buf_append(b, " (", 2) || html_text(b, label) || vg_buf_putc(b, ')'))) ||
         vg_buf_printf(b, ": %llu</title><text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
                       (unsigned long long)x->rules.vals[i], left - 10, y + 17) ||
         html_text(b, shown) ||
         vg_buf_printf(b, "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"20\" rx=\"3\" "
                          "fill=\"%s\"/><text x=\"%.1f\" y=\"%zu\">%llu</text></g>",
                       left, y + 3, bar < 2 ? 2 : bar, PALETTE[i % NCOLORS], left + bar + 8, y + 17,
                       (unsigned long long)x->rules.vals[i]);
  }
  free(idx);
  return rc || vg_buf_printf(b, "</svg></section>\n");
}

/* The end of the page: the data's end, the rules and summary as JSON, the
 * summary and the chart as HTML, the script. */
static int html_tail(vg_writer *w, int partial, char err[VG_ERRLEN]) {
  html *x = w->impl;
  vg_buf *b = &x->tail;
  vg_buf_reset(b);
  int rc = vg_buf_append(b, "{\"name\":", 8);
  const char *name = json_string_value(json_object_get(w->summary, "name"));
  rc = rc || (name ? vg_json_cstr(b, name) : vg_buf_append(b, "null", 4));
  rc = rc || vg_buf_printf(b, ",\"partial\":%s,\"rules\":[", partial ? "true" : "false");
  for (size_t i = 0; !rc && i < x->rules.n; i++)
    rc = (i && vg_buf_putc(b, ',')) || vg_buf_append(b, "{\"rule\":", 8) ||
         vg_json_cstr(b, x->rules.keys[i]) || vg_buf_append(b, ",\"label\":", 9) ||
         vg_json_cstr(b, x->mixed[i] ? x->rules.keys[i] : x->labels[i]) ||
         vg_buf_append(b, ",\"first\":", 9) || vg_json_cstr(b, x->labels[i]) ||
         vg_buf_printf(b, ",\"count\":%llu,\"color\":\"%s\"}", (unsigned long long)x->rules.vals[i],
                       PALETTE[i % NCOLORS]);
  rc = rc || vg_buf_append(b, "],\"summary\":", 12) ||
       (w->summary ? vg_json_value(b, w->summary) : vg_buf_append(b, "null", 4)) ||
       vg_buf_putc(b, '}');
  if (rc) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  if (put_str(w, "\n]</script>\n<script type=\"application/json\" id=\"vg-meta\">", err) ||
      put_script_json(w, b->data, b->len, err) || put_str(w, "</script>\n", err))
    return -1;
  vg_buf_reset(b);
  if (summary_html(b, w, x, partial) || chart_svg(b, x)) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  if (vg_writer_put(w, b->data, b->len, err) || put_str(w, "<script>\n", err)) return -1;
  for (size_t i = 0; REPORT_JS[i]; i++)
    if (put_str(w, REPORT_JS[i], err)) return -1;
  return put_str(w, "</script>\n</body>\n</html>\n", err);
}

static int html_finish(vg_writer *w, char err[VG_ERRLEN]) { return html_tail(w, 0, err); }

static void html_abort(vg_writer *w) {
  char err[VG_ERRLEN];
  if (w->impl) html_tail(w, 1, err); /* a partial report that still opens */
}

static void html_release(vg_writer *w) {
  html *x = w->impl;
  if (!x) return;
  for (size_t i = 0; i < x->rules.n; i++) free(x->labels[i]);
  free(x->labels);
  free(x->mixed);
  vg_counts_free(&x->rules);
  free(x->pos);
  free(x->u16);
  vg_buf_free(&x->tail);
  free(x);
  w->impl = NULL;
}

static const vg_writer_ops HTML_OPS = {html_doc, NULL, html_finish, html_abort, NULL,
                                       html_release, "documents"};

int vg_write_html_open(vg_writer *w, char err[VG_ERRLEN]) {
  if (!(w->impl = calloc(1, sizeof(html)))) {
    vg_seterr(err, "out of memory");
    return -1;
  }
  w->ops = &HTML_OPS;
  if (put_str(w,
              "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
              "<title>vigie report</title>\n<style>\n",
              err))
    return -1;
  for (size_t i = 0; REPORT_CSS[i]; i++)
    if (put_str(w, REPORT_CSS[i], err)) return -1;
  return put_str(w,
                 "</style>\n</head>\n<body>\n"
                 "<header class=\"top\"><h1>vigie report</h1>"
                 "<p class=\"sub\">Flagged documents, each flag highlighted in its sentence. "
                 "Hover a highlight for its rule.</p></header>\n"
                 "<main class=\"app\" id=\"vg-app\">\n<h2>Flagged documents</h2>\n"
                 "<div class=\"controls\">"
                 "<label>Rule<select id=\"vg-rule\"><option value=\"\">all rules</option></select></label>"
                 "<label>Tag<select id=\"vg-tag\"><option value=\"\">all tags</option></select></label>"
                 "<label>Id<input id=\"vg-q\" type=\"search\" placeholder=\"part of an id\"></label>"
                 "<label>Order<select id=\"vg-sort\"><option value=\"\">as read</option>"
                 "<option value=\"flags\">most flags first</option></select></label>"
                 "<span id=\"vg-count\"></span></div>\n"
                 "<nav class=\"pager\" id=\"vg-pager-top\"></nav>\n<div class=\"docs\" id=\"vg-docs\"></div>\n"
                 "<nav class=\"pager\" id=\"vg-pager\"></nav>\n"
                 "<noscript><p>The list of documents needs JavaScript; the summary and the chart "
                 "do not.</p></noscript>\n</main>\n"
                 "<script type=\"application/json\" id=\"vg-data\">[",
                 err);
}
