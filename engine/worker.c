/*
 * worker.c: a Lua state with a pipeline loaded in it (see worker.h). It
 * makes the state (a counting allocator for --lua-memory, the vigie module,
 * the document type), runs prelude.lua, and gives the prelude the C
 * functions it needs (table I): calling a stage under the time and memory
 * limits with a traceback, reading files, logging.
 */
#define _DEFAULT_SOURCE
#include "worker.h"

#include <errno.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua_bridge.h"

extern const char vg_prelude_lua[];
extern const unsigned long vg_prelude_lua_len;

#define HOOK_COUNT 10000 /* instructions between two looks at the clock */

struct vg_worker {
  vg_worker_opts opts;
  char **sets;        /* owned copies of opts.sets */
  char *pipeline;     /* owned copy of opts.pipeline */
  char *trace;        /* owned copy of opts.trace */
  lua_State *L;
  vg_lstate st;
  int api;            /* registry ref of the prelude's API table */
  /* what the pipeline said, owned */
  char *name, *normalize, *output;
  char **inputs;
  size_t ninputs;
  char **stage_names, **stage_origins;
  size_t nstages;
  double *stage_secs; /* kept across rebuilds of the state */
};

const char *vg_scripts_dir(void) {
  static char dir[PATH_MAX];
  if (dir[0]) return dir;
  const char *env = getenv("VIGIE_SCRIPTS");
  if (env && *env) {
    snprintf(dir, sizeof dir, "%s", env);
    return dir;
  }
  /* next to the binary when installed (bin/../share/vigie/scripts), else
   * the source tree it was built from */
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char cand[PATH_MAX + 32];
      struct stat sb;
      snprintf(cand, sizeof cand, "%s/../share/vigie/scripts", exe);
      if (stat(cand, &sb) == 0 && S_ISDIR(sb.st_mode) && realpath(cand, dir)) return dir;
    }
  }
  snprintf(dir, sizeof dir, "%s", VIGIE_SCRIPTS_SOURCE_DIR);
  return dir;
}

/* ---- the allocator and the hook: --lua-memory and --timeout ---- */

static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  vg_lstate *st = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    st->mem_used -= old;
    free(ptr);
    return NULL;
  }
  if (st->mem_limit && nsize > old && st->mem_used + (nsize - old) > st->mem_limit) {
    st->mem_exceeded = 1;
    return NULL;
  }
  void *p = realloc(ptr, nsize);
  if (p) st->mem_used = st->mem_used - old + nsize;
  return p;
}

static void limit_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  vg_lstate *st = vg_lstate_get(L);
  if (!st->timed_out && !st->mem_exceeded && !(st->deadline && vg_now() > st->deadline))
    return;
  if (!st->mem_exceeded) st->timed_out = 1;
  /* fire at every instruction from now on: a pcall in the stage cannot
   * swallow the limit for long */
  lua_sethook(L, limit_hook, LUA_MASKCOUNT, 1);
  luaL_error(L, st->timed_out ? "timeout" : "not enough memory");
}

/* ---- the functions of table I ---- */

/* Message handler: turns any error object into a string and adds a
 * traceback, as lua.c does. Returns { message, traceback }. */
static int i_msgh(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
      msg = lua_tostring(L, -1);
    } else {
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
      if (lua_type(L, 1) == LUA_TTABLE) { /* show it, as JSON when it can be */
        char err[VG_ERRLEN];
        json_t *v = vg_lua_to_json(L, 1, "error", err);
        if (v) {
          char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
          if (s) msg = lua_pushfstring(L, "error object: %s", s);
          free(s);
          json_decref(v);
        }
      }
    }
  }
  lua_pushstring(L, msg);
  luaL_traceback(L, L, NULL, 1);
  lua_pushfstring(L, "%s\n%s", lua_tostring(L, -2), lua_tostring(L, -1));
  return 1;
}

/* I.call(fn, ...): calls fn under the limits. Returns true, result; or
 * false, message, traceback, limit ("timeout", "memory" or nil). */
static int i_call(lua_State *L) {
  vg_lstate *st = vg_lstate_get(L);
  int nargs = lua_gettop(L) - 1;
  lua_pushcfunction(L, i_msgh);
  lua_insert(L, 1); /* msgh fn args... */
  st->timed_out = 0;
  st->mem_exceeded = 0;
  st->deadline = 0;
  if (st->opts_timeout > 0) {
    st->deadline = vg_now() + st->opts_timeout;
    lua_sethook(L, limit_hook, LUA_MASKCOUNT, HOOK_COUNT);
  }
  int status = lua_pcall(L, nargs, 1, 1);
  lua_sethook(L, NULL, 0, 0);
  st->deadline = 0;
  if (status == LUA_OK && !st->timed_out && !st->mem_exceeded) {
    lua_pushboolean(L, 1);
    lua_insert(L, -2);
    return 2;
  }
  const char *limit = st->timed_out ? "timeout" : st->mem_exceeded ? "memory" : NULL;
  if (st->mem_exceeded) st->mem_limit = 0; /* let the prelude finish; the state is rebuilt */
  lua_pushboolean(L, 0);
  if (limit) {
    if (st->timed_out)
      lua_pushfstring(L, "stage %s ran past --timeout %f s", st->stage ? st->stage : "?",
                      st->opts_timeout);
    else
      lua_pushfstring(L, "stage %s ran past --lua-memory (%d MB)", st->stage ? st->stage : "?",
                      (int)(st->opts_memory >> 20));
    lua_pushnil(L);
    lua_pushstring(L, limit);
    return 4;
  }
  const char *full = lua_tostring(L, -2);
  if (!full) full = status == LUA_ERRMEM ? "not enough memory" : "error in error handling";
  const char *nl = strstr(full, "\nstack traceback:");
  if (nl) {
    lua_pushlstring(L, full, (size_t)(nl - full));
    lua_pushstring(L, nl + 1);
  } else {
    lua_pushstring(L, full);
    lua_pushnil(L);
  }
  return 3;
}

/* I.enter(stage, box): what runs now, for messages. */
static int i_enter(lua_State *L) {
  vg_lstate *st = vg_lstate_get(L);
  st->stage = lua_tostring(L, 1); /* kept alive by the stage table */
  st->doc_id = NULL;
  if (vg_lua_doc_is(L, 2)) {
    lua_getfield(L, 2, "id"); /* raises on a dead box: the prelude never passes one */
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "vigie.current_id");
    st->doc_id = lua_tostring(L, -1);
  }
  return 0;
}

static int i_log(lua_State *L) {
  vg_lstate *st = vg_lstate_get(L);
  const char *who = luaL_optstring(L, 1, st->stage ? st->stage : "print");
  const char *msg = luaL_checkstring(L, 2);
  if (st->doc_id) fprintf(stderr, "%s: %s: %s\n", who, st->doc_id, msg);
  else fprintf(stderr, "%s: %s\n", who, msg);
  return 0;
}

static int i_now(lua_State *L) {
  lua_pushnumber(L, vg_now());
  return 1;
}

static int i_is_doc(lua_State *L) {
  lua_pushboolean(L, vg_lua_doc_is(L, 1));
  return 1;
}

static int i_dropped(lua_State *L) {
  const char *r = vg_lua_doc_dropped(L, 1);
  if (r) lua_pushstring(L, r);
  else lua_pushnil(L);
  return 1;
}

static int i_is_file(lua_State *L) {
  struct stat sb;
  lua_pushboolean(L, stat(luaL_checkstring(L, 1), &sb) == 0 && S_ISREG(sb.st_mode));
  return 1;
}

static int i_realpath(lua_State *L) {
  char buf[PATH_MAX];
  if (realpath(luaL_checkstring(L, 1), buf)) lua_pushstring(L, buf);
  else lua_pushnil(L);
  return 1;
}

/* I.read_file(path): the whole file, or nil and a message. */
static int i_read_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, errno ? strerror(errno) : "not a file");
    return 2;
  }
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, (size_t)sb.st_size);
  FILE *f = fopen(path, "rb");
  if (!f) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", path, strerror(errno));
    return 2;
  }
  size_t n = fread(p, 1, (size_t)sb.st_size, f);
  fclose(f);
  luaL_pushresultsize(&b, n);
  return 1;
}

static const luaL_Reg internal_funcs[] = {
    {"msgh", i_msgh},       {"call", i_call},         {"enter", i_enter},
    {"log", i_log},         {"now", i_now},           {"is_doc", i_is_doc},
    {"dropped", i_dropped}, {"is_file", i_is_file},   {"realpath", i_realpath},
    {"read_file", i_read_file}, {NULL, NULL}};

/* ---- building the state ---- */

static char *dup_list(const char *const *src, size_t n, char ***out) {
  *out = calloc(n ? n : 1, sizeof **out);
  if (!*out) return NULL;
  for (size_t i = 0; i < n; i++)
    if (!((*out)[i] = vg_strdup(src[i]))) return NULL;
  return (char *)*out;
}

static void free_list(char **l, size_t n) {
  if (!l) return;
  for (size_t i = 0; i < n; i++) free(l[i]);
  free(l);
}

/* Reads what the pipeline said (API.info) into w. Stack unchanged. */
static int read_info(vg_worker *w) {
  lua_State *L = w->L;
  lua_rawgeti(L, LUA_REGISTRYINDEX, w->api);
  lua_getfield(L, -1, "info");
  lua_call(L, 0, 2); /* api pipeline stages */
  lua_getfield(L, -2, "name");
  w->name = vg_strdup(lua_tostring(L, -1));
  lua_getfield(L, -3, "normalize");
  w->normalize = vg_strdup(lua_tostring(L, -1));
  lua_getfield(L, -4, "output");
  w->output = vg_strdup(lua_tostring(L, -1));
  lua_pop(L, 3);
  lua_getfield(L, -2, "input"); /* api pipeline stages input */
  w->ninputs = lua_istable(L, -1) ? (size_t)lua_rawlen(L, -1) : 0;
  w->inputs = calloc(w->ninputs + 1, sizeof *w->inputs);
  for (size_t i = 0; w->inputs && i < w->ninputs; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    w->inputs[i] = vg_strdup(lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  w->nstages = (size_t)lua_rawlen(L, -1);
  w->stage_names = calloc(w->nstages + 1, sizeof *w->stage_names);
  w->stage_origins = calloc(w->nstages + 1, sizeof *w->stage_origins);
  w->stage_secs = calloc(w->nstages + 1, sizeof *w->stage_secs);
  for (size_t i = 0; w->stage_names && w->stage_origins && i < w->nstages; i++) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1); /* api pipeline stages {name, origin} */
    lua_rawgeti(L, -1, 1);
    w->stage_names[i] = vg_strdup(lua_tostring(L, -1));
    lua_rawgeti(L, -2, 2);
    w->stage_origins[i] = vg_strdup(lua_tostring(L, -1));
    lua_pop(L, 3);
  }
  lua_pop(L, 3);
  return (w->inputs && w->stage_names && w->stage_origins && w->stage_secs) ? 0 : -1;
}

/* Makes the Lua state and loads the pipeline in it. Returns 0, or -1 with
 * the problems (owned) in *err. */
static int build_state(vg_worker *w, char **err) {
  *err = NULL;
  w->st.mem_used = 0;
  w->st.mem_limit = 0; /* no limit while the pipeline loads */
  w->st.mem_exceeded = w->st.timed_out = 0;
  lua_State *L = lua_newstate(l_alloc, &w->st);
  if (!L) {
    *err = vg_strdup("cannot create a Lua state: out of memory");
    return -1;
  }
  w->L = L;
  *(vg_lstate **)lua_getextraspace(L) = &w->st;
  luaL_openlibs(L);
  vg_lua_json_open(L);
  vg_lua_doc_open(L);
  luaL_requiref(L, "vigie", luaopen_vigie, 1); /* vigie */
  lua_pop(L, 1);
  lua_pushcfunction(L, i_msgh);
  if (luaL_loadbuffer(L, vg_prelude_lua, vg_prelude_lua_len, "=[vigie prelude]")) {
    *err = vg_asprintf("internal error: %s", lua_tostring(L, -1));
    return -1;
  }
  luaL_newlib(L, internal_funcs); /* msgh prelude I */
  lua_getglobal(L, "vigie");
  lua_setfield(L, -2, "vigie");
  lua_createtable(L, 0, 8); /* msgh prelude I cfg */
  lua_pushstring(L, w->pipeline); /* nil for vigie test */
  lua_setfield(L, -2, "pipeline");
  char *dir = vg_strdup(w->pipeline ? w->pipeline : ".");
  char *slash = dir ? strrchr(dir, '/') : NULL;
  if (slash) slash == dir ? (void)(slash[1] = '\0') : (void)(*slash = '\0');
  lua_pushstring(L, slash ? dir : ".");
  lua_setfield(L, -2, "pipeline_dir");
  free(dir);
  lua_createtable(L, (int)w->opts.nsets, 0);
  for (size_t i = 0; i < w->opts.nsets; i++) {
    lua_pushstring(L, w->sets[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "sets");
  lua_pushboolean(L, w->opts.trust);
  lua_setfield(L, -2, "trust");
  lua_pushstring(L, w->opts.trace);
  lua_setfield(L, -2, "trace");
  lua_pushinteger(L, w->opts.index);
  lua_setfield(L, -2, "worker");
  lua_pushstring(L, vg_scripts_dir());
  lua_setfield(L, -2, "scripts_dir");
  lua_pushstring(L, getenv("VIGIE_PATH"));
  lua_setfield(L, -2, "vigie_path");
  if (lua_pcall(L, 2, 2, 1) != LUA_OK) { /* msgh api problems */
    *err = vg_asprintf("%s", lua_tostring(L, -1));
    return -1;
  }
  size_t nprob = (size_t)lua_rawlen(L, -1);
  if (nprob) {
    vg_buf b = {0};
    for (size_t i = 1; i <= nprob; i++) {
      lua_rawgeti(L, -1, (lua_Integer)i);
      vg_buf_printf(&b, "%s%s", i > 1 ? "\n" : "", lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    *err = vg_buf_take(&b);
    return -1;
  }
  lua_pop(L, 1);
  w->api = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pop(L, 1); /* msgh */
  w->st.mem_limit = w->opts.lua_memory;
  return 0;
}

vg_worker *vg_worker_new(const vg_worker_opts *opts, char **err) {
  *err = NULL;
  vg_worker *w = calloc(1, sizeof *w);
  if (!w) {
    *err = vg_strdup("out of memory");
    return NULL;
  }
  w->opts = *opts;
  w->st.norm = opts->norm;
  w->st.opts_timeout = opts->timeout;
  w->st.opts_memory = opts->lua_memory;
  w->pipeline = vg_strdup(opts->pipeline);
  w->trace = vg_strdup(opts->trace);
  w->opts.trace = w->trace;
  if ((opts->pipeline && !w->pipeline) || (opts->trace && !w->trace) || !dup_list(opts->sets, opts->nsets, &w->sets) ||
      build_state(w, err) || read_info(w)) {
    if (!*err) *err = vg_strdup("out of memory");
    vg_worker_free(w);
    return NULL;
  }
  return w;
}

void vg_worker_set_norm(vg_worker *w, vg_norm norm) { w->st.norm = norm; }

const char *vg_worker_name(const vg_worker *w) { return w->name; }
const char *vg_worker_normalize(const vg_worker *w) { return w->normalize; }
const char *vg_worker_output(const vg_worker *w) { return w->output; }
size_t vg_worker_ninputs(const vg_worker *w) { return w->ninputs; }
const char *vg_worker_input(const vg_worker *w, size_t i) { return w->inputs[i]; }
size_t vg_worker_nstages(const vg_worker *w) { return w->nstages; }
const char *vg_worker_stage_name(const vg_worker *w, size_t i) { return w->stage_names[i]; }
const char *vg_worker_stage_origin(const vg_worker *w, size_t i) { return w->stage_origins[i]; }

double vg_worker_stage_seconds(const vg_worker *w, size_t i) {
  lua_State *L = w->L;
  double t = w->stage_secs[i];
  lua_rawgeti(L, LUA_REGISTRYINDEX, w->api);
  lua_getfield(L, -1, "times");
  if (lua_pcall(L, 0, 1, 0) == LUA_OK) {
    lua_rawgeti(L, -1, (lua_Integer)i + 1);
    t += lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return t;
}

/* Closes the state and makes a new one (after a limit was hit), keeping
 * the stage times. */
static int rebuild(vg_worker *w, char err[VG_ERRLEN]) {
  for (size_t i = 0; i < w->nstages; i++) {
    double t = vg_worker_stage_seconds(w, i);
    w->stage_secs[i] = t;
  }
  lua_close(w->L);
  w->L = NULL;
  char *msg = NULL;
  if (build_state(w, &msg)) {
    vg_seterr(err, "cannot rebuild the Lua state: %s", msg ? msg : "out of memory");
    free(msg);
    return -1;
  }
  return 0;
}

static const char *opt_str(lua_State *L, int t, int i) {
  lua_rawgeti(L, t, i);
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* the record table keeps it alive */
  return s;
}

int vg_worker_process(vg_worker *w, vg_doc *doc, vg_outcome_fn fn, void *ud,
                      char err[VG_ERRLEN]) {
  lua_State *L = w->L;
  int top = lua_gettop(L);
  char terr[VG_ERRLEN];
  char *doc_id = vg_strdup(doc->id);
  lua_pushcfunction(L, i_msgh);
  lua_rawgeti(L, LUA_REGISTRYINDEX, w->api);
  lua_getfield(L, -1, "process");
  lua_remove(L, -2);
  vg_lua_doc_push(L, doc, 0); /* msgh process box */
  lua_pushvalue(L, -1);
  lua_insert(L, top + 1);     /* box msgh process box */
  if (lua_pcall(L, 1, 1, top + 2) != LUA_OK) { /* box msgh message */
    vg_outcome o = {VG_OUT_FAILED, NULL, doc_id ? doc_id : "?", "vigie",
                    lua_tostring(L, -1), NULL, NULL};
    if (vg_lua_doc_live(L, top + 1)) o.doc = vg_lua_doc_take(L, top + 1, terr);
    fn(ud, &o);
  } else { /* box msgh out */
    int out = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, out);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, out, i); /* ... rec */
      int rec = lua_gettop(L);
      const char *kind = opt_str(L, rec, 1);
      lua_rawgeti(L, rec, 2); /* ... rec box */
      vg_outcome o = {VG_OUT_KEPT, NULL, NULL, opt_str(L, rec, 3), opt_str(L, rec, 4),
                      opt_str(L, rec, 5), opt_str(L, rec, 6)};
      if (!strcmp(kind, "error_kept")) {
        lua_getfield(L, -1, "id");
        o.kind = VG_OUT_ERROR_KEPT;
        o.doc_id = lua_tostring(L, -1);
        fn(ud, &o);
        lua_pop(L, 3);
        continue;
      }
      vg_doc *d = vg_lua_doc_take(L, -1, terr);
      if (!strcmp(kind, "replaced")) {
        vg_doc_free(d);
        lua_pop(L, 2);
        continue;
      }
      if (!d) { /* metadata that JSON cannot hold */
        o.kind = VG_OUT_FAILED;
        o.reason = terr;
        o.detail = NULL;
        if (!o.stage) o.stage = "output";
        o.doc_id = doc_id ? doc_id : "?";
        fn(ud, &o);
        lua_pop(L, 2);
        continue;
      }
      o.doc = d;
      o.doc_id = d->id;
      if (!strcmp(kind, "kept")) o.kind = VG_OUT_KEPT;
      else if (!strcmp(kind, "dropped")) o.kind = VG_OUT_DROPPED;
      else if (!strcmp(kind, "abort")) o.kind = VG_OUT_ABORT;
      else o.kind = VG_OUT_FAILED;
      fn(ud, &o);
      lua_pop(L, 2);
    }
  }
  /* the original document, if no record took it (an internal error) */
  if (vg_lua_doc_live(L, top + 1)) vg_doc_free(vg_lua_doc_take(L, top + 1, terr));
  lua_settop(L, top);
  free(doc_id);
  if (w->st.timed_out || w->st.mem_exceeded || w->st.mem_limit != w->opts.lua_memory)
    return rebuild(w, err);
  lua_gc(L, LUA_GCSTEP, 0);
  return 0;
}

int vg_worker_test(vg_worker *w, const char *file, int *passed, int *failed, char **err) {
  lua_State *L = w->L;
  *err = NULL;
  lua_pushcfunction(L, i_msgh);
  lua_rawgeti(L, LUA_REGISTRYINDEX, w->api);
  lua_getfield(L, -1, "test_file");
  lua_remove(L, -2);
  lua_pushstring(L, file);
  int rc = 0;
  if (lua_pcall(L, 1, 2, -3) != LUA_OK) { /* msgh message */
    *err = vg_strdup(lua_tostring(L, -1));
    lua_pop(L, 2);
    return -1;
  }
  if (lua_isnil(L, -2)) {
    *err = vg_strdup(lua_tostring(L, -1));
    rc = -1;
  } else {
    *passed = (int)lua_tointeger(L, -2);
    *failed = (int)lua_tointeger(L, -1);
  }
  lua_pop(L, 3);
  return rc;
}

char *vg_worker_finish(vg_worker *w, json_t **counters) {
  lua_State *L = w->L;
  char err[VG_ERRLEN];
  *counters = NULL;
  lua_pushcfunction(L, i_msgh);
  lua_rawgeti(L, LUA_REGISTRYINDEX, w->api);
  lua_getfield(L, -1, "finish");
  lua_remove(L, -2);
  if (lua_pcall(L, 0, 2, -2) != LUA_OK) {
    char *m = vg_strdup(lua_tostring(L, -1));
    lua_pop(L, 2);
    return m;
  }
  char *problems = vg_strdup(lua_tostring(L, -1));
  *counters = vg_lua_to_json(L, -2, "counters", err);
  lua_pop(L, 3);
  return problems;
}

void vg_worker_free(vg_worker *w) {
  if (!w) return;
  if (w->L) lua_close(w->L);
  vg_buf_free(&w->st.scratch);
  free(w->pipeline);
  free(w->trace);
  free_list(w->sets, w->opts.nsets);
  free(w->name);
  free(w->normalize);
  free(w->output);
  free_list(w->inputs, w->ninputs);
  free_list(w->stage_names, w->nstages);
  free_list(w->stage_origins, w->nstages);
  free(w->stage_secs);
  free(w);
}
