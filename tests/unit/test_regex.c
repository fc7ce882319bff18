/*
 * test_regex.c: unit tests of vigie.regex (engine/lua_regex.c) below the
 * binary: several threads, each with its own Lua state, compiling and
 * releasing the same patterns at once (the process-wide cache) and matching
 * them (per-state match data and JIT stack); the deadline checked between
 * matches of gsub and gfind.
 */
#include <lualib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "lua_bridge.h"

/* A Lua state with the standard library and a global `vigie` holding only
 * regex, whose vg_lstate is st (owned by the caller). */
static lua_State *new_state(vg_lstate *st) {
  lua_State *L = luaL_newstate();
  if (!L) return NULL;
  *(vg_lstate **)lua_getextraspace(L) = st;
  luaL_openlibs(L);
  lua_newtable(L);
  vg_lua_regex_open(L, -1);
  lua_setglobal(L, "vigie");
  return L;
}

/* Runs code; returns NULL, or the error message (borrowed from L). */
static const char *run(lua_State *L, const char *code) {
  if (luaL_dostring(L, code) == LUA_OK) return NULL;
  return lua_tostring(L, -1);
}

static const char THREAD_CODE[] =
    "for i = 1, 150 do\n"
    "  local w = vigie.regex('\\\\b(g[ée]o)(\\\\p{L}*)', 'i')\n"
    "  local d = vigie.regex('(?<d>\\\\d\\\\d)/(?<m>\\\\d\\\\d)')\n"
    "  local t = ('Géolocalisation le 05/03, GÉOLOC ' .. i .. ' et géo. '):rep(3)\n"
    "  local n = 0\n"
    "  for s, e, g in w:gfind(t) do n = n + 1; assert(t:sub(s, s + #g - 1) == g) end\n"
    "  assert(n == 9, n)\n"
    "  assert(select(2, d:gsub(t, '${m}-${d}')) == 3)\n"
    "  assert(vigie.regex('pattern ' .. (i % 7)):test('a pattern ' .. (i % 7)))\n"
    "  if i % 50 == 0 then\n"
    "    local p = vigie.regex('(a+)+$')\n"
    "    local ok, err = pcall(p.find, p, ('a'):rep(28) .. '!')\n"
    "    assert(not ok and err:find('match limit'), err)\n"
    "  end\n"
    "  if i % 10 == 0 then collectgarbage() end\n"
    "end\n";

typedef struct thread_arg {
  int failed;
  char msg[256];
} thread_arg;

static void *thread_main(void *p) {
  thread_arg *a = p;
  vg_lstate st;
  memset(&st, 0, sizeof st);
  lua_State *L = new_state(&st);
  if (!L) {
    a->failed = 1;
    snprintf(a->msg, sizeof a->msg, "no state");
    return NULL;
  }
  const char *err = run(L, THREAD_CODE);
  if (err) {
    a->failed = 1;
    snprintf(a->msg, sizeof a->msg, "%s", err);
  }
  lua_close(L);
  return NULL;
}

static void test_threads_share_compiled_patterns(void) {
  enum { N = 6 };
  pthread_t th[N];
  thread_arg args[N];
  memset(args, 0, sizeof args);
  for (int i = 0; i < N; i++) CHECK(pthread_create(&th[i], NULL, thread_main, &args[i]) == 0);
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    if (args[i].failed) fprintf(stderr, "thread %d: %s\n", i, args[i].msg);
    CHECK(!args[i].failed);
  }
}

static void test_deadline_stops_gsub_and_gfind(void) {
  vg_lstate st;
  memset(&st, 0, sizeof st);
  lua_State *L = new_state(&st);
  CHECK(L != NULL);
  if (!L) return;
  /* no deadline: runs to the end */
  CHECK(run(L, "assert(select(2, vigie.regex('a'):gsub(('a'):rep(1000), 'b')) == 1000)") == NULL);
  /* a deadline in the past: the first look at the clock stops it */
  st.deadline = vg_now() - 1;
  const char *err = run(L, "vigie.regex('a'):gsub(('a'):rep(1000), 'b')");
  CHECK(err && strstr(err, "timeout"));
  CHECK_INT(st.timed_out, 1);
  st.timed_out = 0;
  err = run(L, "for s in vigie.regex('a'):gfind(('a'):rep(1000)) do end");
  CHECK(err && strstr(err, "timeout"));
  CHECK_INT(st.timed_out, 1);
  /* a short gsub (under RE_CHECK_EVERY matches) does not look at the clock */
  st.timed_out = 0;
  CHECK(run(L, "assert(vigie.regex('a'):gsub('aaa', 'b') == 'bbb')") == NULL);
  st.deadline = 0;
  lua_close(L);
}

static void test_released_regex_is_an_error_not_a_crash(void) {
  vg_lstate st;
  memset(&st, 0, sizeof st);
  lua_State *L = new_state(&st);
  CHECK(L != NULL);
  if (!L) return;
  const char *err = run(L, "local r = vigie.regex('a'); getmetatable(r).__gc(r); r:find('a')");
  CHECK(err && strstr(err, "released"));
  lua_close(L);
}

int main(void) {
  RUN(test_threads_share_compiled_patterns);
  RUN(test_deadline_stops_gsub_and_gfind);
  RUN(test_released_regex_is_an_error_not_a_crash);
  return DONE();
}
