/*
 * lua_terms.c: vigie.terms, the Lua face of the multi-term matcher
 * (terms.c).
 *
 *   local m = vigie.terms({ "badgeuse", "bracelet connecté" }, { words = true })
 *   local m = vigie.terms("terms.txt")   -- relative to the calling stage's folder
 *   for term, s, e in m:find(text) do ... end   -- text:sub(s, e) is the match
 *   m:count(text), m:any(text), #m, tostring(m)
 *   m:flag(doc, { rule = "geoloc" })   -- doc:flag for each match, in C
 *
 * What matches, in what order, and what a word boundary is: see terms.h.
 * #m is the number of terms in the list as given (duplicates included).
 * opts has only fold and words (booleans, default true); another key is
 * an error, as a typo would silently change what matches. Terms in a list
 * must be strings of valid UTF-8; in a file, lines are trimmed, and blank
 * lines and lines starting with # are left out (as vigie.read_lines).
 * Errors name the caller's file:line (argument errors via luaL_argerror);
 * an error in a terms file also names the file and its line.
 *
 * A matcher userdata holds one reference to a compiled automaton, shared
 * by every Lua state of the process that compiled the same list (the cache
 * of terms.c), and drops it in __gc; its uservalue is the list of terms as
 * written, which find returns. Scanners (the folded block, its map, the
 * matches waiting: a few hundred KB once warm) are C memory that belongs
 * to a pool, one per Lua state (a userdata, upvalue of the methods, freed
 * in __gc), not to each matcher, so a rule pack with dozens of matchers
 * costs no more: count and any use the pool's own scanner (no Lua code
 * runs while they do, so it is never used twice at once, and a raise
 * leaves it in the pool); find lends one from the pool's free list to its
 * iterator, which gives it back when it ends, or in __gc. So no raise (a
 * bad argument, --timeout) can leak one, and nothing is allocated per call
 * once warm.
 *
 * find is lazy: each call of the iterator scans until the next match is
 * settled, so breaking out of the loop early costs only what was scanned.
 * The loops look at the --timeout deadline after each block of text.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lua_bridge.h"
#include "terms.h"

#define TERMS_MT "vigie.terms"
#define ITER_MT "vigie.terms.iter"

#define POOL_FREE 4 /* idle scanners a pool keeps for find */

typedef struct terms_pool {
  vg_terms_scan *own;             /* for count and any; owned */
  vg_terms_scan *free[POOL_FREE]; /* idle, for find; owned */
  int nfree;
  int closed;                     /* collected: take nothing back */
} terms_pool;

typedef struct terms_box {
  vg_terms *m;   /* owned reference; NULL once collected */
  lua_Integer n; /* terms in the list */
} terms_box;

typedef struct iter_box {
  vg_terms_scan *sc; /* owned; NULL once the iteration is over */
  terms_box *tb;     /* the matcher, kept alive by the uservalue */
  terms_pool *pool;  /* where sc goes back (alive as long as the state) */
} iter_box;

#define POOL(L) ((terms_pool *)lua_touserdata(L, lua_upvalueindex(1)))

/* Raises "timeout" once the running stage is past --timeout, as the
 * instruction hook does (the worker reports it as the limit). */
static void check_deadline(lua_State *L) {
  vg_lstate *st = vg_lstate_get(L);
  if (st && st->deadline > 0 && vg_now() > st->deadline) {
    st->timed_out = 1;
    luaL_error(L, "timeout");
  }
}

static const char *check_text(lua_State *L, int arg, size_t *n) {
  const char *s = luaL_checklstring(L, arg, n);
  if (!vg_text_valid(s, *n)) luaL_argerror(L, arg, "not valid UTF-8");
  return s;
}

static terms_box *check_live(lua_State *L, int idx) {
  terms_box *tb = luaL_checkudata(L, idx, TERMS_MT);
  if (!tb->m) luaL_argerror(L, idx, "the matcher was collected");
  return tb;
}

/* opts at idx: { fold = bool, words = bool }; unknown keys are errors (a
 * typo would silently change what matches). */
static unsigned parse_opts(lua_State *L, int idx) {
  unsigned flags = VG_TERMS_FOLD | VG_TERMS_WORDS;
  if (lua_isnoneornil(L, idx)) return flags;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* ... key value */
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    unsigned bit = !k                      ? 0
                   : strcmp(k, "fold") == 0  ? VG_TERMS_FOLD
                   : strcmp(k, "words") == 0 ? VG_TERMS_WORDS
                                             : 0;
    if (!bit)
      luaL_argerror(L, idx, lua_pushfstring(L, "unknown option '%s' (expected fold, words)",
                                            k ? k : luaL_typename(L, -2)));
    if (!lua_isboolean(L, -1))
      luaL_argerror(L, idx, lua_pushfstring(L, "option '%s' must be a boolean, not %s", k,
                                            luaL_typename(L, -1)));
    if (lua_toboolean(L, -1))
      flags |= bit;
    else
      flags &= ~bit;
    lua_pop(L, 1); /* ... key */
  }
  return flags;
}

/* Pushes the path of file `path` relative to the folder of the calling
 * Lua function (its chunk name "@dir/stage.lua"), as vigie.read_lines
 * resolves it; "." when the caller has no file. */
static const char *push_path(lua_State *L, const char *path) {
  lua_Debug ar;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  if (path[0] != '/') {
    const char *slash = NULL, *src = NULL;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
      src = ar.source + 1;
      slash = strrchr(src, '/');
    }
    if (slash)
      luaL_addlstring(&b, src, (size_t)(slash - src) + (slash == src));
    else
      luaL_addchar(&b, '.');
    luaL_addchar(&b, '/');
  }
  luaL_addstring(&b, path);
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

/* Reads the terms file `path`: pushes its full path, the table of its
 * terms (lines trimmed, without blanks and # comments) and the table of
 * their line numbers. Raises an error naming the file when it cannot be
 * read or a line is not valid UTF-8. The bytes are read into a userdata,
 * so no raise leaks them. */
static void read_terms_file(lua_State *L, const char *path) {
  const char *full = push_path(L, path); /* ... full */
  int base = lua_gettop(L);
  struct stat sb;
  FILE *f = NULL;
  int err = 0;
  if (stat(full, &sb) != 0)
    err = errno;
  else if (!S_ISREG(sb.st_mode))
    err = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
  if (err) luaL_error(L, "vigie.terms: cannot read %s: %s", full, strerror(err));
  char *data = lua_newuserdatauv(L, (size_t)sb.st_size + 1, 0); /* ... full data */
  f = fopen(full, "rb");
  if (!f) luaL_error(L, "vigie.terms: cannot read %s: %s", full, strerror(errno));
  size_t n = fread(data, 1, (size_t)sb.st_size, f);
  int bad = ferror(f);
  err = errno;
  fclose(f);
  if (bad) luaL_error(L, "vigie.terms: cannot read %s: %s", full, strerror(err));
  data[n] = '\0';
  lua_newtable(L); /* ... full data lines */
  lua_newtable(L); /* ... full data lines linenos */
  lua_Integer count = 0, lineno = 0;
  char *p = data, *end = data + n;
  if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *e = nl ? nl : end, *q = p;
    lineno++;
    while (q < e && (*q == ' ' || *q == '\t')) q++;
    while (e > q && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
    if (q < e && *q != '#') {
      if (!vg_text_valid(q, (size_t)(e - q)))
        luaL_error(L, "vigie.terms: %s:%I: not valid UTF-8", full, lineno);
      lua_pushlstring(L, q, (size_t)(e - q));
      lua_rawseti(L, base + 2, ++count);
      lua_pushinteger(L, lineno);
      lua_rawseti(L, base + 3, count);
    }
    p = nl ? nl + 1 : end;
  }
  lua_remove(L, base + 1); /* ... full lines linenos */
}

/* Copies the list at index 1 into a new table, pushed, checking that every
 * term is a string of valid UTF-8. */
static void copy_list(lua_State *L) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  lua_createtable(L, n > 0 && n < (1 << 24) ? (int)n : 0, 0); /* ... copy */
  for (lua_Integer i = 1; i <= n; i++) {
    int t = lua_rawgeti(L, 1, i); /* ... copy term */
    if (t != LUA_TSTRING)
      luaL_argerror(L, 1, lua_pushfstring(L, "term %I is a %s, not a string", i,
                                          lua_typename(L, t)));
    size_t len;
    const char *s = lua_tolstring(L, -1, &len);
    if (!vg_text_valid(s, len))
      luaL_argerror(L, 1, lua_pushfstring(L, "term %I is not valid UTF-8", i));
    lua_rawseti(L, -2, i); /* ... copy */
  }
}

/* vigie.terms(list_or_file, opts): compiles (or finds in the cache) a
 * matcher for the list, or for the terms of a file relative to the calling
 * stage's folder. */
static int terms_new(lua_State *L) {
  int t = lua_type(L, 1);
  if (t != LUA_TTABLE && t != LUA_TSTRING)
    return luaL_typeerror(L, 1, "table of terms or file name");
  unsigned flags = parse_opts(L, 2);
  lua_settop(L, 2); /* src opts */
  const char *path = NULL;
  if (t == LUA_TSTRING) {
    read_terms_file(L, lua_tostring(L, 1)); /* src opts full terms linenos */
    path = lua_tostring(L, 3);
  } else {
    lua_pushnil(L);
    copy_list(L);
    lua_pushnil(L); /* src opts nil terms nil */
  }
  lua_Integer n = (lua_Integer)lua_rawlen(L, 4);
  if (n == 0) {
    if (path) return luaL_error(L, "vigie.terms: %s: no terms in the file", path);
    return luaL_argerror(L, 1, "empty term list");
  }
  if ((size_t)n > ((size_t)-1) / 2 / (sizeof(char *) + sizeof(size_t)))
    return luaL_error(L, "vigie.terms: too many terms");
  /* borrowed pointers into the strings of the terms table (anchored at 4) */
  const char **ptrs = lua_newuserdatauv(L, (size_t)n * (sizeof(char *) + sizeof(size_t)), 0);
  size_t *lens = (size_t *)(void *)(ptrs + n); /* src opts full terms linenos arrays */
  for (lua_Integer i = 0; i < n; i++) {
    lua_rawgeti(L, 4, i + 1);
    ptrs[i] = lua_tolstring(L, -1, &lens[i]);
    lua_pop(L, 1);
  }
  terms_box *tb = lua_newuserdatauv(L, sizeof *tb, 1); /* ... arrays box */
  memset(tb, 0, sizeof *tb);
  tb->n = n;
  luaL_setmetatable(L, TERMS_MT);
  lua_pushvalue(L, 4);
  lua_setiuservalue(L, -2, 1);
  char err[VG_ERRLEN];
  size_t bad;
  tb->m = vg_terms_get(ptrs, lens, (size_t)n, flags, err, &bad);
  if (tb->m) return 1;
  if (bad == (size_t)-1) return luaL_error(L, "vigie.terms: %s", err);
  if (path) {
    lua_rawgeti(L, 5, (lua_Integer)bad + 1);
    return luaL_error(L, "vigie.terms: %s:%I: %s", path, lua_tointeger(L, -1), err);
  }
  return luaL_argerror(L, 1, lua_pushfstring(L, "term %I: %s", (lua_Integer)bad + 1, err));
}

/* Ends an iteration: its scanner goes back to the pool if there is room
 * (and the pool is not collected: at lua_close every finalizer runs, in
 * any order, before any memory is freed), else is freed. */
static void iter_end(iter_box *it) {
  vg_terms_scan *sc = it->sc;
  terms_pool *p = it->pool;
  it->sc = NULL;
  if (sc && !p->closed && p->nfree < POOL_FREE)
    p->free[p->nfree++] = sc;
  else
    vg_terms_scan_free(sc);
}

/* The iterator of m:find: upvalues text, terms as written, iter_box.
 * Returns term, start, stop (1-based, inclusive), or nothing at the end. */
static int terms_iter(lua_State *L) {
  iter_box *it = lua_touserdata(L, lua_upvalueindex(3));
  if (!it->sc) return 0;
  if (!it->tb->m) return luaL_error(L, "vigie.terms: the matcher was collected");
  vg_terms_match mt;
  for (;;) {
    int r = vg_terms_scan_next(it->sc, &mt);
    if (r == VG_TERMS_FOUND) {
      lua_rawgeti(L, lua_upvalueindex(2), (lua_Integer)mt.term + 1);
      lua_pushinteger(L, (lua_Integer)mt.start + 1);
      lua_pushinteger(L, (lua_Integer)mt.end);
      return 3;
    }
    if (r == VG_TERMS_MORE) {
      check_deadline(L);
      continue;
    }
    iter_end(it);
    if (r < 0) return luaL_error(L, "not enough memory");
    return 0;
  }
}

/* m:find(text): an iterator of term, start, stop over text. */
static int terms_find(lua_State *L) {
  terms_box *tb = check_live(L, 1);
  size_t n;
  const char *s = check_text(L, 2, &n);
  lua_settop(L, 2);           /* m text */
  lua_getiuservalue(L, 1, 1); /* m text terms */
  terms_pool *p = POOL(L);
  iter_box *it = lua_newuserdatauv(L, sizeof *it, 1); /* m text terms it */
  it->sc = NULL;
  it->tb = tb;
  it->pool = p;
  luaL_setmetatable(L, ITER_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 1);
  if (p->nfree > 0)
    it->sc = p->free[--p->nfree];
  else if (!(it->sc = vg_terms_scan_new()))
    return luaL_error(L, "not enough memory");
  vg_terms_scan_start(it->sc, tb->m, s, n);
  lua_pushcclosure(L, terms_iter, 3); /* m iter */
  return 1;
}

/* Starts the pool's own scanner over s[0..n) (valid UTF-8). */
static vg_terms_scan *own_scan(lua_State *L, terms_box *tb, const char *s, size_t n) {
  terms_pool *p = POOL(L);
  if (!p->own && !(p->own = vg_terms_scan_new())) luaL_error(L, "not enough memory");
  vg_terms_scan_start(p->own, tb->m, s, n);
  return p->own;
}

/* m:count(text): the number of matches find would give. */
static int terms_count(lua_State *L) {
  terms_box *tb = check_live(L, 1);
  size_t n;
  const char *s = check_text(L, 2, &n);
  vg_terms_scan *sc = own_scan(L, tb, s, n);
  vg_terms_match mt;
  lua_Integer count = 0;
  for (;;) {
    int r = vg_terms_scan_next(sc, &mt);
    if (r == VG_TERMS_FOUND)
      count++;
    else if (r == VG_TERMS_MORE)
      check_deadline(L);
    else if (r == VG_TERMS_DONE)
      break;
    else
      return luaL_error(L, "not enough memory");
  }
  lua_pushinteger(L, count);
  return 1;
}

/* Reads m:flag's opts at idx: rule (required), label, note, score. */
static void flag_opts(lua_State *L, int idx, const char **rule, const char **label,
                      const char **note, double *score, int *score_is_int) {
  luaL_checktype(L, idx, LUA_TTABLE);
  *rule = *label = *note = NULL;
  *score = 1;
  *score_is_int = 1;
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* ... key value */
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";
    const char **str = !strcmp(k, "rule")    ? rule
                       : !strcmp(k, "label") ? label
                       : !strcmp(k, "note")  ? note
                                             : NULL;
    if (str) {
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_argerror(L, idx, lua_pushfstring(L, "'%s' must be a string, not %s", k,
                                              luaL_typename(L, -1)));
      *str = lua_tostring(L, -1); /* anchored in the table */
    } else if (!strcmp(k, "score")) {
      if (!lua_isnumber(L, -1)) luaL_argerror(L, idx, "'score' must be a number");
      *score_is_int = lua_isinteger(L, -1);
      *score = lua_tonumber(L, -1);
    } else {
      luaL_argerror(L, idx, lua_pushfstring(L, "unknown key '%s' (expected rule, label, note, score)", k));
    }
    lua_pop(L, 1);
  }
  if (!*rule) luaL_argerror(L, idx, "'rule' is required");
}

/* m:flag(doc, { rule = , label = , note = , score = }): flags every match
 * of find(doc.text) in doc, as doc:flag would, with the term as written for
 * label unless one is given; returns how many. The text is scanned where
 * it is, without a copy into Lua. */
static int terms_flag(lua_State *L) {
  terms_box *tb = check_live(L, 1);
  vg_doc *d = vg_lua_doc_check(L, 2);
  const char *rule, *label, *note;
  double score;
  int score_is_int;
  flag_opts(L, 3, &rule, &label, &note, &score, &score_is_int);
  lua_settop(L, 3);
  lua_getiuservalue(L, 1, 1); /* m doc opts terms */
  vg_lstate *st = vg_lstate_get(L);
  const char *stage = st && st->stage ? st->stage : "";
  vg_terms_scan *sc = own_scan(L, tb, d->text.data, d->text.len);
  vg_terms_match mt;
  lua_Integer count = 0;
  char err[VG_ERRLEN];
  for (;;) {
    int r = vg_terms_scan_next(sc, &mt);
    if (r == VG_TERMS_FOUND) {
      const char *lab = label;
      if (!lab) {
        lua_rawgeti(L, 4, (lua_Integer)mt.term + 1);
        lab = lua_tostring(L, -1);
        lua_pop(L, 1); /* still anchored in the terms table */
      }
      int rc = vg_doc_flag(d, rule, lab, note, stage, mt.start, mt.end, score, score_is_int, err);
      if (rc == -1) return luaL_error(L, "m:flag: %s", err);
      if (rc) return luaL_error(L, "not enough memory");
      count++;
    } else if (r == VG_TERMS_MORE) {
      check_deadline(L);
    } else if (r == VG_TERMS_DONE) {
      break;
    } else {
      return luaL_error(L, "not enough memory");
    }
  }
  lua_pushinteger(L, count);
  return 1;
}

/* m:any(text): true when find would give at least one match. */
static int terms_any(lua_State *L) {
  terms_box *tb = check_live(L, 1);
  size_t n;
  const char *s = check_text(L, 2, &n);
  vg_terms_scan *sc = own_scan(L, tb, s, n);
  vg_terms_match mt;
  for (;;) {
    int r = vg_terms_scan_next(sc, &mt);
    if (r == VG_TERMS_FOUND || r == VG_TERMS_DONE) {
      lua_pushboolean(L, r == VG_TERMS_FOUND);
      return 1;
    }
    if (r == VG_TERMS_MORE)
      check_deadline(L);
    else
      return luaL_error(L, "not enough memory");
  }
}

static int terms_len(lua_State *L) {
  terms_box *tb = luaL_checkudata(L, 1, TERMS_MT);
  lua_pushinteger(L, tb->n);
  return 1;
}

static int terms_tostring(lua_State *L) {
  terms_box *tb = luaL_checkudata(L, 1, TERMS_MT);
  unsigned f = tb->m ? vg_terms_flags_of(tb->m) : 0;
  lua_pushfstring(L, "vigie.terms (%I term%s%s%s)%s", tb->n, tb->n == 1 ? "" : "s",
                  f & VG_TERMS_FOLD ? ", folded" : ", exact",
                  f & VG_TERMS_WORDS ? ", whole words" : "", tb->m ? "" : " collected");
  return 1;
}

static int terms_gc(lua_State *L) {
  terms_box *tb = luaL_checkudata(L, 1, TERMS_MT);
  vg_terms_release(tb->m);
  tb->m = NULL;
  return 0;
}

static int pool_gc(lua_State *L) {
  terms_pool *p = lua_touserdata(L, 1);
  vg_terms_scan_free(p->own);
  p->own = NULL;
  while (p->nfree > 0) vg_terms_scan_free(p->free[--p->nfree]);
  p->closed = 1;
  return 0;
}

static int iter_gc(lua_State *L) {
  iter_box *it = luaL_checkudata(L, 1, ITER_MT);
  iter_end(it);
  return 0;
}

static const luaL_Reg terms_methods[] = {
    {"find", terms_find}, {"count", terms_count}, {"any", terms_any},
    {"flag", terms_flag}, {NULL, NULL}};

static const luaL_Reg terms_meta[] = {{"__len", terms_len},
                                      {"__tostring", terms_tostring},
                                      {"__gc", terms_gc},
                                      {NULL, NULL}};

void vg_lua_terms_open(lua_State *L, int vigie_table_index) {
  int v = lua_absindex(L, vigie_table_index);
  if (luaL_newmetatable(L, TERMS_MT)) { /* mt */
    luaL_setfuncs(L, terms_meta, 0);
    luaL_newlibtable(L, terms_methods); /* mt methods */
    terms_pool *p = lua_newuserdatauv(L, sizeof *p, 0); /* mt methods pool */
    memset(p, 0, sizeof *p);
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, pool_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    luaL_setfuncs(L, terms_methods, 1); /* mt methods */
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, TERMS_MT);
    lua_setfield(L, -2, "__metatable"); /* stages cannot swap __gc */
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, ITER_MT)) { /* mt */
    lua_pushcfunction(L, iter_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, ITER_MT);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, terms_new);
  lua_setfield(L, v, "terms");
}
