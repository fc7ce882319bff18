/*
 * lua_bridge.h: what the Lua-facing modules share (private to the bridge:
 * lua_doc.c, lua_vigie.c, lua_json.c, worker.c). Each Lua state carries a
 * pointer to its vg_lstate in its extra space: the run's settings and what
 * is running now (stage, document), for messages and limits.
 *
 * Ownership: a vg_lstate belongs to the worker that made the state; the
 * strings it points to are borrowed from the worker and valid while the
 * current stage runs.
 */
#ifndef VG_LUA_BRIDGE_H
#define VG_LUA_BRIDGE_H

#include <jansson.h>
#include <lauxlib.h>
#include <lua.h>

#include "doc.h"
#include "text.h"
#include "util.h"

#define VG_DOC_MT "vigie.doc"
#define VG_ARRAY_MT "vigie.array" /* registry: the marker metatable of arrays */
#define VG_NULL_KEY "vigie.null"  /* registry: the null sentinel */

typedef struct vg_lstate {
  vg_norm norm;            /* how assigned text is normalized */
  const char *stage;       /* the stage running now, or NULL */
  const char *doc_id;      /* the document it runs on, or NULL */
  double deadline;         /* vg_now() after which the stage is stopped; 0: none */
  int timed_out;           /* the deadline passed during this call */
  size_t mem_used, mem_limit; /* bytes the state holds, and its ceiling (0: none) */
  int mem_exceeded;        /* an allocation was refused during this call */
  double opts_timeout;     /* --timeout, for messages */
  size_t opts_memory;      /* --lua-memory, for messages */
  vg_buf scratch;          /* reused by the bridge's functions */
} vg_lstate;

static inline vg_lstate *vg_lstate_get(lua_State *L) {
  return *(vg_lstate **)lua_getextraspace(L);
}

/* lua_doc.c: the document userdata. */
void vg_lua_doc_open(lua_State *L);          /* registers the metatable */
/* Pushes a box around d. owned: the box frees d when collected. */
void vg_lua_doc_push(lua_State *L, vg_doc *d, int owned);
/* The document in the box at idx (raises if it is not a live document). */
vg_doc *vg_lua_doc_check(lua_State *L, int idx);
/* 1 when the value at idx is a document box (live or not). */
int vg_lua_doc_is(lua_State *L, int idx);
/* 1 when the value at idx is a document box that still holds its document. */
int vg_lua_doc_live(lua_State *L, int idx);
/* The reason given to doc:drop, or NULL (borrowed from the box). */
const char *vg_lua_doc_dropped(lua_State *L, int idx);
/* Writes the box's metadata table back into its document, empties the box,
 * and returns the document, owned by the caller (the box gives up
 * ownership). On a metadata value JSON cannot hold, returns NULL with the
 * message in err; the box is emptied all the same and the document freed. */
vg_doc *vg_lua_doc_take(lua_State *L, int idx, char err[VG_ERRLEN]);
/* Sets doc.text to s (valid UTF-8 checked, normalized as the run says).
 * Returns 0, or -1 with a message in err. */
int vg_lua_doc_settext(lua_State *L, vg_doc *d, const char *s, size_t n,
                       char err[VG_ERRLEN]);

/* lua_json.c: Lua values <-> JSON. */
/* Pushes v as a Lua value: objects as tables, arrays as tables marked with
 * the array metatable, null as vigie.null. */
void vg_lua_push_json(lua_State *L, const json_t *v);
/* Converts the value at idx into a new JSON value (owned by the caller).
 * Tables with keys 1..n (or marked by vigie.array) are arrays, tables with
 * string keys objects (keys sorted), an empty unmarked table {}. On a value
 * JSON cannot hold, returns NULL with a message naming the place (what is
 * the name of the root, "meta" say) in err. */
json_t *vg_lua_to_json(lua_State *L, int idx, const char *what,
                       char err[VG_ERRLEN]);
void vg_lua_json_open(lua_State *L); /* registers vigie.null and the array marker */

/* lua_vigie.c: the vigie module. */
int luaopen_vigie(lua_State *L);

/* lua_regex.c: sets vigie.regex (PCRE2) in the table at vigie_table_index. */
void vg_lua_regex_open(lua_State *L, int vigie_table_index);

/* lua_terms.c: sets vigie.terms (the multi-term matcher) in the table at
 * vigie_table_index. */
void vg_lua_terms_open(lua_State *L, int vigie_table_index);

#endif
