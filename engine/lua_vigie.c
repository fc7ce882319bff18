/*
 * lua_vigie.c: the `vigie` module that stages use: Unicode helpers
 * (normalize, casefold, fold, len, valid), JSON, the stable hash, reading
 * word lists, and making documents. Argument errors go through luaL_*
 * checks so messages carry the caller's file:line; expected failures
 * (a file that cannot be read, JSON that does not parse) return nil and a
 * message.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xxhash.h>

#include "json_out.h"
#include "lua_bridge.h"

static const char *check_utf8(lua_State *L, int arg, size_t *n) {
  const char *s = luaL_checklstring(L, arg, n);
  if (!vg_text_valid(s, *n)) luaL_argerror(L, arg, "not valid UTF-8");
  return s;
}

static int push_buf(lua_State *L, int rc) {
  vg_lstate *st = vg_lstate_get(L);
  if (rc) return luaL_error(L, "out of memory");
  lua_pushlstring(L, st->scratch.data, st->scratch.len);
  return 1;
}

static int v_normalize(lua_State *L) {
  size_t n;
  const char *s = check_utf8(L, 1, &n);
  vg_norm form;
  if (vg_norm_parse(luaL_optstring(L, 2, "NFC"), &form))
    return luaL_argerror(L, 2, "expected NFC, NFD, NFKC, NFKD or none");
  return push_buf(L, vg_text_normalize(s, n, form, &vg_lstate_get(L)->scratch));
}

static int v_casefold(lua_State *L) {
  size_t n;
  const char *s = check_utf8(L, 1, &n);
  return push_buf(L, vg_text_casefold(s, n, &vg_lstate_get(L)->scratch));
}

static int v_fold(lua_State *L) {
  size_t n;
  const char *s = check_utf8(L, 1, &n);
  return push_buf(L, vg_text_fold(s, n, &vg_lstate_get(L)->scratch));
}

static int v_len(lua_State *L) {
  size_t n;
  const char *s = check_utf8(L, 1, &n);
  lua_pushinteger(L, (lua_Integer)vg_text_len(s, n));
  return 1;
}

static int v_valid(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  lua_pushboolean(L, vg_text_valid(s, n));
  return 1;
}

static int v_hash(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)XXH64(s, n, 0));
  lua_pushstring(L, hex);
  return 1;
}

static int v_array(lua_State *L) {
  if (lua_isnoneornil(L, 1)) lua_newtable(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  luaL_setmetatable(L, VG_ARRAY_MT);
  return 1;
}

static int v_json_encode(lua_State *L) {
  char err[VG_ERRLEN];
  luaL_checkany(L, 1);
  json_t *v = vg_lua_to_json(L, 1, "value", err);
  if (!v) return luaL_error(L, "vigie.json.encode: %s", err);
  vg_buf *b = &vg_lstate_get(L)->scratch;
  vg_buf_reset(b);
  int rc = vg_json_value(b, v);
  json_decref(v);
  return push_buf(L, rc);
}

/* How deeply v nests (a scalar is 0). */
static int json_depth(const json_t *v) {
  int d = 0;
  if (json_is_array(v)) {
    for (size_t i = 0; i < json_array_size(v); i++) {
      int c = json_depth(json_array_get(v, i));
      if (c > d) d = c;
    }
    return d + 1;
  }
  if (json_is_object(v)) {
    const char *k;
    json_t *val;
    json_object_foreach((json_t *)v, k, val) {
      int c = json_depth(val);
      if (c > d) d = c;
    }
    return d + 1;
  }
  return 0;
}

static int v_json_decode(lua_State *L) {
  size_t n;
  const char *s = luaL_checklstring(L, 1, &n);
  json_error_t e;
  json_t *v = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!v) {
    luaL_pushfail(L);
    lua_pushfstring(L, "invalid JSON at line %d, column %d: %s", e.line, e.column, e.text);
    return 2;
  }
  if (json_depth(v) > 200) {
    json_decref(v);
    luaL_pushfail(L);
    lua_pushliteral(L, "invalid JSON: nested deeper than 200 levels");
    return 2;
  }
  /* pushing raises only on memory errors; the value is small next to the limit */
  vg_lua_push_json(L, v);
  json_decref(v);
  return 1;
}

/* The folder of the Lua function that called us, from its chunk name
 * ("@path/to/stage.lua"), into out; "." when it has none. */
static void caller_dir(lua_State *L, vg_buf *out) {
  lua_Debug ar;
  vg_buf_reset(out);
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) && ar.source[0] == '@') {
    const char *src = ar.source + 1;
    const char *slash = strrchr(src, '/');
    if (slash) {
      vg_buf_append(out, src, (size_t)(slash - src) + (slash == src));
      return;
    }
  }
  vg_buf_append(out, ".", 1);
}

/* vigie.read_lines(path): the lines of a file relative to the calling
 * stage's folder, without comments (#...) and blank lines, trimmed. The
 * file is read into Lua-owned memory first, so no raise can leak. */
static int v_read_lines(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  vg_buf *full = &vg_lstate_get(L)->scratch;
  if (path[0] != '/') {
    caller_dir(L, full);
    vg_buf_putc(full, '/');
  } else {
    vg_buf_reset(full);
  }
  vg_buf_append(full, path, strlen(path));
  lua_pushstring(L, full->data); /* path full */
  const char *fname = lua_tostring(L, -1);
  struct stat sb;
  FILE *f = NULL;
  if (stat(fname, &sb) == 0 && S_ISREG(sb.st_mode)) {
    char *data = lua_newuserdatauv(L, (size_t)sb.st_size + 1, 0); /* path full data */
    f = fopen(fname, "rb");
    if (f) {
      size_t n = fread(data, 1, (size_t)sb.st_size, f);
      int bad = ferror(f);
      fclose(f);
      if (!bad) {
        data[n] = '\0';
        lua_newtable(L); /* path full data lines */
        lua_Integer i = 0;
        char *p = data, *end = data + n;
        if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
        while (p < end) {
          char *nl = memchr(p, '\n', (size_t)(end - p));
          char *e = nl ? nl : end, *q = p;
          while (q < e && (*q == ' ' || *q == '\t')) q++;
          while (e > q && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
          if (q < e && *q != '#') {
            lua_pushlstring(L, q, (size_t)(e - q));
            lua_rawseti(L, -2, ++i);
          }
          p = nl ? nl + 1 : end;
        }
        return 1;
      }
    }
  } else if (stat(fname, &sb) == 0) {
    errno = EISDIR;
  }
  luaL_pushfail(L);
  lua_pushfstring(L, "%s: %s", fname, strerror(errno));
  return 2;
}

/* vigie.doc{id=, text=, meta=}: a document owned by Lua, for tests and
 * splitting. */
static int v_doc(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "id");
  lua_getfield(L, 1, "text");
  lua_getfield(L, 1, "source");
  lua_getfield(L, 1, "path"); /* t id text source path */
  const char *id = luaL_optstring(L, 2, "doc");
  size_t n = 0;
  const char *text = luaL_optlstring(L, 3, "", &n);
  const char *source = luaL_optstring(L, 4, "");
  const char *path = luaL_optstring(L, 5, id);
  char err[VG_ERRLEN];
  json_t *meta = NULL;
  if (lua_getfield(L, 1, "meta") != LUA_TNIL) {
    meta = vg_lua_to_json(L, -1, "meta", err);
    if (!meta || !json_is_object(meta)) {
      json_decref(meta);
      return luaL_error(L, "vigie.doc: %s", meta ? "meta must be a table" : err);
    }
  }
  vg_doc *d = vg_doc_new(id, source, path);
  if (!d) {
    json_decref(meta);
    return luaL_error(L, "out of memory");
  }
  if (meta) {
    json_decref(d->meta);
    d->meta = meta;
  }
  d->bytes = n;
  if (vg_lua_doc_settext(L, d, text, n, err)) {
    vg_doc_free(d);
    return luaL_error(L, "vigie.doc: %s", err);
  }
  vg_lua_doc_push(L, d, 1);
  return 1;
}

static const luaL_Reg vigie_funcs[] = {
    {"normalize", v_normalize}, {"casefold", v_casefold}, {"fold", v_fold},
    {"len", v_len},             {"valid", v_valid},       {"hash", v_hash},
    {"array", v_array},         {"read_lines", v_read_lines},
    {"doc", v_doc},             {NULL, NULL}};

int luaopen_vigie(lua_State *L) {
  luaL_newlib(L, vigie_funcs); /* vigie */
  vg_lua_regex_open(L, -1);
  vg_lua_terms_open(L, -1);
  lua_createtable(L, 0, 2);    /* vigie json */
  lua_pushcfunction(L, v_json_encode);
  lua_setfield(L, -2, "encode");
  lua_pushcfunction(L, v_json_decode);
  lua_setfield(L, -2, "decode");
  lua_setfield(L, -2, "json");
  lua_pushlightuserdata(L, NULL);
  lua_setfield(L, -2, "null");
  lua_pushliteral(L, VIGIE_VERSION);
  lua_setfield(L, -2, "version");
  return 1;
}
