/* lua_json.c: Lua values <-> JSON (see lua_bridge.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lua_bridge.h"

#define MAX_DEPTH 200

void vg_lua_json_open(lua_State *L) {
  luaL_newmetatable(L, VG_ARRAY_MT); /* mt */
  lua_pushstring(L, "vigie.array");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
  lua_pushlightuserdata(L, NULL);
  lua_setfield(L, LUA_REGISTRYINDEX, VG_NULL_KEY);
}

static void push_json(lua_State *L, const json_t *v, int depth) {
  luaL_checkstack(L, 4, "JSON too deep");
  if (depth > MAX_DEPTH) luaL_error(L, "JSON nested deeper than %d levels", MAX_DEPTH);
  switch (json_typeof(v)) {
    case JSON_OBJECT: {
      const char *k;
      json_t *val;
      lua_createtable(L, 0, (int)json_object_size(v));
      json_object_foreach((json_t *)v, k, val) {
        push_json(L, val, depth + 1);
        lua_setfield(L, -2, k);
      }
      break;
    }
    case JSON_ARRAY:
      lua_createtable(L, (int)json_array_size(v), 0);
      for (size_t i = 0; i < json_array_size(v); i++) {
        push_json(L, json_array_get(v, i), depth + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
      }
      luaL_setmetatable(L, VG_ARRAY_MT);
      break;
    case JSON_STRING:
      lua_pushlstring(L, json_string_value(v), json_string_length(v));
      break;
    case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(v)); break;
    case JSON_REAL: lua_pushnumber(L, json_real_value(v)); break;
    case JSON_TRUE: lua_pushboolean(L, 1); break;
    case JSON_FALSE: lua_pushboolean(L, 0); break;
    case JSON_NULL: lua_pushlightuserdata(L, NULL); break;
  }
}

void vg_lua_push_json(lua_State *L, const json_t *v) { push_json(L, v, 0); }

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The array length of the table at idx when its keys are exactly 1..n,
 * else -1 (0 for an empty table). */
static lua_Integer array_len(lua_State *L, int idx) {
  lua_Integer n = 0, max = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* key value */
    lua_pop(L, 1);
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
      lua_pop(L, 1);
      return -1;
    }
    n++;
    if (lua_tointeger(L, -1) > max) max = lua_tointeger(L, -1);
  }
  return max == n ? n : -1;
}

static json_t *to_json(lua_State *L, int idx, vg_buf *path, int depth,
                       char err[VG_ERRLEN]);

static json_t *table_to_json(lua_State *L, int idx, vg_buf *path, int depth,
                             char err[VG_ERRLEN]) {
  size_t plen = path->len;
  int marked = 0;
  if (lua_getmetatable(L, idx)) { /* mt */
    luaL_getmetatable(L, VG_ARRAY_MT);
    marked = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
  }
  lua_Integer n = marked ? (lua_Integer)lua_rawlen(L, idx) : array_len(L, idx);
  if (n > 0 || marked) {
    json_t *arr = json_array();
    for (lua_Integer i = 1; arr && i <= n; i++) {
      lua_rawgeti(L, idx, i);
      vg_buf_printf(path, "[%lld]", (long long)i);
      json_t *item = to_json(L, lua_gettop(L), path, depth + 1, err);
      path->len = plen;
      path->data[plen] = '\0';
      lua_pop(L, 1);
      if (!item || json_array_append_new(arr, item)) {
        json_decref(arr);
        return NULL;
      }
    }
    return arr;
  }
  /* an object: string keys, written sorted so output never depends on
   * the order of a Lua table */
  size_t count = 0, cap = 16;
  char **keys = malloc(cap * sizeof *keys);
  if (!keys) return NULL;
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* key value */
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      vg_seterr(err, "%s: a table with %s keys cannot be written as JSON "
                "(use string keys, or an array 1..n)", path->data,
                luaL_typename(L, -1));
      lua_pop(L, 1);
      free(keys);
      return NULL;
    }
    if (count == cap) {
      char **p = realloc(keys, (cap *= 2) * sizeof *keys);
      if (!p) {
        lua_pop(L, 1);
        free(keys);
        return NULL;
      }
      keys = p;
    }
    keys[count++] = (char *)lua_tostring(L, -1); /* kept alive by the table */
  }
  qsort(keys, count, sizeof *keys, cmp_str);
  json_t *obj = json_object();
  for (size_t i = 0; obj && i < count; i++) {
    lua_getfield(L, idx, keys[i]);
    vg_buf_printf(path, ".%s", keys[i]);
    json_t *item = to_json(L, lua_gettop(L), path, depth + 1, err);
    path->len = plen;
    path->data[plen] = '\0';
    lua_pop(L, 1);
    if (!item || json_object_set_new(obj, keys[i], item)) {
      json_decref(obj);
      obj = NULL;
    }
  }
  free(keys);
  return obj;
}

static json_t *to_json(lua_State *L, int idx, vg_buf *path, int depth,
                       char err[VG_ERRLEN]) {
  if (depth > MAX_DEPTH) {
    vg_seterr(err, "%s: nested deeper than %d levels (a table that contains itself?)",
              path->data, MAX_DEPTH);
    return NULL;
  }
  luaL_checkstack(L, 6, "JSON too deep");
  switch (lua_type(L, idx)) {
    case LUA_TNIL: return json_null();
    case LUA_TBOOLEAN: return json_boolean(lua_toboolean(L, idx));
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) return json_integer((json_int_t)lua_tointeger(L, idx));
      if (!isfinite(lua_tonumber(L, idx))) {
        vg_seterr(err, "%s: %s cannot be written as JSON", path->data,
                  lua_tostring(L, idx));
        return NULL;
      }
      return json_real(lua_tonumber(L, idx));
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(L, idx, &n);
      json_t *v = json_stringn_nocheck(s, n);
      if (v && !vg_text_valid(s, n)) {
        json_decref(v);
        vg_seterr(err, "%s: a string that is not valid UTF-8 cannot be written as JSON",
                  path->data);
        return NULL;
      }
      return v;
    }
    case LUA_TLIGHTUSERDATA:
      if (lua_touserdata(L, idx) == NULL) return json_null();
      break;
    case LUA_TTABLE: {
      json_t *v = table_to_json(L, idx, path, depth, err);
      return v;
    }
  }
  vg_seterr(err, "%s: a %s cannot be written as JSON", path->data,
            luaL_typename(L, idx));
  return NULL;
}

json_t *vg_lua_to_json(lua_State *L, int idx, const char *what,
                       char err[VG_ERRLEN]) {
  vg_buf path = {0};
  idx = lua_absindex(L, idx);
  err[0] = '\0';
  if (vg_buf_append(&path, what, strlen(what))) return NULL;
  json_t *v = to_json(L, idx, &path, 0, err);
  if (!v && !err[0]) vg_seterr(err, "%s: out of memory", what);
  vg_buf_free(&path);
  return v;
}
