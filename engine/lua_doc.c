/*
 * lua_doc.c: the document as Lua sees it: a userdata box around a vg_doc.
 * Two user values: 1, the metadata table once a stage has asked for it
 * (converted from and back to JSON only then); 2, the text as a Lua string
 * once a stage has read it (so reading doc.text twice copies it once).
 * A box is emptied when its document leaves the pipeline; touching it
 * afterwards is an error, not a crash.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "lua_bridge.h"
#include "segment.h"

typedef struct doc_box {
  vg_doc *doc;       /* NULL once emptied */
  int owned;         /* the box frees doc when collected */
  char *drop_reason; /* set by doc:drop, owned */
} doc_box;

enum { UV_META = 1, UV_TEXT = 2 };

static doc_box *box_at(lua_State *L, int idx) {
  return (doc_box *)luaL_checkudata(L, idx, VG_DOC_MT);
}

vg_doc *vg_lua_doc_check(lua_State *L, int idx) {
  doc_box *b = box_at(L, idx);
  if (!b->doc)
    luaL_error(L, "attempt to use a document after it left the pipeline "
                  "(keep what you need from it, not the document)");
  return b->doc;
}

int vg_lua_doc_is(lua_State *L, int idx) {
  return luaL_testudata(L, idx, VG_DOC_MT) != NULL;
}

int vg_lua_doc_live(lua_State *L, int idx) {
  doc_box *b = luaL_testudata(L, idx, VG_DOC_MT);
  return b && b->doc;
}

void vg_lua_doc_push(lua_State *L, vg_doc *d, int owned) {
  doc_box *b = lua_newuserdatauv(L, sizeof *b, 2); /* box */
  b->doc = d;
  b->owned = owned;
  b->drop_reason = NULL;
  luaL_setmetatable(L, VG_DOC_MT);
}

const char *vg_lua_doc_dropped(lua_State *L, int idx) {
  return box_at(L, idx)->drop_reason;
}

/* Writes the metadata table of the box at idx back into its document, if
 * a stage materialized it. Returns 0, or -1 with err set. */
static int sync_meta(lua_State *L, int idx, doc_box *b, char err[VG_ERRLEN]) {
  int rc = 0;
  if (lua_getiuservalue(L, idx, UV_META) == LUA_TTABLE) { /* meta */
    json_t *m = vg_lua_to_json(L, -1, "doc.meta", err);
    if (!m) rc = -1;
    else if (!json_is_object(m)) {
      json_decref(m);
      vg_seterr(err, "doc.meta must be a table with string keys");
      rc = -1;
    } else {
      json_decref(b->doc->meta);
      b->doc->meta = m;
    }
  }
  lua_pop(L, 1);
  return rc;
}

vg_doc *vg_lua_doc_take(lua_State *L, int idx, char err[VG_ERRLEN]) {
  idx = lua_absindex(L, idx);
  doc_box *b = box_at(L, idx);
  vg_doc *d = b->doc;
  if (!d) {
    vg_seterr(err, "the document was already taken");
    return NULL;
  }
  int rc = sync_meta(L, idx, b, err);
  b->doc = NULL;
  b->owned = 0;
  free(b->drop_reason);
  b->drop_reason = NULL;
  lua_pushnil(L);
  lua_setiuservalue(L, idx, UV_META);
  lua_pushnil(L);
  lua_setiuservalue(L, idx, UV_TEXT);
  if (rc) {
    vg_doc_free(d);
    return NULL;
  }
  return d;
}

int vg_lua_doc_settext(lua_State *L, vg_doc *d, const char *s, size_t n,
                       char err[VG_ERRLEN]) {
  vg_lstate *st = vg_lstate_get(L);
  if (d->nflags) {
    vg_seterr(err, "doc.text cannot change: the document has flags (from stage "
              "'%s'); call doc:clear_flags() first, or transform before flagging",
              d->flags[0].stage);
    return -1;
  }
  if (!vg_text_valid(s, n)) {
    vg_seterr(err, "doc.text: the new text is not valid UTF-8");
    return -1;
  }
  vg_buf tmp = {0};
  if (vg_text_normalize(s, n, st ? st->norm : VG_NORM_NFC, &tmp)) {
    vg_buf_free(&tmp);
    vg_seterr(err, "doc.text: out of memory");
    return -1;
  }
  vg_buf_free(&d->text);
  d->text = tmp;
  d->lc_line = 0;
  return 0;
}

/* ---- methods ---- */

static int doc_tag(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  int n = lua_gettop(L);
  for (int i = 2; i <= n; i++) luaL_checkstring(L, i);
  for (int i = 2; i <= n; i++)
    if (vg_doc_tag(d, lua_tostring(L, i))) return luaL_error(L, "out of memory");
  lua_settop(L, 1);
  return 1;
}

static int doc_untag(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  vg_doc_untag(d, luaL_checkstring(L, 2));
  lua_settop(L, 1);
  return 1;
}

static int doc_has(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  lua_pushboolean(L, vg_doc_has(d, luaL_checkstring(L, 2)));
  return 1;
}

static int doc_tags(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  lua_createtable(L, (int)d->ntags, 0);
  for (size_t i = 0; i < d->ntags; i++) {
    lua_pushstring(L, d->tags[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* Pushes t[k], which must be a string (or a number), or nil when optional.
 * Returns the string, or NULL for nil. */
static const char *push_field_str(lua_State *L, int t, const char *k, int required) {
  int ty = lua_getfield(L, t, k);
  if (ty == LUA_TSTRING || ty == LUA_TNUMBER) return lua_tostring(L, -1);
  if (ty == LUA_TNIL && !required) return NULL;
  luaL_error(L, "doc:flag: field '%s' must be a string%s, not %s", k,
             required ? " (the rule's id)" : "", lua_typename(L, ty));
  return NULL;
}

static lua_Integer field_int(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  int ok;
  lua_Integer v = lua_tointegerx(L, -1, &ok);
  if (!ok)
    luaL_error(L, "doc:flag: field '%s' must be an integer byte offset, not %s", k,
               luaL_typename(L, -1));
  lua_pop(L, 1);
  return v;
}

/* doc:flag{rule=, start=, stop=, label=, score=, note=} */
static int doc_flag(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  const char *rule = push_field_str(L, 2, "rule", 1);
  const char *label = push_field_str(L, 2, "label", 0);
  const char *note = push_field_str(L, 2, "note", 0);
  lua_Integer start = field_int(L, 2, "start");
  lua_Integer stop = field_int(L, 2, "stop");
  double score = 1;
  int score_is_int = 1;
  if (lua_getfield(L, 2, "score") != LUA_TNIL) {
    if (!lua_isnumber(L, -1)) return luaL_error(L, "doc:flag: field 'score' must be a number");
    score_is_int = lua_isinteger(L, -1);
    score = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  if (start < 1 || stop < start - 1 || (size_t)stop > d->text.len)
    return luaL_error(L, "doc:flag: span %I..%I is outside the text (1..%I)",
                      (LUA_INTEGER)start, (LUA_INTEGER)stop, (LUA_INTEGER)d->text.len);
  vg_lstate *st = vg_lstate_get(L);
  char err[VG_ERRLEN];
  int rc = vg_doc_flag(d, rule, label, note, st && st->stage ? st->stage : "",
                       (size_t)start - 1, (size_t)stop, score, score_is_int, err);
  if (rc == -1) return luaL_error(L, "doc:flag: %s", err);
  if (rc) return luaL_error(L, "out of memory");
  lua_settop(L, 1);
  return 1;
}

static void push_flag(lua_State *L, const vg_doc *d, const vg_flag *f) {
  lua_createtable(L, 0, 10);
  lua_pushstring(L, f->rule);
  lua_setfield(L, -2, "rule");
  lua_pushstring(L, f->label);
  lua_setfield(L, -2, "label");
  lua_pushinteger(L, (lua_Integer)f->start + 1);
  lua_setfield(L, -2, "start");
  lua_pushinteger(L, (lua_Integer)f->end);
  lua_setfield(L, -2, "stop");
  lua_pushinteger(L, (lua_Integer)f->line);
  lua_setfield(L, -2, "line");
  lua_pushinteger(L, (lua_Integer)f->col);
  lua_setfield(L, -2, "col");
  size_t page = vg_doc_page(d, f->start);
  if (page) {
    lua_pushinteger(L, (lua_Integer)page);
    lua_setfield(L, -2, "page");
  }
  if (f->score_is_int) lua_pushinteger(L, (lua_Integer)f->score);
  else lua_pushnumber(L, f->score);
  lua_setfield(L, -2, "score");
  lua_pushlstring(L, d->text.data + f->start, f->end - f->start);
  lua_setfield(L, -2, "match");
  size_t from, to;
  vg_doc_excerpt(d, NULL, f->start, f->end, &from, &to);
  lua_pushlstring(L, d->text.data + from, to - from);
  lua_setfield(L, -2, "excerpt");
  lua_pushstring(L, f->stage);
  lua_setfield(L, -2, "stage");
  if (f->note) {
    lua_pushstring(L, f->note);
    lua_setfield(L, -2, "note");
  }
}

static int doc_flags(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  lua_createtable(L, (int)d->nflags, 0);
  for (size_t i = 0; i < d->nflags; i++) {
    push_flag(L, d, &d->flags[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

static int doc_clear_flags(lua_State *L) {
  vg_doc_clear_flags(vg_lua_doc_check(L, 1));
  lua_settop(L, 1);
  return 1;
}

static int doc_drop(lua_State *L) {
  vg_lua_doc_check(L, 1);
  doc_box *b = box_at(L, 1);
  const char *reason = luaL_optstring(L, 2, NULL);
  if (!reason) reason = vg_lstate_get(L)->stage ? vg_lstate_get(L)->stage : "dropped";
  char *copy = vg_strdup(reason);
  if (!copy) return luaL_error(L, "out of memory");
  free(b->drop_reason);
  b->drop_reason = copy;
  lua_settop(L, 1);
  return 1;
}

/* Iterator state: upvalue 1 the box, upvalue 2 the next byte offset. */
static int lines_next(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, lua_upvalueindex(1));
  lua_Integer pos = lua_tointeger(L, lua_upvalueindex(2));
  if ((size_t)pos >= d->text.len) return 0;
  const char *s = d->text.data + pos;
  const char *nl = memchr(s, '\n', d->text.len - (size_t)pos);
  size_t len = nl ? (size_t)(nl - s) : d->text.len - (size_t)pos;
  lua_pushlstring(L, s, len);
  lua_pushinteger(L, pos + 1);
  lua_pushinteger(L, pos + (lua_Integer)len);
  lua_pushinteger(L, pos + (lua_Integer)len + 1);
  lua_replace(L, lua_upvalueindex(2));
  return 3;
}

static int doc_lines(lua_State *L) {
  vg_lua_doc_check(L, 1);
  lua_settop(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, lines_next, 2);
  return 1;
}

/* Spans of a segmentation, owned by a userdata so that a raise frees them. */
typedef struct spans_box {
  vg_span *v;
  size_t n;
} spans_box;

#define VG_SPANS_MT "vigie.spans"

static int spans_gc(lua_State *L) {
  spans_box *b = luaL_checkudata(L, 1, VG_SPANS_MT);
  free(b->v);
  b->v = NULL;
  b->n = 0;
  return 0;
}

/* Iterator: upvalues box, spans, index. Returns text, start, stop. */
static int spans_next(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, lua_upvalueindex(1));
  spans_box *b = lua_touserdata(L, lua_upvalueindex(2));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
  if ((size_t)i >= b->n) return 0;
  vg_span sp = b->v[i];
  if (sp.end > d->text.len) return luaL_error(L, "the text changed while iterating over it");
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(3));
  lua_pushlstring(L, d->text.data + sp.start, sp.end - sp.start);
  lua_pushinteger(L, (lua_Integer)sp.start + 1);
  lua_pushinteger(L, (lua_Integer)sp.end);
  return 3;
}

static int segments(lua_State *L, int (*seg)(const char *, size_t, vg_span **, size_t *)) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  lua_settop(L, 1);
  spans_box *b = lua_newuserdatauv(L, sizeof *b, 0); /* box spans */
  b->v = NULL;
  b->n = 0;
  if (luaL_newmetatable(L, VG_SPANS_MT)) {
    lua_pushcfunction(L, spans_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  if (seg(d->text.data, d->text.len, &b->v, &b->n)) return luaL_error(L, "out of memory");
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, spans_next, 3);
  return 1;
}

/* doc:sentences(), doc:paragraphs(): iterators of text, start, stop. */
static int doc_sentences(lua_State *L) { return segments(L, vg_segment_sentences); }
static int doc_paragraphs(lua_State *L) { return segments(L, vg_segment_paragraphs); }

/* doc:derive{text=, id_suffix=, meta=} */
static int doc_derive(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  char err[VG_ERRLEN];
  size_t n;
  const char *text;
  if (lua_getfield(L, 2, "text") == LUA_TNIL) text = d->text.data, n = d->text.len;
  else if (lua_type(L, -1) == LUA_TSTRING) text = lua_tolstring(L, -1, &n);
  else return luaL_error(L, "doc:derive: field 'text' must be a string");
  char suffix[32];
  const char *sfx;
  if (lua_getfield(L, 2, "id_suffix") == LUA_TNIL) {
    snprintf(suffix, sizeof suffix, "%d", d->derived_count + 1);
    sfx = suffix;
  } else if (lua_type(L, -1) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
    sfx = lua_tostring(L, -1);
  } else {
    return luaL_error(L, "doc:derive: field 'id_suffix' must be a string");
  }
  vg_doc *nd = vg_doc_derive(d, sfx, "", 0);
  if (!nd) return luaL_error(L, "out of memory");
  d->derived_count++;
  if (vg_lua_doc_settext(L, nd, text, n, err)) {
    vg_doc_free(nd);
    return luaL_error(L, "doc:derive: %s", err);
  }
  if (lua_getfield(L, 2, "meta") != LUA_TNIL) {
    json_t *m = vg_lua_to_json(L, -1, "meta", err);
    if (!m || !json_is_object(m)) {
      json_decref(m);
      vg_doc_free(nd);
      return luaL_error(L, "doc:derive: %s", m ? "meta must be a table" : err);
    }
    json_decref(nd->meta);
    nd->meta = m;
  } else if (lua_getiuservalue(L, 1, UV_META) == LUA_TTABLE) {
    /* the parent's metadata as the stage sees it now */
    json_t *m = vg_lua_to_json(L, -1, "doc.meta", err);
    if (!m) {
      vg_doc_free(nd);
      return luaL_error(L, "doc:derive: %s", err);
    }
    json_decref(nd->meta);
    nd->meta = m;
  }
  vg_lua_doc_push(L, nd, 1);
  return 1;
}

/* doc:unique(key): keep only the first document, in input order, with this
 * key; the later ones are dropped when they leave the pipeline. */
static int doc_unique(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  size_t n;
  const char *key = luaL_checklstring(L, 2, &n);
  XXH128_hash_t h = XXH3_128bits(key, n);
  const char *stage = vg_lstate_get(L)->stage;
  char *copy = vg_strdup(stage ? stage : "unique");
  if (!copy) return luaL_error(L, "out of memory");
  free(d->unique_stage);
  d->unique_stage = copy;
  d->unique[0] = h.low64;
  d->unique[1] = h.high64;
  d->has_unique = 1;
  lua_settop(L, 1);
  return 1;
}

static int doc_index(lua_State *L);

static const luaL_Reg doc_methods[] = {
    {"tag", doc_tag},     {"untag", doc_untag},
    {"has", doc_has},     {"tags", doc_tags},
    {"flag", doc_flag},   {"flags", doc_flags},
    {"clear_flags", doc_clear_flags},
    {"drop", doc_drop},   {"lines", doc_lines},
    {"sentences", doc_sentences}, {"paragraphs", doc_paragraphs},
    {"derive", doc_derive}, {"unique", doc_unique}, {NULL, NULL}};

static int doc_index(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  const char *k = luaL_checkstring(L, 2);
  switch (k[0]) {
    case 'b':
      if (!strcmp(k, "bytes")) { lua_pushinteger(L, (lua_Integer)d->bytes); return 1; }
      break;
    case 'e':
      if (!strcmp(k, "encoding")) { lua_pushstring(L, vg_encoding_name(d->encoding)); return 1; }
      if (!strcmp(k, "ext")) {
        char ext[64];
        vg_doc_ext(d, ext, sizeof ext);
        lua_pushstring(L, ext);
        return 1;
      }
      break;
    case 'f':
      if (!strcmp(k, "format")) { lua_pushstring(L, d->format); return 1; }
      break;
    case 'i':
      if (!strcmp(k, "id")) { lua_pushstring(L, d->id); return 1; }
      break;
    case 'm':
      if (!strcmp(k, "mtime")) {
        if (d->has_mtime) lua_pushinteger(L, d->mtime);
        else lua_pushnil(L);
        return 1;
      }
      if (!strcmp(k, "meta")) {
        if (lua_getiuservalue(L, 1, UV_META) != LUA_TTABLE) {
          lua_pop(L, 1);
          vg_lua_push_json(L, d->meta);
          lua_pushvalue(L, -1);
          lua_setiuservalue(L, 1, UV_META);
        }
        return 1;
      }
      break;
    case 'n':
      if (!strcmp(k, "name")) { lua_pushstring(L, vg_doc_name(d)); return 1; }
      break;
    case 'p':
      if (!strcmp(k, "path")) { lua_pushstring(L, d->path); return 1; }
      break;
    case 'r':
      if (!strcmp(k, "replaced")) { lua_pushinteger(L, (lua_Integer)d->replaced); return 1; }
      break;
    case 's':
      if (!strcmp(k, "source")) { lua_pushstring(L, d->source); return 1; }
      break;
    case 't':
      if (!strcmp(k, "text")) {
        if (lua_getiuservalue(L, 1, UV_TEXT) != LUA_TSTRING) {
          lua_pop(L, 1);
          lua_pushlstring(L, d->text.data, d->text.len);
          lua_pushvalue(L, -1);
          lua_setiuservalue(L, 1, UV_TEXT);
        }
        return 1;
      }
      break;
  }
  lua_getfield(L, lua_upvalueindex(1), k); /* methods[k] */
  return 1;
}

static int doc_newindex(lua_State *L) {
  vg_doc *d = vg_lua_doc_check(L, 1);
  const char *k = luaL_checkstring(L, 2);
  char err[VG_ERRLEN];
  if (!strcmp(k, "text")) {
    size_t n;
    const char *s = lua_tolstring(L, 3, &n);
    if (lua_type(L, 3) != LUA_TSTRING)
      return luaL_error(L, "doc.text must be a string, not a %s", luaL_typename(L, 3));
    if (vg_lua_doc_settext(L, d, s, n, err)) return luaL_error(L, "%s", err);
    if (d->text.len == n && memcmp(d->text.data, s, n) == 0) lua_pushvalue(L, 3);
    else lua_pushnil(L);
    lua_setiuservalue(L, 1, UV_TEXT);
    return 0;
  }
  if (!strcmp(k, "meta")) {
    if (lua_type(L, 3) != LUA_TTABLE)
      return luaL_error(L, "doc.meta must be a table, not a %s", luaL_typename(L, 3));
    lua_pushvalue(L, 3);
    lua_setiuservalue(L, 1, UV_META);
    return 0;
  }
  return luaL_error(L, "doc.%s is read-only (stages may set doc.text and doc.meta)", k);
}

static int doc_tostring(lua_State *L) {
  doc_box *b = box_at(L, 1);
  if (b->doc) lua_pushfstring(L, "vigie.doc(%s)", b->doc->id);
  else lua_pushliteral(L, "vigie.doc(gone)");
  return 1;
}

static int doc_gc(lua_State *L) {
  doc_box *b = box_at(L, 1);
  if (b->owned) vg_doc_free(b->doc);
  free(b->drop_reason);
  b->doc = NULL;
  b->drop_reason = NULL;
  return 0;
}

void vg_lua_doc_open(lua_State *L) {
  luaL_newmetatable(L, VG_DOC_MT); /* mt */
  luaL_newlib(L, doc_methods);     /* mt methods */
  lua_pushcclosure(L, doc_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, doc_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, doc_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushcfunction(L, doc_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushliteral(L, "vigie.doc");
  lua_setfield(L, -2, "__name");
  lua_pop(L, 1);
}
