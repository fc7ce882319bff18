/*
 * lua_regex.c: vigie.regex, PCRE2 regexes for stages. Patterns and subjects
 * are UTF-8, with Unicode properties (\w, \b, [[:alpha:]], \p{L}) and JIT
 * when the platform has it; a match limit makes a pattern that backtracks
 * catastrophically raise an error instead of hanging, and the loops of
 * gfind and gsub look at the --timeout deadline between matches.
 *
 * Compiled patterns belong to the process: a cache keyed by (pattern,
 * flags), under a mutex, hands out refcounted pcre2_code, JIT-compiled
 * before anyone sees it and never written afterwards, so the workers that
 * load the same stage share one compiled pattern and match it at once. A
 * regex userdata holds one reference and drops it in __gc; the last
 * reference frees the code.
 *
 * What a match writes belongs to one Lua state (so to one thread at a
 * time): a userdata holding the match context (limits, JIT stack) and one
 * reused match data, given to every function of the module as upvalue 1.
 * Nothing calls into Lua between pcre2_match and the copy of its offsets
 * into the caller's own array, so a reentrant match (from a gsub function,
 * a finalizer) cannot clobber them, and no C memory is live across a raise.
 */
#define _POSIX_C_SOURCE 200809L
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lua_bridge.h"

#define RE_MT "vigie.regex"
#define RE_MATCH_LIMIT 10000000u   /* backtracking steps of one match */
#define RE_DEPTH_LIMIT 100000u     /* nested backtracking points (interpreter) */
#define RE_HEAP_LIMIT (64u * 1024) /* KiB of backtracking frames (interpreter) */
#define RE_JIT_STACK_START (32 * 1024)
#define RE_JIT_STACK_MAX (16 * 1024 * 1024) /* ~700,000 repeats of a group; touched pages only */
#define RE_CHECK_EVERY 16      /* matches between two looks at the clock (power of 2) */
#define RE_LOCAL_PAIRS 32      /* offsets of up to 31 groups live on the C stack */
#define RE_VALID_CACHE 4096    /* subjects this long are remembered as valid */

/* The flags of vigie.regex. */
typedef enum re_flag {
  RE_I = 1, /* i: caseless (Unicode case folding) */
  RE_M = 2, /* m: ^ and $ also at line starts and ends */
  RE_S = 4, /* s: . matches \n too */
  RE_X = 8  /* x: whitespace and # comments in the pattern ignored */
} re_flag;

/* ---- the process-wide cache of compiled patterns ---- */

/* One compiled pattern, shared by every Lua state that made a regex with
 * the same pattern and flags. Only refs and next change after insertion,
 * under cache_lock. */
typedef struct re_code {
  struct re_code *next; /* chain of its bucket */
  uint64_t hash;        /* of the pattern, seeded with the flags */
  unsigned flags;       /* re_flag bits */
  size_t refs;          /* regex userdata holding it, in every state */
  pcre2_code *code;     /* immutable once cached */
  uint32_t ncap;        /* capture groups */
  size_t plen;          /* bytes of pattern */
  char pattern[];       /* plen bytes and a NUL */
} re_code;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static re_code **cache_buckets; /* cache_nbuckets chains, a power of 2 */
static size_t cache_nbuckets, cache_count;

/* The cached pattern, or NULL. Under cache_lock. */
static re_code *cache_find(uint64_t h, unsigned flags, const char *p, size_t n) {
  if (!cache_nbuckets) return NULL;
  for (re_code *e = cache_buckets[h & (cache_nbuckets - 1)]; e; e = e->next)
    if (e->hash == h && e->flags == flags && e->plen == n && memcmp(e->pattern, p, n) == 0)
      return e;
  return NULL;
}

/* Adds e, growing the table when it gets full. Returns 0, or -1 when out
 * of memory (e is not added). Under cache_lock. */
static int cache_insert(re_code *e) {
  if (cache_count >= cache_nbuckets) {
    size_t nb = cache_nbuckets ? cache_nbuckets * 2 : 16;
    re_code **b = calloc(nb, sizeof *b);
    if (b) {
      for (size_t i = 0; i < cache_nbuckets; i++) {
        for (re_code *x = cache_buckets[i], *next; x; x = next) {
          next = x->next;
          x->next = b[x->hash & (nb - 1)];
          b[x->hash & (nb - 1)] = x;
        }
      }
      free(cache_buckets);
      cache_buckets = b;
      cache_nbuckets = nb;
    } else if (!cache_nbuckets) {
      return -1;
    } /* else: chains get longer, nothing breaks */
  }
  re_code **slot = &cache_buckets[e->hash & (cache_nbuckets - 1)];
  e->next = *slot;
  *slot = e;
  cache_count++;
  return 0;
}

static void code_free(re_code *e) {
  if (!e) return;
  pcre2_code_free(e->code);
  free(e);
}

/* Compiles p[0..n) with flags, or takes it from the cache. Returns the
 * pattern with one more reference (the caller owns it: code_release), or
 * NULL with PCRE2's message and the offset in err. Compiles outside the
 * lock; when two threads race, the first to insert wins. */
static re_code *code_acquire(const char *p, size_t n, unsigned flags, char err[VG_ERRLEN]) {
  uint64_t h = XXH64(p, n, flags);
  pthread_mutex_lock(&cache_lock);
  re_code *e = cache_find(h, flags, p, n);
  if (e) e->refs++;
  pthread_mutex_unlock(&cache_lock);
  if (e) return e;

  uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C; /* \C could split a character */
  if (flags & RE_I) opts |= PCRE2_CASELESS;
  if (flags & RE_M) opts |= PCRE2_MULTILINE;
  if (flags & RE_S) opts |= PCRE2_DOTALL;
  if (flags & RE_X) opts |= PCRE2_EXTENDED;
  int ec;
  PCRE2_SIZE off;
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)p, n, opts, &ec, &off, NULL);
  if (!code) {
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(ec, msg, sizeof msg) < 0) snprintf((char *)msg, sizeof msg, "error %d", ec);
    vg_seterr(err, "%s at offset %zu", (const char *)msg, (size_t)off);
    return NULL;
  }
  /* no JIT on this platform, or for this pattern: the interpreter runs it.
   * VIGIE_NO_JIT=1 asks for the interpreter: JIT code reads a few bytes
   * past the subject by design, which valgrind reports. */
  const char *nojit = getenv("VIGIE_NO_JIT");
  if (!nojit || !*nojit || *nojit == '0') (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  e = malloc(sizeof *e + n + 1);
  if (!e) {
    pcre2_code_free(code);
    vg_seterr(err, "out of memory");
    return NULL;
  }
  e->next = NULL;
  e->hash = h;
  e->flags = flags;
  e->refs = 1;
  e->code = code;
  e->ncap = 0;
  (void)pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &e->ncap);
  e->plen = n;
  memcpy(e->pattern, p, n);
  e->pattern[n] = '\0';

  pthread_mutex_lock(&cache_lock);
  re_code *other = cache_find(h, flags, p, n);
  int rc = 0;
  if (other) other->refs++;
  else rc = cache_insert(e);
  pthread_mutex_unlock(&cache_lock);
  if (other || rc) {
    code_free(e);
    if (rc) vg_seterr(err, "out of memory");
    return other;
  }
  return e;
}

/* Drops one reference to e; the last one frees it. */
static void code_release(re_code *e) {
  int last = 0;
  pthread_mutex_lock(&cache_lock);
  if (--e->refs == 0) {
    last = 1;
    re_code **pp = &cache_buckets[e->hash & (cache_nbuckets - 1)];
    while (*pp != e) pp = &(*pp)->next;
    *pp = e->next;
    if (--cache_count == 0) { /* nothing left: nothing for LeakSanitizer either */
      free(cache_buckets);
      cache_buckets = NULL;
      cache_nbuckets = 0;
    }
  }
  pthread_mutex_unlock(&cache_lock);
  if (last) code_free(e);
}

/* "imsx", the letters of flags in that order, into out[5]. */
static const char *flags_string(unsigned flags, char out[5]) {
  char *o = out;
  if (flags & RE_I) *o++ = 'i';
  if (flags & RE_M) *o++ = 'm';
  if (flags & RE_S) *o++ = 's';
  if (flags & RE_X) *o++ = 'x';
  *o = '\0';
  return out;
}

/* ---- per Lua state: match context, JIT stack, match data ---- */

typedef struct re_state {
  pcre2_match_context *mctx; /* the limits and the JIT stack */
  pcre2_jit_stack *jstack;   /* this state's JIT stack */
  pcre2_match_data *md;      /* reused by every match made in this state */
  uint32_t md_pairs;         /* size of md's ovector */
  const char *valid;         /* a long subject found valid UTF-8, kept alive in user value 1 */
} re_state;

static int state_gc(lua_State *L) {
  re_state *rs = lua_touserdata(L, 1);
  pcre2_match_data_free(rs->md);
  pcre2_match_context_free(rs->mctx);
  pcre2_jit_stack_free(rs->jstack);
  memset(rs, 0, sizeof *rs);
  return 0;
}

/* The state of upvalue 1, with a match context and a match data of at
 * least pairs pairs. Raises when out of memory (what was made is kept in
 * the state, which frees it). */
static re_state *state_ready(lua_State *L, uint32_t pairs) {
  re_state *rs = lua_touserdata(L, lua_upvalueindex(1));
  if (!rs->mctx) {
    pcre2_match_context *m = pcre2_match_context_create(NULL);
    if (!m) luaL_error(L, "regex: out of memory");
    pcre2_set_match_limit(m, RE_MATCH_LIMIT);
    pcre2_set_depth_limit(m, RE_DEPTH_LIMIT);
    pcre2_set_heap_limit(m, RE_HEAP_LIMIT);
    /* without a stack of its own, JIT uses 32 KiB of the machine stack */
    rs->jstack = pcre2_jit_stack_create(RE_JIT_STACK_START, RE_JIT_STACK_MAX, NULL);
    if (rs->jstack) pcre2_jit_stack_assign(m, NULL, rs->jstack);
    rs->mctx = m;
  }
  if (rs->md_pairs < pairs) {
    pcre2_match_data_free(rs->md);
    rs->md_pairs = 0;
    uint32_t want = pairs < 16 ? 16 : pairs;
    rs->md = pcre2_match_data_create(want, NULL);
    if (!rs->md) luaL_error(L, "regex: out of memory");
    rs->md_pairs = want;
  }
  return rs;
}

/* ---- arguments ---- */

typedef struct re_box {
  re_code *c; /* one reference; NULL once collected */
} re_box;

static re_code *check_re(lua_State *L, int arg) {
  re_box *b = luaL_checkudata(L, arg, RE_MT);
  if (!b->c) luaL_argerror(L, arg, "regex already released");
  return b->c;
}

/* The subject at arg, checked valid UTF-8. A long subject found valid is
 * remembered (the string is kept alive by the state), so a loop of
 * r:find(text, init) over a long text checks it once. */
static const char *check_subject(lua_State *L, int arg, size_t *n) {
  const char *s = luaL_checklstring(L, arg, n);
  re_state *rs = lua_touserdata(L, lua_upvalueindex(1));
  if (s == rs->valid) return s; /* the same live string */
  if (!vg_text_valid(s, *n)) luaL_argerror(L, arg, "not valid UTF-8");
  if (*n >= RE_VALID_CACHE) {
    lua_pushvalue(L, arg);
    lua_setiuservalue(L, lua_upvalueindex(1), 1);
    rs->valid = s;
  }
  return s;
}

/* The 0-based byte offset of init (arg; 1-based, negative from the end,
 * as string.find). Returns 0 when it lies past the end (no match);
 * raises when it falls inside a UTF-8 sequence. */
static int check_init(lua_State *L, int arg, const char *s, size_t n, size_t *start) {
  lua_Integer init = luaL_optinteger(L, arg, 1);
  if (init > 0) {
    if ((lua_Unsigned)init - 1 > n) return 0;
    *start = (size_t)init - 1;
  } else if (init == 0 || (lua_Unsigned)-init > n) {
    *start = 0;
  } else {
    *start = n - (size_t)-init;
  }
  if (*start < n && !vg_utf8_is_lead((unsigned char)s[*start]))
    luaL_argerror(L, arg, lua_pushfstring(L, "position %I is inside a UTF-8 sequence",
                                          (lua_Integer)*start + 1));
  return 1;
}

/* ---- matching ---- */

/* Raises the error of a failed match: a limit (named, so the user knows
 * what to change) or PCRE2's message. */
static int match_error(lua_State *L, const re_code *c, int rc) {
  const char *what;
  PCRE2_UCHAR msg[256];
  switch (rc) {
  case PCRE2_ERROR_MATCHLIMIT: what = "match limit exceeded"; break;
  case PCRE2_ERROR_DEPTHLIMIT: what = "depth limit exceeded"; break;
  case PCRE2_ERROR_HEAPLIMIT: what = "heap limit exceeded"; break;
  case PCRE2_ERROR_JIT_STACKLIMIT: what = "JIT stack limit exceeded"; break;
  default:
    if (pcre2_get_error_message(rc, msg, sizeof msg) < 0) snprintf((char *)msg, sizeof msg, "error %d", rc);
    what = (const char *)msg;
  }
  /* the pattern, cut (at a character) if it is long */
  size_t n = c->plen;
  const char *more = "";
  if (n > 60) {
    n = 60;
    while (n > 0 && !vg_utf8_is_lead((unsigned char)c->pattern[n])) n--;
    more = "...";
  }
  const char *hint = "";
  if (rc == PCRE2_ERROR_MATCHLIMIT)
    hint = " (it backtracks too much on this text: try possessive quantifiers or atomic groups)";
  else if (rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
           rc == PCRE2_ERROR_JIT_STACKLIMIT)
    hint = " (a group repeats too many times on this text: try a character class, "
           "as [ab]* for (?:a|b)*, or a possessive quantifier)";
  char buf[512];
  snprintf(buf, sizeof buf, "regex: %s in /%.*s%s/%s", what, (int)n, c->pattern, more, hint);
  return luaL_error(L, "%s", buf);
}

/* Room for the offsets of one match of c: local when it fits, else a
 * userdata pushed on the stack (Lua-owned, so a raise frees it). */
static PCRE2_SIZE *ovec(lua_State *L, const re_code *c, PCRE2_SIZE *local) {
  if (c->ncap + 1 <= RE_LOCAL_PAIRS) return local;
  return lua_newuserdatauv(L, 2 * ((size_t)c->ncap + 1) * sizeof(PCRE2_SIZE), 0);
}

/* Matches c against valid UTF-8 s[0..n) from byte start (at a character
 * boundary) with the extra options opts. On a match, copies the offsets of
 * the match and of its groups (PCRE2_UNSET for groups that did not take
 * part) into ov and returns 1; returns 0 when there is none; raises on a
 * limit or an error. */
static int re_exec(lua_State *L, const re_code *c, const char *s, size_t n, size_t start,
                   uint32_t opts, PCRE2_SIZE *ov) {
  re_state *rs = state_ready(L, c->ncap + 1);
  int rc = pcre2_match(c->code, (PCRE2_SPTR)s, n, start, opts | PCRE2_NO_UTF_CHECK, rs->md,
                       rs->mctx);
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) return match_error(L, c, rc);
  const PCRE2_SIZE *v = pcre2_get_ovector_pointer(rs->md);
  size_t pairs = (size_t)c->ncap + 1, set = rc == 0 ? pairs : (size_t)rc;
  for (size_t i = 0; i < pairs; i++) {
    ov[2 * i] = i < set ? v[2 * i] : PCRE2_UNSET;
    ov[2 * i + 1] = i < set ? v[2 * i + 1] : PCRE2_UNSET;
  }
  return 1;
}

/* Raises "timeout" when the stage's deadline has passed, as the count hook
 * does (timed_out set, so the runner reports the limit). */
static void check_deadline(lua_State *L) {
  vg_lstate *st = vg_lstate_get(L);
  if (st && st->deadline > 0 && vg_now() > st->deadline) {
    st->timed_out = 1;
    luaL_error(L, "timeout");
  }
}

/* Pushes group i of a match: its text, or false when it did not take part. */
static void push_group(lua_State *L, const char *s, const PCRE2_SIZE *ov, uint32_t i) {
  if (ov[2 * i] == PCRE2_UNSET) lua_pushboolean(L, 0);
  else lua_pushlstring(L, s + ov[2 * i], ov[2 * i + 1] - ov[2 * i]);
}

/* Pushes start, stop (1-based, inclusive) and the groups. Returns the count. */
static int push_match(lua_State *L, const re_code *c, const char *s, const PCRE2_SIZE *ov) {
  luaL_checkstack(L, (int)c->ncap + 2, "too many captures");
  lua_pushinteger(L, (lua_Integer)ov[0] + 1);
  lua_pushinteger(L, (lua_Integer)ov[1]);
  for (uint32_t i = 1; i <= c->ncap; i++) push_group(L, s, ov, i);
  return (int)c->ncap + 2;
}

/* ---- the functions ---- */

/* vigie.regex(pattern, flags): a compiled regex. */
static int v_regex(lua_State *L) {
  size_t n;
  const char *p = luaL_checklstring(L, 1, &n);
  const char *f = luaL_optstring(L, 2, "");
  unsigned flags = 0;
  for (; *f; f++) {
    switch (*f) {
    case 'i': flags |= RE_I; break;
    case 'm': flags |= RE_M; break;
    case 's': flags |= RE_S; break;
    case 'x': flags |= RE_X; break;
    default:
      if ((unsigned char)*f > 32 && (unsigned char)*f < 127)
        return luaL_argerror(L, 2, lua_pushfstring(L, "unknown flag '%c' (expected i, m, s or x)", *f));
      return luaL_argerror(L, 2, lua_pushfstring(L, "unknown flag byte %d (expected i, m, s or x)",
                                                 (int)(unsigned char)*f));
    }
  }
  re_box *b = lua_newuserdatauv(L, sizeof *b, 0); /* p f box */
  b->c = NULL;
  luaL_setmetatable(L, RE_MT);
  char err[VG_ERRLEN];
  b->c = code_acquire(p, n, flags, err);
  if (!b->c) return luaL_argerror(L, 1, lua_pushstring(L, err));
  return 1;
}

static int re_gc(lua_State *L) {
  re_box *b = luaL_checkudata(L, 1, RE_MT);
  if (b->c) code_release(b->c);
  b->c = NULL;
  return 0;
}

static int re_tostring(lua_State *L) {
  re_code *c = check_re(L, 1);
  char fl[5];
  luaL_Buffer B;
  luaL_buffinit(L, &B);
  luaL_addstring(&B, "vigie.regex(/");
  luaL_addlstring(&B, c->pattern, c->plen);
  luaL_addchar(&B, '/');
  luaL_addstring(&B, flags_string(c->flags, fl));
  luaL_addchar(&B, ')');
  luaL_pushresult(&B);
  return 1;
}

/* r:find(text, init): start, stop, groups...; or nil. */
static int re_find(lua_State *L) {
  re_code *c = check_re(L, 1);
  size_t n, start;
  const char *s = check_subject(L, 2, &n);
  if (!check_init(L, 3, s, n, &start)) {
    luaL_pushfail(L);
    return 1;
  }
  PCRE2_SIZE local[2 * RE_LOCAL_PAIRS], *ov = ovec(L, c, local);
  if (!re_exec(L, c, s, n, start, 0, ov)) {
    luaL_pushfail(L);
    return 1;
  }
  return push_match(L, c, s, ov);
}

/* r:test(text): whether it matches anywhere. */
static int re_test(lua_State *L) {
  re_code *c = check_re(L, 1);
  size_t n;
  const char *s = check_subject(L, 2, &n);
  PCRE2_SIZE local[2 * RE_LOCAL_PAIRS], *ov = ovec(L, c, local);
  lua_pushboolean(L, re_exec(L, c, s, n, 0, 0, ov));
  return 1;
}

/* The iterator of gfind. Upvalues: state, box, text, next start (-1: done),
 * matches so far. After a match, the next one may not be empty where it
 * ended (PCRE2_NOTEMPTY_ATSTART), as in Lua 5.4's gmatch; PCRE2 then moves
 * on by a whole character. */
static int gfind_aux(lua_State *L) {
  re_box *b = lua_touserdata(L, lua_upvalueindex(2));
  size_t n;
  const char *s = lua_tolstring(L, lua_upvalueindex(3), &n);
  lua_Integer pos = lua_tointeger(L, lua_upvalueindex(4));
  lua_Integer k = lua_tointeger(L, lua_upvalueindex(5));
  if (pos < 0 || !b->c) return 0;
  if ((k & (RE_CHECK_EVERY - 1)) == RE_CHECK_EVERY - 1) check_deadline(L);
  PCRE2_SIZE local[2 * RE_LOCAL_PAIRS], *ov = ovec(L, b->c, local);
  if (!re_exec(L, b->c, s, n, (size_t)pos, k ? PCRE2_NOTEMPTY_ATSTART : 0, ov)) {
    lua_pushinteger(L, -1);
    lua_replace(L, lua_upvalueindex(4));
    return 0;
  }
  lua_pushinteger(L, (lua_Integer)ov[1]);
  lua_replace(L, lua_upvalueindex(4));
  lua_pushinteger(L, k + 1);
  lua_replace(L, lua_upvalueindex(5));
  return push_match(L, b->c, s, ov);
}

/* r:gfind(text, init): an iterator of start, stop, groups... */
static int re_gfind(lua_State *L) {
  check_re(L, 1);
  size_t n, start;
  const char *s = check_subject(L, 2, &n);
  lua_Integer pos = check_init(L, 3, s, n, &start) ? (lua_Integer)start : -1;
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1)); /* r text state */
  lua_insert(L, 1);                      /* state r text */
  lua_pushinteger(L, pos);
  lua_pushinteger(L, 0); /* state r text pos k */
  lua_pushcclosure(L, gfind_aux, 5);
  return 1;
}

/* The group a "${...}" of a replacement names (name[0..len), digits or a
 * group name) in c, or -1. For a name used by several groups ((?J)), the
 * first of them that took part in the match (ov), or the first when ov is
 * NULL or none did. */
static int template_group(const re_code *c, const char *name, size_t len, const PCRE2_SIZE *ov) {
  if (len == 0) return -1;
  if (name[0] >= '0' && name[0] <= '9') {
    long g = 0;
    for (size_t i = 0; i < len; i++) {
      if (name[i] < '0' || name[i] > '9' || g > 100000) return -1;
      g = g * 10 + (name[i] - '0');
    }
    return g <= (long)c->ncap ? (int)g : -1;
  }
  char key[256];
  if (len >= sizeof key) return -1;
  memcpy(key, name, len);
  key[len] = '\0';
  PCRE2_SPTR first, last;
  int size = pcre2_substring_nametable_scan(c->code, (PCRE2_SPTR)key, &first, &last);
  if (size <= 0) return -1;
  int pick = (first[0] << 8) | first[1];
  for (PCRE2_SPTR e = first; ov && e <= last; e += size) {
    int g = (e[0] << 8) | e[1];
    if (ov[2 * g] != PCRE2_UNSET) return g;
  }
  return pick;
}

/* Checks a replacement string before any match: every '$' is "$$", "$"
 * and a digit, or "${group}" of a group of c. Raises an argument error. */
static void template_check(lua_State *L, int arg, const re_code *c, const char *r, size_t rl) {
  const char *p = r, *end = r + rl;
  while ((p = memchr(p, '$', (size_t)(end - p))) != NULL) {
    p++;
    if (p < end && *p == '$') {
      p++;
    } else if (p < end && *p >= '0' && *p <= '9') {
      if ((uint32_t)(*p - '0') > c->ncap)
        luaL_argerror(L, arg, lua_pushfstring(L, "no group %d in the pattern ($%c)", *p - '0', *p));
      p++;
    } else if (p < end && *p == '{') {
      const char *close = memchr(p, '}', (size_t)(end - p));
      if (!close) luaL_argerror(L, arg, "unclosed '${' in the replacement");
      if (template_group(c, p + 1, (size_t)(close - p - 1), NULL) < 0) {
        lua_pushlstring(L, p + 1, (size_t)(close - p - 1));
        luaL_argerror(L, arg, lua_pushfstring(L, "no group '%s' in the pattern", lua_tostring(L, -1)));
      }
      p = close + 1;
    } else {
      luaL_argerror(L, arg, "invalid use of '$' in the replacement (write $$ for a dollar)");
    }
  }
}

/* Appends the replacement r (checked by template_check) for one match. */
static void template_add(luaL_Buffer *B, const re_code *c, const char *r, size_t rl,
                         const char *s, const PCRE2_SIZE *ov) {
  const char *p = r, *end = r + rl;
  while (p < end) {
    const char *d = memchr(p, '$', (size_t)(end - p));
    if (!d) {
      luaL_addlstring(B, p, (size_t)(end - p));
      break;
    }
    luaL_addlstring(B, p, (size_t)(d - p));
    p = d + 1;
    int g;
    if (*p == '$') {
      luaL_addchar(B, '$');
      p++;
      continue;
    } else if (*p == '{') {
      const char *close = memchr(p, '}', (size_t)(end - p));
      g = template_group(c, p + 1, (size_t)(close - p - 1), ov);
      p = close + 1;
    } else {
      g = *p++ - '0';
    }
    if (ov[2 * g] != PCRE2_UNSET) luaL_addlstring(B, s + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
  }
}

/* Appends what a table or a function (at index 3) gives for one match: a
 * string or number replaces it, false or nil keeps it. */
static void value_add(lua_State *L, luaL_Buffer *B, const re_code *c, const char *s,
                      const PCRE2_SIZE *ov) {
  if (lua_type(L, 3) == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int nargs = 1;
    if (c->ncap == 0) {
      push_group(L, s, ov, 0);
    } else {
      luaL_checkstack(L, (int)c->ncap, "too many captures");
      for (uint32_t i = 1; i <= c->ncap; i++) push_group(L, s, ov, i);
      nargs = (int)c->ncap;
    }
    lua_call(L, nargs, 1); /* ... value */
  } else {
    push_group(L, s, ov, c->ncap == 0 ? 0 : 1);
    lua_gettable(L, 3); /* ... value */
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(B, s + ov[0], ov[1] - ov[0]);
  } else if (!lua_isstring(L, -1)) {
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  } else {
    luaL_addvalue(B);
  }
}

/* r:gsub(text, repl, n): the text with (the first n) matches replaced, and
 * the number of matches. */
static int re_gsub(lua_State *L) {
  re_code *c = check_re(L, 1);
  size_t n, rl = 0;
  const char *s = check_subject(L, 2, &n);
  int tr = lua_type(L, 3);
  lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)n + 1);
  luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION ||
                          tr == LUA_TTABLE, 3, "string/function/table");
  const char *r = NULL;
  if (tr == LUA_TNUMBER || tr == LUA_TSTRING) {
    r = lua_tolstring(L, 3, &rl);
    template_check(L, 3, c, r, rl);
  }
  lua_settop(L, 4);
  PCRE2_SIZE local[2 * RE_LOCAL_PAIRS], *ov = ovec(L, c, local);
  luaL_Buffer B;
  luaL_buffinit(L, &B);
  size_t pos = 0;
  lua_Integer count = 0;
  while (count < max_s) {
    if ((count & (RE_CHECK_EVERY - 1)) == RE_CHECK_EVERY - 1) check_deadline(L);
    if (!re_exec(L, c, s, n, pos, count ? PCRE2_NOTEMPTY_ATSTART : 0, ov)) break;
    count++;
    luaL_addlstring(&B, s + pos, ov[0] - pos);
    if (r) template_add(&B, c, r, rl, s, ov);
    else value_add(L, &B, c, s, ov);
    pos = ov[1];
  }
  luaL_addlstring(&B, s + pos, n - pos);
  luaL_pushresult(&B);
  lua_pushinteger(L, count);
  return 2;
}

static const luaL_Reg re_methods[] = {{"find", re_find}, {"gfind", re_gfind},
                                      {"gsub", re_gsub}, {"test", re_test},
                                      {NULL, NULL}};

void vg_lua_regex_open(lua_State *L, int vigie_table_index) {
  int t = lua_absindex(L, vigie_table_index);
  re_state *rs = lua_newuserdatauv(L, sizeof *rs, 1); /* rs */
  memset(rs, 0, sizeof *rs);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, state_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  luaL_newmetatable(L, RE_MT); /* rs mt */
  lua_pushcfunction(L, re_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, re_tostring);
  lua_setfield(L, -2, "__tostring");
  luaL_newlibtable(L, re_methods); /* rs mt methods */
  lua_pushvalue(L, -3);
  luaL_setfuncs(L, re_methods, 1);
  lua_setfield(L, -2, "__index"); /* rs mt */
  lua_pop(L, 1);                  /* rs */
  lua_pushcclosure(L, v_regex, 1);
  lua_setfield(L, t, "regex");
}
