/*
 * terms.c: see terms.h. Three parts: compiling (keys, byte classes, a trie
 * built from the sorted keys and numbered breadth-first, failure links
 * resolved into dense rows for the shallow states), the process-wide
 * cache, and scanning (the text folded in blocks, the hot loop, word
 * boundaries, matches put in order).
 *
 * Automaton layout. Bytes map to classes: each byte that occurs in a key
 * has its own, in byte order; all the others share class 0. States are
 * numbered breadth-first, so the children of a state are consecutive and
 * a state's failure state always comes before it. The first `ndense`
 * states (as many as DENSE_MAX transitions allow, which is all of them for
 * lists of a few thousand terms) have a full row of ncls transitions with
 * failures resolved, a DFA: one load per byte. Deeper states keep their
 * children (a range of consecutive states, whose classes are in `edge`) and
 * a failure link; a miss follows failure links until a child or a dense
 * state answers, and the failures followed never outnumber the bytes that
 * went down the trie, so the cost per byte is bounded whatever the list.
 * A transition is a state code: the row offset (index * ncls) of a dense
 * state, dend + (index - ndense) of another, with OUT_BIT set when the
 * target ends a key (itself or through its dictionary link), so the hot
 * loop tests one bit per byte.
 *
 * Overlaps: every key ending at a position is found through the dictionary
 * links (longest first); matches wait in a small sorted queue until no
 * later match can start before them (the automaton has gone past their
 * start plus the longest key), then leave in order of start, longest
 * first, then by place in the list. A match that the same term makes at
 * the same original span twice (a term "s" inside "ß" folded to "ss") is
 * reported once.
 *
 * Word boundaries are checked on the folded text (the characters just
 * before and after the folded match), so a match that starts or ends in
 * the middle of what one character folds to ("fi" inside "ﬁche") is not a
 * whole word.
 */
#define _POSIX_C_SOURCE 200809L
#include "terms.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "text.h"

#define OUT_BIT 0x80000000u
#define NONE UINT32_MAX
#define DENSE_MAX (1u << 22)        /* transitions in dense rows: 16 MB */
#define MAX_KEY_BYTES (1u << 28)    /* all keys together */
#define BLOCK 32768                 /* text folded at a time */
#define SLICE 262144                /* bytes scanned between MORE, unfolded */
#define FOLD_FLAGS (VG_FOLD_SPACE | VG_FOLD_QUOTE)
#define FLAG_MASK (VG_TERMS_FOLD | VG_TERMS_WORDS)

typedef struct sp_state {
  uint32_t first;  /* index of the first child */
  uint32_t nchild;
  uint32_t fail;   /* code of the failure state */
} sp_state;

struct vg_terms {
  /* identity: the list as given, and the cache */
  vg_terms *next;
  uint64_t hash;
  int refs; /* under cache_lock */
  unsigned flags;
  size_t nterms;
  char *blob;   /* the terms, end to end */
  size_t *off;  /* nterms + 1 offsets into blob */
  /* the automaton */
  uint16_t cls[256];
  uint32_t ncls, nstates, ndense, dend, maxlen, nkeys;
  uint32_t *dense; /* ndense * ncls codes */
  uint32_t *code;  /* per state: its code, OUT_BIT included */
  uint16_t *edge;  /* per state: the class of the transition into it */
  uint32_t *term;  /* per state: the term it ends, or NONE */
  uint32_t *dict;  /* per state: the next state on its failure path that ends a term, or NONE */
  uint32_t *depth; /* per state: its key length */
  sp_state *sp;    /* states ndense.. */
  size_t bytes;
};

/* ---- compiling --------------------------------------------------------- */

static uint32_t dense_limit = DENSE_MAX; /* see vg_terms_set_dense_limit */

void vg_terms_set_dense_limit(size_t transitions) {
  dense_limit = transitions == 0 || transitions > DENSE_MAX ? DENSE_MAX : (uint32_t)transitions;
}

typedef struct key {
  const unsigned char *p;
  uint32_t len;
  uint32_t idx;
} key;

/* Trie node while building (before breadth-first numbering). */
typedef struct tnode {
  uint32_t first, next, last; /* children: first, next sibling, last */
  uint32_t term, depth;
  uint16_t cls;
} tnode;

static int key_cmp(const void *a, const void *b) {
  const key *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = n ? memcmp(x->p, y->p, n) : 0;
  if (c) return c;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

static int is_ascii_white(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* Formats term i for a message: up to 60 bytes, cut at a character. */
static void name_term(char err[VG_ERRLEN], const char *what, const char *t, size_t n) {
  size_t k = n;
  if (k > 60) {
    k = 60;
    while (k > 0 && !vg_utf8_is_lead((unsigned char)t[k])) k--;
  }
  vg_seterr(err, "\"%.*s%s\" %s", (int)k, t, k < n ? "..." : "", what);
}

static void terms_free(vg_terms *m) {
  if (!m) return;
  free(m->blob);
  free(m->off);
  free(m->dense);
  free(m->code);
  free(m->edge);
  free(m->term);
  free(m->dict);
  free(m->depth);
  free(m->sp);
  free(m);
}

/* Makes the keys of the n terms into kb, their offsets into koff (n + 1).
 * Returns 0, or -1 with err (and *bad for a term that is empty). */
static int make_keys(const char *const *terms, const size_t *lens, size_t n,
                     unsigned flags, vg_buf *kb, size_t *koff,
                     char err[VG_ERRLEN], size_t *bad) {
  vg_buf f = {0};
  size_t *map = NULL, mapcap = 0;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    const char *p = terms[i];
    size_t len = lens[i];
    if (flags & VG_TERMS_FOLD) {
      if (vg_text_fold_map(p, len, FOLD_FLAGS, &f, &map, &mapcap)) {
        rc = -1;
        break;
      }
      p = f.data;
      len = f.len;
    }
    while (len && is_ascii_white((unsigned char)p[len - 1])) len--;
    while (len && is_ascii_white((unsigned char)*p)) p++, len--;
    koff[i] = kb->len;
    if (len == 0) {
      name_term(err, flags & VG_TERMS_FOLD ? "folds to nothing" : "is empty",
                terms[i], lens[i]);
      *bad = i;
      rc = 1;
    } else if (vg_buf_append(kb, p, len)) {
      rc = -1;
    } else if (kb->len > MAX_KEY_BYTES) {
      vg_seterr(err, "term list too large (more than %u bytes)", MAX_KEY_BYTES);
      rc = 1;
    }
  }
  koff[n] = kb->len;
  if (rc < 0) vg_seterr(err, "out of memory");
  vg_buf_free(&f);
  free(map);
  return rc ? -1 : 0;
}

/* Inserts the sorted keys into a trie t (nodes[0] is the root); returns
 * the number of nodes. path has room for maxlen + 1 entries. */
static uint32_t build_trie(const key *keys, size_t nk, const uint16_t *cls,
                           tnode *t, uint32_t *path, uint32_t *nkeys) {
  uint32_t nn = 1;
  t[0] = (tnode){NONE, NONE, NONE, NONE, 0, 0};
  path[0] = 0;
  *nkeys = 0;
  const key *prev = NULL;
  for (size_t k = 0; k < nk; k++) {
    const key *c = &keys[k];
    uint32_t lcp = 0;
    if (prev) {
      uint32_t lim = prev->len < c->len ? prev->len : c->len;
      while (lcp < lim && prev->p[lcp] == c->p[lcp]) lcp++;
      if (lcp == c->len && prev->len == c->len) continue; /* same key: the first wins */
    }
    /* sorted order: c->p[lcp] is above every child of path[lcp] so far */
    for (uint32_t d = lcp; d < c->len; d++) {
      uint32_t v = nn++, parent = path[d];
      t[v] = (tnode){NONE, NONE, NONE, NONE, d + 1, cls[c->p[d]]};
      if (t[parent].last == NONE)
        t[parent].first = v;
      else
        t[t[parent].last].next = v;
      t[parent].last = v;
      path[d + 1] = v;
    }
    t[path[c->len]].term = c->idx;
    (*nkeys)++;
    prev = c;
  }
  return nn;
}

typedef struct builder {
  vg_terms *m;
  uint32_t *first, *nchild, *fail; /* per state, breadth-first numbering */
} builder;

static uint32_t index_of(const vg_terms *m, uint32_t code) {
  return code < m->dend ? code / m->ncls : m->ndense + (code - m->dend);
}

/* The resolved transition from state f on class c, while building: rows of
 * dense states before the current one are complete. */
static uint32_t delta(const builder *b, uint32_t f, unsigned c) {
  const vg_terms *m = b->m;
  for (;;) {
    if (f < m->ndense) return index_of(m, m->dense[(size_t)f * m->ncls + c] & ~OUT_BIT);
    for (uint32_t k = b->first[f], e = k + b->nchild[f]; k < e; k++)
      if (m->edge[k] == c) return k;
    f = b->fail[f];
  }
}

/* Numbers the trie breadth-first into m's per-state arrays and b, then
 * computes failures, dictionary links, codes and dense rows in that
 * order. Returns 0, or -1 when out of memory. */
static int build_automaton(vg_terms *m, const tnode *t, uint32_t nn) {
  builder b = {m, NULL, NULL, NULL};
  uint32_t *order = malloc((size_t)nn * sizeof *order);
  uint32_t *num = malloc((size_t)nn * sizeof *num);
  b.first = malloc((size_t)nn * sizeof *b.first);
  b.nchild = malloc((size_t)nn * sizeof *b.nchild);
  b.fail = malloc((size_t)nn * sizeof *b.fail);
  m->nstates = nn;
  m->ndense = dense_limit / m->ncls;
  if (m->ndense < 1) m->ndense = 1;
  if (m->ndense > nn) m->ndense = nn;
  m->dend = m->ndense * m->ncls;
  m->dense = malloc((size_t)m->dend * sizeof *m->dense);
  m->code = malloc((size_t)nn * sizeof *m->code);
  m->edge = malloc((size_t)nn * sizeof *m->edge);
  m->term = malloc((size_t)nn * sizeof *m->term);
  m->dict = malloc((size_t)nn * sizeof *m->dict);
  m->depth = malloc((size_t)nn * sizeof *m->depth);
  m->sp = malloc(((size_t)(nn - m->ndense) + 1) * sizeof *m->sp);
  int rc = -1;
  if (!order || !num || !b.first || !b.nchild || !b.fail || !m->dense || !m->code ||
      !m->edge || !m->term || !m->dict || !m->depth || !m->sp)
    goto done;
  /* breadth-first order */
  uint32_t head = 0, tail = 1;
  order[0] = 0;
  while (head < tail) {
    uint32_t u = order[head++];
    for (uint32_t v = t[u].first; v != NONE; v = t[v].next) order[tail++] = v;
  }
  for (uint32_t x = 0; x < nn; x++) num[order[x]] = x;
  for (uint32_t x = 0; x < nn; x++) {
    const tnode *u = &t[order[x]];
    b.first[x] = u->first == NONE ? 0 : num[u->first];
    b.nchild[x] = 0;
    for (uint32_t v = u->first; v != NONE; v = t[v].next) b.nchild[x]++;
    m->edge[x] = u->cls;
    m->term[x] = u->term;
    m->depth[x] = u->depth;
  }
  /* failures, dictionary links and codes (of the children of each state,
   * then the state's own dense row) */
  b.fail[0] = 0;
  m->dict[0] = NONE;
  m->code[0] = 0;
  for (uint32_t x = 0; x < nn; x++) {
    for (uint32_t v = b.first[x], e = v + b.nchild[x]; v < e; v++) {
      uint32_t f = x == 0 ? 0 : delta(&b, b.fail[x], m->edge[v]);
      b.fail[v] = f;
      m->dict[v] = m->term[f] != NONE ? f : m->dict[f];
      m->code[v] = (v < m->ndense ? v * m->ncls : m->dend + (v - m->ndense)) |
                   ((m->term[v] != NONE || m->dict[v] != NONE) ? OUT_BIT : 0);
    }
    if (x < m->ndense) {
      uint32_t *row = m->dense + (size_t)x * m->ncls;
      const uint32_t *frow = m->dense + (size_t)b.fail[x] * m->ncls;
      uint32_t k = b.first[x], e = k + b.nchild[x];
      for (uint32_t c = 0; c < m->ncls; c++) {
        if (k < e && m->edge[k] == c)
          row[c] = m->code[k++];
        else
          row[c] = x == 0 ? 0 : frow[c];
      }
    } else {
      sp_state *s = &m->sp[x - m->ndense];
      s->first = b.first[x];
      s->nchild = b.nchild[x];
      s->fail = m->code[b.fail[x]] & ~OUT_BIT;
    }
  }
  m->bytes = sizeof *m + (size_t)m->dend * sizeof *m->dense +
             (size_t)nn * (3 * sizeof(uint32_t) + sizeof(uint16_t) + sizeof(uint32_t)) +
             (size_t)(nn - m->ndense) * sizeof *m->sp + m->off[m->nterms] +
             (m->nterms + 1) * sizeof *m->off;
  rc = 0;
done:
  free(order);
  free(num);
  free(b.first);
  free(b.nchild);
  free(b.fail);
  return rc;
}

/* Compiles a matcher (not in the cache, refs 0). NULL with err, *bad. */
static vg_terms *compile(const char *const *terms, const size_t *lens, size_t n,
                         unsigned flags, char err[VG_ERRLEN], size_t *bad) {
  vg_terms *m = calloc(1, sizeof *m);
  vg_buf kb = {0};
  size_t *koff = malloc((n + 1) * sizeof *koff);
  key *keys = NULL;
  tnode *t = NULL;
  uint32_t *path = NULL;
  size_t total = 0;
  if (!m || !koff) goto oom;
  m->flags = flags;
  m->nterms = n;
  for (size_t i = 0; i < n; i++) total += lens[i];
  m->blob = malloc(total + 1);
  m->off = malloc((n + 1) * sizeof *m->off);
  if (!m->blob || !m->off) goto oom;
  for (size_t i = 0, o = 0; i < n; i++) {
    m->off[i] = o;
    memcpy(m->blob + o, terms[i], lens[i]);
    o += lens[i];
  }
  m->off[n] = total;
  if (make_keys(terms, lens, n, flags, &kb, koff, err, bad)) goto fail;
  /* byte classes, in byte order */
  int used[256] = {0};
  for (size_t i = 0; i < kb.len; i++) used[(unsigned char)kb.data[i]] = 1;
  m->ncls = 1;
  for (int c = 0; c < 256; c++) m->cls[c] = used[c] ? (uint16_t)m->ncls++ : 0;
  keys = malloc(n * sizeof *keys);
  if (!keys) goto oom;
  m->maxlen = 0;
  for (size_t i = 0; i < n; i++) {
    keys[i] = (key){(const unsigned char *)kb.data + koff[i], (uint32_t)(koff[i + 1] - koff[i]),
                    (uint32_t)i};
    if (keys[i].len > m->maxlen) m->maxlen = keys[i].len;
  }
  qsort(keys, n, sizeof *keys, key_cmp);
  t = malloc((kb.len + 1) * sizeof *t);
  path = malloc(((size_t)m->maxlen + 1) * sizeof *path);
  if (!t || !path) goto oom;
  uint32_t nn = build_trie(keys, n, m->cls, t, path, &m->nkeys);
  if (build_automaton(m, t, nn)) goto oom;
  free(keys);
  free(t);
  free(path);
  free(koff);
  vg_buf_free(&kb);
  return m;
oom:
  vg_seterr(err, "out of memory");
fail:
  free(keys);
  free(t);
  free(path);
  free(koff);
  vg_buf_free(&kb);
  terms_free(m);
  return NULL;
}

/* ---- the cache --------------------------------------------------------- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static vg_terms *cache_head; /* under cache_lock */

static uint64_t list_hash(const char *const *terms, const size_t *lens, size_t n,
                          unsigned flags) {
  uint64_t h = XXH64(&flags, sizeof flags, (uint64_t)n);
  for (size_t i = 0; i < n; i++) h = XXH64(terms[i], lens[i], h);
  return h;
}

static int same_list(const vg_terms *m, uint64_t h, const char *const *terms,
                     const size_t *lens, size_t n, unsigned flags) {
  if (m->hash != h || m->flags != flags || m->nterms != n) return 0;
  for (size_t i = 0; i < n; i++)
    if (m->off[i + 1] - m->off[i] != lens[i] ||
        (lens[i] && memcmp(m->blob + m->off[i], terms[i], lens[i]) != 0))
      return 0;
  return 1;
}

/* The cached matcher for the list, with one more reference, or NULL.
 * Call with cache_lock held. */
static vg_terms *cache_find(uint64_t h, const char *const *terms, const size_t *lens,
                            size_t n, unsigned flags) {
  for (vg_terms *m = cache_head; m; m = m->next)
    if (same_list(m, h, terms, lens, n, flags)) {
      m->refs++;
      return m;
    }
  return NULL;
}

vg_terms *vg_terms_get(const char *const *terms, const size_t *lens, size_t n,
                       unsigned flags, char err[VG_ERRLEN], size_t *bad) {
  *bad = (size_t)-1;
  flags &= FLAG_MASK;
  if (n == 0) {
    vg_seterr(err, "empty term list");
    return NULL;
  }
  if (n >= NONE) {
    vg_seterr(err, "term list too large (%zu terms)", n);
    return NULL;
  }
  uint64_t h = list_hash(terms, lens, n, flags);
  pthread_mutex_lock(&cache_lock);
  vg_terms *m = cache_find(h, terms, lens, n, flags);
  pthread_mutex_unlock(&cache_lock);
  if (m) return m;
  /* compiled outside the lock; another thread may do the same list at the
   * same time: the first one into the cache wins */
  vg_terms *mine = compile(terms, lens, n, flags, err, bad);
  if (!mine) return NULL;
  mine->hash = h;
  pthread_mutex_lock(&cache_lock);
  m = cache_find(h, terms, lens, n, flags);
  if (!m) {
    m = mine;
    m->refs = 1;
    m->next = cache_head;
    cache_head = m;
    mine = NULL;
  }
  pthread_mutex_unlock(&cache_lock);
  terms_free(mine);
  return m;
}

void vg_terms_release(vg_terms *m) {
  if (!m) return;
  int last = 0;
  pthread_mutex_lock(&cache_lock);
  if (--m->refs == 0) {
    last = 1;
    for (vg_terms **p = &cache_head; *p; p = &(*p)->next)
      if (*p == m) {
        *p = m->next;
        break;
      }
  }
  pthread_mutex_unlock(&cache_lock);
  if (last) terms_free(m);
}

size_t vg_terms_size(const vg_terms *m) { return m->nterms; }
unsigned vg_terms_flags_of(const vg_terms *m) { return m->flags; }

void vg_terms_stat(const vg_terms *m, vg_terms_info *info) {
  info->keys = m->nkeys;
  info->states = m->nstates;
  info->dense = m->ndense;
  info->classes = m->ncls;
  info->max_len = m->maxlen;
  info->bytes = m->bytes;
  pthread_mutex_lock(&cache_lock);
  info->refs = m->refs;
  pthread_mutex_unlock(&cache_lock);
}

size_t vg_terms_cached(void) {
  size_t n = 0;
  pthread_mutex_lock(&cache_lock);
  for (vg_terms *m = cache_head; m; m = m->next) n++;
  pthread_mutex_unlock(&cache_lock);
  return n;
}

/* ---- scanning ---------------------------------------------------------- */

struct vg_terms_scan {
  const vg_terms *m; /* NULL: no pass under way */
  const unsigned char *text;
  size_t n;
  int fold;
  size_t pos;  /* text bytes folded into the window so far */
  /* the window: w[0..wlen) is the folded text from folded offset wabs on
   * (the text itself when not folding); map[k] is the text offset of
   * w[k]'s character, map[wlen] = pos */
  const unsigned char *w;
  size_t wlen, wabs;
  size_t i, lim;   /* the next byte to feed; where feeding stops for now */
  uint32_t state;  /* a code, OUT_BIT clear */
  int fed_all;     /* the whole text went through the automaton */
  int pause;       /* a block was added since the last VG_TERMS_MORE */
  vg_buf win;
  size_t *map, mapcap;
  vg_terms_match *pend; /* matches waiting, sorted, from phead to npend */
  size_t phead, npend, pcap;
};

vg_terms_scan *vg_terms_scan_new(void) { return calloc(1, sizeof(vg_terms_scan)); }

void vg_terms_scan_free(vg_terms_scan *sc) {
  if (!sc) return;
  vg_buf_free(&sc->win);
  free(sc->map);
  free(sc->pend);
  free(sc);
}

void vg_terms_scan_start(vg_terms_scan *sc, const vg_terms *m, const char *text,
                         size_t n) {
  sc->m = m;
  sc->text = (const unsigned char *)text;
  sc->n = n;
  sc->fold = (m->flags & VG_TERMS_FOLD) != 0;
  sc->wabs = sc->i = sc->lim = sc->wlen = 0;
  sc->state = 0;
  sc->fed_all = sc->pause = 0;
  sc->phead = sc->npend = 0;
  if (sc->fold) {
    sc->pos = 0;
    sc->w = (const unsigned char *)sc->win.data;
  } else {
    sc->pos = n;
    sc->w = sc->text;
    sc->wlen = n;
  }
}

/* 1 when the window ends where the text does. */
static int at_text_end(const vg_terms_scan *sc) { return sc->pos == sc->n; }

/* Decodes the valid UTF-8 character at p (lead byte >= 0x80). */
static int32_t get_cp(const unsigned char *p) {
  if (p[0] < 0xE0) return (int32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
  if (p[0] < 0xF0)
    return (int32_t)(p[0] & 0x0F) << 12 | (int32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
  return (int32_t)(p[0] & 0x07) << 18 | (int32_t)(p[1] & 0x3F) << 12 |
         (int32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

static int ascii_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* 1 when the window's character ending just before index k is no word
 * character (or k is the start of the text). */
static int boundary_before(const vg_terms_scan *sc, size_t k) {
  if (k == 0) return 1; /* the window keeps context, so only at the text's start */
  const unsigned char *w = sc->w;
  size_t j = k - 1;
  if (w[j] < 0x80) return !ascii_word(w[j]);
  while (j > 0 && !vg_utf8_is_lead(w[j])) j--;
  return !vg_text_is_word(get_cp(w + j));
}

/* 1 when the window's character at index k is no word character (or k is
 * the end of the text). */
static int boundary_after(const vg_terms_scan *sc, size_t k) {
  if (k >= sc->wlen) return 1; /* feeding stops 4 bytes short unless at the end */
  const unsigned char *w = sc->w;
  if (w[k] < 0x80) return !ascii_word(w[k]);
  return !vg_text_is_word(get_cp(w + k));
}

/* The text offset where the character of window byte k starts. */
static size_t orig_start(const vg_terms_scan *sc, size_t k) {
  return sc->fold ? sc->map[k] : k;
}

/* The text offset where the character of window byte e - 1 ends (with the
 * marks and the spaces that folded into it). */
static size_t orig_end(const vg_terms_scan *sc, size_t e) {
  if (!sc->fold) return e;
  size_t c = sc->map[e - 1], j = e;
  while (j < sc->wlen && sc->map[j] == c) j++;
  return sc->map[j];
}

/* a before b in the order of matches: start, longest first, list order. */
static int match_before(const vg_terms_match *a, const vg_terms_match *b) {
  if (a->start != b->start) return a->start < b->start;
  if (a->end != b->end) return a->end > b->end;
  return a->term < b->term;
}

/* Queues mt in order, unless the same match is there. Returns 0, or -1
 * when out of memory. */
static int pend_insert(vg_terms_scan *sc, const vg_terms_match *mt) {
  size_t lo = sc->phead, hi = sc->npend;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (match_before(&sc->pend[mid], mt))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < sc->npend && !match_before(mt, &sc->pend[lo])) return 0; /* equal */
  if (sc->npend == sc->pcap) {
    if (sc->phead > 0) {
      memmove(sc->pend, sc->pend + sc->phead, (sc->npend - sc->phead) * sizeof *sc->pend);
      sc->npend -= sc->phead;
      lo -= sc->phead;
      sc->phead = 0;
    } else {
      size_t cap = sc->pcap ? sc->pcap * 2 : 64;
      vg_terms_match *p = realloc(sc->pend, cap * sizeof *p);
      if (!p) return -1;
      sc->pend = p;
      sc->pcap = cap;
    }
  }
  memmove(sc->pend + lo + 1, sc->pend + lo, (sc->npend - lo) * sizeof *sc->pend);
  sc->pend[lo] = *mt;
  sc->npend++;
  return 0;
}

/* Queues the matches that end at window index e, where state code s was
 * reached. Returns 0, or -1 when out of memory. */
static int collect(vg_terms_scan *sc, uint32_t s, size_t e) {
  const vg_terms *m = sc->m;
  uint32_t x = index_of(m, s);
  uint32_t t = m->term[x] != NONE ? x : m->dict[x];
  int words = (m->flags & VG_TERMS_WORDS) != 0;
  for (; t != NONE; t = m->dict[t]) {
    size_t fs = e - m->depth[t];
    if (words && !(boundary_before(sc, fs) && boundary_after(sc, e))) continue;
    vg_terms_match mt = {m->term[t], orig_start(sc, fs), orig_end(sc, e)};
    if (pend_insert(sc, &mt)) return -1;
  }
  return 0;
}

/* The transition from a sparse state code s on class c. */
static uint32_t sparse_step(const vg_terms *m, uint32_t s, unsigned c) {
  if (c == 0) return 0; /* a byte in no key: back to the root */
  for (;;) {
    const sp_state *p = &m->sp[s - m->dend];
    const uint16_t *edge = m->edge + p->first;
    for (uint32_t k = 0; k < p->nchild; k++) {
      if (edge[k] == c) return m->code[p->first + k];
      if (edge[k] > c) break;
    }
    s = p->fail;
    if (s < m->dend) return m->dense[s + c];
  }
}

/* Runs the automaton over w[i..lim), stopping after a position where a
 * match was queued. Returns 0, or -1 when out of memory. */
static int feed(vg_terms_scan *sc) {
  const vg_terms *m = sc->m;
  const unsigned char *w = sc->w;
  const uint16_t *cls = m->cls;
  const uint32_t *dense = m->dense;
  const uint32_t dend = m->dend;
  size_t i = sc->i;
  const size_t lim = sc->lim;
  uint32_t s = sc->state;
  while (i < lim) {
    unsigned c = cls[w[i++]];
    uint32_t t = s < dend ? dense[s + c] : sparse_step(m, s, c);
    s = t & ~OUT_BIT;
    if (t & OUT_BIT) {
      size_t before = sc->npend;
      sc->i = i;
      sc->state = s;
      if (collect(sc, s, i)) return -1;
      if (sc->npend != before) return 0;
    }
  }
  sc->i = i;
  sc->state = s;
  return 0;
}

/* Folds the next block of text onto the end of the window, after dropping
 * what the automaton is done with (keeping the longest key and a little
 * more before i, for starts and boundaries). Returns 0, or -1 when out of
 * memory. */
static int refill(vg_terms_scan *sc) {
  size_t keep = (size_t)sc->m->maxlen + 8;
  if (sc->i > keep) {
    size_t drop = sc->i - keep, rest = sc->wlen - drop;
    memmove(sc->win.data, sc->win.data + drop, rest);
    memmove(sc->map, sc->map + drop, (rest + 1) * sizeof *sc->map);
    sc->wlen = rest;
    sc->i -= drop;
    sc->wabs += drop;
  }
  size_t at = sc->n - sc->pos > BLOCK ? sc->pos + BLOCK : sc->n;
  size_t cut = vg_text_fold_cut((const char *)sc->text, sc->n, at);
  sc->win.len = sc->wlen;
  if (vg_text_fold_map_append((const char *)sc->text + sc->pos, cut - sc->pos, FOLD_FLAGS,
                              sc->pos, &sc->win, &sc->map, &sc->mapcap))
    return -1;
  sc->wlen = sc->win.len;
  sc->pos = cut;
  sc->w = (const unsigned char *)sc->win.data;
  /* short of the end, stop 4 bytes early: the character after a match must
   * be whole in the window */
  sc->lim = at_text_end(sc) ? sc->wlen : sc->wlen > 4 ? sc->wlen - 4 : 0;
  if (sc->lim < sc->i) sc->lim = sc->i;
  return 0;
}

/* Lets the automaton go further: another block folded, or another slice
 * of an unfolded text. Returns 0, or -1 when out of memory. */
static int extend(vg_terms_scan *sc) {
  if (sc->fold) {
    if (sc->pos < sc->n) return refill(sc);
    sc->lim = sc->wlen;
    return 0;
  }
  sc->lim = sc->n - sc->lim > SLICE ? sc->lim + SLICE : sc->n;
  return 0;
}

/* The text offset before which no match can start any more: future
 * matches end at window index i + 1 or later. */
static size_t settled(const vg_terms_scan *sc) {
  size_t L = sc->m->maxlen;
  if (sc->i + 1 < L) return 0;
  return orig_start(sc, sc->i + 1 - L);
}

int vg_terms_scan_next(vg_terms_scan *sc, vg_terms_match *mt) {
  if (!sc->m) return VG_TERMS_DONE;
  for (;;) {
    if (sc->phead < sc->npend && (sc->fed_all || sc->pend[sc->phead].start < settled(sc))) {
      *mt = sc->pend[sc->phead++];
      if (sc->phead == sc->npend) sc->phead = sc->npend = 0;
      return VG_TERMS_FOUND;
    }
    if (sc->fed_all) {
      sc->m = NULL;
      return VG_TERMS_DONE;
    }
    if (sc->i < sc->lim) {
      if (feed(sc)) break;
      continue;
    }
    if (at_text_end(sc) && sc->lim == sc->wlen) {
      sc->fed_all = 1;
      continue;
    }
    if (sc->pause) { /* one MORE per block, whatever was found in it */
      sc->pause = 0;
      return VG_TERMS_MORE;
    }
    sc->pause = 1;
    if (extend(sc)) break;
  }
  sc->m = NULL;
  return -1;
}
