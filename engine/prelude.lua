-- prelude.lua: the part of the engine written in Lua, compiled into the
-- binary. It loads a pipeline file, resolves its stages (the stage library,
-- files relative to the pipeline, inline functions, `use` of other
-- pipelines), merges params, gives every stage its own environment (the
-- sandbox, unless --trust), and runs documents through the stages with the
-- return protocol of SPEC section 3.
--
-- Called once per worker with (I, cfg): I holds the C functions of the
-- bridge (worker.c), cfg the run's settings. Returns the table of entry
-- points that worker.c calls: process, finish, info.

local I, cfg = ...
local vigie = I.vigie
local sformat, tconcat = string.format, table.concat

local problems = {}
local function problem(msg) problems[#problems + 1] = msg end

---------------------------------------------------------------- paths

local function dirname(p)
  local d = p:match("^(.*)/[^/]*$")
  if d == nil then return "." end
  if d == "" then return "/" end
  return d
end

-- Collapses "a/./b" and "a/x/../b" so that ids read well.
local function clean(p)
  local abs, out = p:sub(1, 1) == "/", {}
  for part in p:gmatch("[^/]+") do
    if part == ".." and #out > 0 and out[#out] ~= ".." then out[#out] = nil
    elseif part ~= "." then out[#out + 1] = part end
  end
  local r = table.concat(out, "/")
  if abs then return "/" .. r end
  return r == "" and "." or r
end

local function join(dir, p)
  if p:sub(1, 1) == "/" or dir == "." then return clean(p) end
  return clean(dir .. "/" .. p)
end

local function basename(p) return p:match("([^/]*)$") end
local function stem(p) return (basename(p):gsub("%.lua$", "")) end

local search_dirs = {} -- VIGIE_PATH, then the stage library
for dir in (cfg.vigie_path or ""):gmatch("[^:]+") do search_dirs[#search_dirs + 1] = dir end
search_dirs[#search_dirs + 1] = cfg.scripts_dir

-- Where a stage or pipeline reference points: a name without "/" and
-- without ".lua" is looked up in base, then VIGIE_PATH, then the library.
-- Returns the path, or nil and the list of places tried.
local function resolve(ref, base)
  local tried = {}
  if ref:find("/", 1, true) or ref:find("%.lua$") then
    local p = join(base, ref)
    if I.is_file(p) then return p end
    tried[1] = p
    if not p:find("%.lua$") and I.is_file(p .. ".lua") then return p .. ".lua" end
    return nil, tried
  end
  local dirs = { base }
  for _, d in ipairs(search_dirs) do dirs[#dirs + 1] = d end
  for _, d in ipairs(dirs) do
    local p = join(d, ref .. ".lua")
    if I.is_file(p) then return p end
    tried[#tried + 1] = p
  end
  return nil, tried
end

---------------------------------------------------------------- environments

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local function refuse(name)
  return function()
    error(name .. " is not allowed in the sandbox (--trust lifts the sandbox)", 2)
  end
end

local function refusals(lib, libname, names)
  for name in names:gmatch("%S+") do lib[name] = refuse(libname .. "." .. name) end
  return lib
end

-- package, shared by the stages of this worker
local sandbox_package = {
  config = package.config,
  loaded = {},
  preload = {},
  path = "",
  cpath = "",
  loadlib = refuse("package.loadlib"),
  searchpath = package.searchpath,
}

-- The folders the sandbox lets stages read under (real paths).
local roots = {}
local function add_root(dir)
  local real = I.realpath(dir)
  if real then roots[#roots + 1] = real end
end
for _, d in ipairs(search_dirs) do add_root(d) end

local function allowed_read(path)
  local real = I.realpath(path)
  if not real then return true end -- let io.open say it does not exist
  for _, root in ipairs(roots) do
    if real == root or real:sub(1, #root + 1) == root .. "/" then return true end
  end
  return false
end

local function sandbox_io()
  local io_ = refusals({}, "io", "popen write read output input tmpfile close")
  function io_.open(path, mode)
    mode = mode or "r"
    if type(path) ~= "string" then error("bad argument #1 to 'io.open' (string expected)", 2) end
    if not mode:match("^r") or mode:find("+", 1, true) then
      error("io.open for writing is not allowed in the sandbox (--trust lifts the sandbox)", 2)
    end
    if not allowed_read(path) then
      error("io.open of " .. path .. " is not allowed in the sandbox: stages read only under "
        .. "their own folder, the pipeline's, VIGIE_PATH and the stage library "
        .. "(--trust lifts the sandbox)", 2)
    end
    return io.open(path, mode)
  end
  function io_.lines(path, ...)
    if path == nil then error("io.lines on standard input is not allowed in the sandbox", 2) end
    local f = io_.open(path, "r")
    return f:lines(...), f
  end
  io_.stderr = nil
  return io_
end

local function sandbox_os()
  return refusals({ clock = os.clock, time = os.time, date = os.date, difftime = os.difftime },
    "os", "execute remove rename exit getenv tmpname setlocale")
end

local function sandbox_debug()
  return refusals({ traceback = debug.traceback }, "debug",
    "sethook gethook getinfo getlocal setlocal getupvalue setupvalue upvalueid "
    .. "upvaluejoin getregistry getmetatable setmetatable getuservalue setuservalue debug")
end

local make_env -- forward

-- require for code whose file lives in dir: looks in dir, the pipeline's
-- folder, VIGIE_PATH and the stage library, Lua files only (unless trusted).
local function make_require(dir)
  return function(name)
    if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected)", 2) end
    local loaded = cfg.trust and package.loaded or sandbox_package.loaded
    if loaded[name] ~= nil then return loaded[name] end
    if name == "vigie" then return vigie end
    local pre = (cfg.trust and package.preload or sandbox_package.preload)[name]
    if pre then
      local r = pre(name)
      if r == nil then r = true end
      loaded[name] = r
      return r
    end
    local rel = name:gsub("%.", "/")
    local dirs = { dir, cfg.pipeline_dir }
    for _, d in ipairs(search_dirs) do dirs[#dirs + 1] = d end
    local tried = {}
    for _, d in ipairs(dirs) do
      for _, pat in ipairs({ "%s.lua", "%s/init.lua" }) do
        local p = join(d, sformat(pat, rel))
        if I.is_file(p) then
          local src, err = I.read_file(p)
          if not src then error(err, 2) end
          local env = cfg.trust and _G or make_env(dirname(p))
          local chunk, cerr = load(src, "@" .. p, "t", env)
          if not chunk then error(cerr, 2) end
          local r = chunk(name, p)
          if r == nil then r = loaded[name] ~= nil and loaded[name] or true end
          loaded[name] = r
          return r
        end
        tried[#tried + 1] = "\n\tno file '" .. p .. "'"
      end
    end
    if cfg.trust then return require(name) end
    for _, d in ipairs(dirs) do
      if I.is_file(join(d, rel .. ".so")) then
        error(sformat("module '%s' is a C module (%s): C modules need --trust",
          name, join(d, rel .. ".so")), 2)
      end
    end
    error(sformat("module '%s' not found:%s", name, tconcat(tried)), 2)
  end
end

local function log_fn(prefix)
  return function(...)
    local n = select("#", ...)
    local parts = {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    I.log(prefix, tconcat(parts, "\t"))
  end
end

-- A fresh global table for code in folder dir: the sandbox allow-list (or,
-- trusted, everything). Libraries are copied, so one stage cannot change
-- another's.
function make_env(dir)
  local env
  if cfg.trust then
    env = setmetatable({}, { __index = _G })
  else
    env = {
      assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs,
      pcall = pcall, xpcall = xpcall, rawequal = rawequal, rawget = rawget,
      rawlen = rawlen, rawset = rawset, select = select, setmetatable = setmetatable,
      getmetatable = getmetatable, tonumber = tonumber, tostring = tostring,
      type = type, _VERSION = _VERSION, collectgarbage = collectgarbage,
      string = copy(string), table = copy(table), math = copy(math),
      utf8 = copy(utf8), coroutine = copy(coroutine),
      os = sandbox_os(),
      io = sandbox_io(),
      debug = sandbox_debug(),
      package = sandbox_package,
    }
    -- loadfile and dofile read Lua source under the same folders as io.open
    local function load_lua(what, path, mode, e)
      if type(path) ~= "string" then
        error(what .. " of standard input is not allowed in the sandbox", 3)
      end
      if mode ~= nil and mode ~= "t" then
        error("load of binary chunks is not allowed in the sandbox (--trust lifts the sandbox)", 3)
      end
      if not allowed_read(path) then
        error(what .. " of " .. path .. " is not allowed in the sandbox: stages read only under "
          .. "their own folder, the pipeline's, VIGIE_PATH and the stage library "
          .. "(--trust lifts the sandbox)", 3)
      end
      local src, err = I.read_file(path)
      if not src then return nil, err end
      return load(src, "@" .. path, "t", e == nil and env or e)
    end
    env.loadfile = function(path, mode, e) return load_lua("loadfile", path, mode, e) end
    env.dofile = function(path)
      local chunk, err = load_lua("dofile", path)
      if not chunk then error(err, 2) end
      return chunk()
    end
    env.load = function(chunk, name, mode, e)
      if (mode ~= nil and mode ~= "t") or (type(chunk) == "string" and chunk:byte(1) == 27) then
        error("load of binary chunks is not allowed in the sandbox (--trust lifts the sandbox)", 2)
      end
      if select("#", e) == 0 or e == nil then e = env end
      return load(chunk, name, "t", e)
    end
  end
  env._G = env
  env.vigie = vigie
  env.require = make_require(dir)
  env.print = log_fn(nil) -- prefixed with the stage running now
  return env
end

sandbox_package.loaded.vigie = vigie
-- require("os"), require("debug")... give the sandbox's versions
sandbox_package.loaded.os = sandbox_os()
sandbox_package.loaded.io = sandbox_io()
sandbox_package.loaded.debug = sandbox_debug()
for _, name in ipairs({ "string", "table", "math", "utf8", "coroutine" }) do
  sandbox_package.loaded[name] = _G[name]
end
sandbox_package.searchers = {
  function(name) return sandbox_package.preload[name] end,
}

-- Locks env: from now on, assigning a global that the file did not declare
-- at its top level is an error that names it.
local function lock(env, where)
  setmetatable(env, {
    __index = getmetatable(env) and getmetatable(env).__index or nil,
    __newindex = function(_, k, _)
      error(sformat("assignment to undeclared global '%s' in %s (declare it "
        .. "with local, or at the top level of the file)", tostring(k), where), 2)
    end,
  })
end

---------------------------------------------------------------- loading

-- Runs a chunk of file path in env; returns ok, value or nil and a message.
local function run_file(path, env)
  local src, err = I.read_file(path)
  if not src then return nil, err end
  local chunk, cerr = load(src, "@" .. path, "t", env)
  if not chunk then return nil, cerr end
  local ok, r = xpcall(chunk, I.msgh)
  if not ok then return nil, r end
  return true, r
end

-- Runs the Lua file path in a fresh environment of its own folder (which
-- the sandbox may then read under), locked once it has run.
local function run_locked(path)
  add_root(dirname(path))
  local env = make_env(dirname(path))
  local ok, r = run_file(path, env)
  if ok then lock(env, path) end
  return ok, r
end

local RESERVED = { [1] = true, name = true, on_error = true, use = true }
local ON_ERROR = { fail = true, keep = true, drop = true, abort = true }
local PIPELINE_FIELDS = { name = true, description = true, normalize = true, input = true,
  output = true, params = true, stages = true }

local function merge(...)
  local r = {}
  for i = 1, select("#", ...) do
    for k, v in pairs((select(i, ...)) or {}) do r[k] = v end
  end
  return r
end

-- Values given with --set: "true"/"false" and numbers become them.
local function set_value(v)
  if v == "true" then return true elseif v == "false" then return false end
  local n = tonumber(v)
  if n ~= nil and v:match("^%s*[-+]?[%d.]") then return math.tointeger(n) or n end
  return v
end

local stages = {}       -- the stage instances, in order
local pipeline = {}     -- what the top pipeline file said

-- dir: the folder of the file that lists the stage (a pipeline or a test
-- file): library stages find the files their params name there (ctx.dir).
local function new_stage(list, name, origin, impl, params, on_error, dir)
  local st = { name = name, origin = origin, on_error = on_error or "fail", time = 0 }
  if type(impl) == "function" then
    st.process = impl
  else
    st.process, st.init, st.finish = impl.process, impl.init, impl.finish
  end
  st.ctx = { params = params, stage = name, worker = cfg.worker, log = log_fn(name),
    dir = I.realpath(dir or ".") or dir }
  list[#list + 1] = st
  return st
end

local load_pipeline -- forward

-- Loads the stage file that ref names (relative to dir, or in the search
-- path) in an environment of its own. Returns impl, path; or nil after
-- recording the problem (where: what to call the entry in messages).
local function load_stage_file(ref, dir, where)
  local spath, tried = resolve(ref, dir)
  if not spath then
    problem(sformat("%s: no stage %q (tried %s)", where, ref, tconcat(tried, ", ")))
    return nil
  end
  local ok, r = run_locked(spath)
  if not ok then problem(r) return nil end
  if type(r) == "table" then
    if type(r.process) ~= "function" then
      problem(sformat("%s: the stage returns a table without a process function", spath))
      return nil
    end
  elseif type(r) ~= "function" then
    problem(sformat("%s: a stage file must return a function or a table with process "
      .. "(it returned %s)", spath, type(r)))
    return nil
  end
  return r, spath
end

-- The origin and default name of an inline stage: "file:line", "inline@file:line".
local function inline_origin(fn, name)
  local info = debug.getinfo(fn, "S")
  return sformat("%s:%d", info.short_src, info.linedefined),
    name or sformat("inline@%s:%d", basename(info.short_src), info.linedefined)
end

-- Expands the stage entries of pipeline file path (already run: p) into
-- stage instances. params: the params in force, lowest priority first.
local function expand(p, path, params, chain)
  local dir = dirname(path)
  if type(p.stages) ~= "table" then
    problem(sformat("%s: the pipeline has no 'stages' list", path))
    return
  end
  for i, entry in ipairs(p.stages) do
    local where = sformat("%s: stage %d", path, i)
    local ref, impl, own, name, on_error = nil, nil, {}, nil, nil
    if type(entry) == "string" then
      ref = entry
    elseif type(entry) == "function" then
      impl = entry
    elseif type(entry) == "table" then
      for k, v in pairs(entry) do if not RESERVED[k] then own[k] = v end end
      name, on_error = entry.name, entry.on_error
      if on_error ~= nil and not ON_ERROR[on_error] then
        problem(sformat("%s: on_error must be \"fail\", \"keep\", \"drop\" or \"abort\", not %q",
          where, tostring(on_error)))
      end
      if entry.use ~= nil then
        if type(entry.use) ~= "string" then
          problem(where .. ": 'use' must name a pipeline file")
        else
          local upath, tried = resolve(entry.use, dir)
          if not upath then
            problem(sformat("%s: no pipeline %q (tried %s)", where, entry.use, tconcat(tried, ", ")))
          else
            load_pipeline(upath, merge(params, own), chain)
          end
        end
        goto continue
      end
      if type(entry[1]) == "string" then ref = entry[1]
      elseif type(entry[1]) == "function" then impl = entry[1]
      else
        problem(where .. ": a stage entry is a name, a file, a function, { \"file\", params... }"
          .. " or { use = \"pipeline.lua\" }")
        goto continue
      end
    else
      problem(sformat("%s: a stage cannot be a %s", where, type(entry)))
      goto continue
    end
    do
      local origin
      if ref then
        impl, origin = load_stage_file(ref, dir, where)
        if not impl then goto continue end
        name = name or stem(origin)
      else
        origin, name = inline_origin(impl, name)
      end
      new_stage(stages, name, origin, impl, merge(params, own), on_error, dir)
    end
    ::continue::
  end
end

-- Runs pipeline file path and expands its stages; outer: the params of the
-- pipelines that use this one (they win over its own).
function load_pipeline(path, outer, chain)
  local real = I.realpath(path) or path
  for i, seen in ipairs(chain) do
    if seen.real == real then
      local names = {}
      for j = i, #chain do names[#names + 1] = chain[j].path end
      names[#names + 1] = path
      problem("use cycle: " .. tconcat(names, " -> "))
      return nil
    end
  end
  local ok, p = run_locked(path)
  if not ok then problem(p) return nil end
  if type(p) ~= "table" then
    problem(sformat("%s: a pipeline file must return a table (it returned %s)", path, type(p)))
    return nil
  end
  for k in pairs(p) do
    if type(k) ~= "string" or not PIPELINE_FIELDS[k] then
      problem(sformat("%s: unknown field %q (a pipeline has name, description, normalize, "
        .. "input, output, params, stages)", path, tostring(k)))
    end
  end
  if p.params ~= nil and type(p.params) ~= "table" then
    problem(path .. ": 'params' must be a table")
  end
  local chain2 = { table.unpack(chain) }
  chain2[#chain2 + 1] = { real = real, path = path }
  expand(p, path, merge(p.params, outer), chain2)
  return p
end

local function as_list(v)
  if v == nil then return {} end
  if type(v) == "string" then return { v } end
  return v
end

if cfg.pipeline then
  local path = cfg.pipeline
  local p = load_pipeline(path, {}, {})
  if p then
    local dir = dirname(path)
    pipeline.name = type(p.name) == "string" and p.name or stem(path)
    if p.normalize ~= nil then pipeline.normalize = tostring(p.normalize) end
    if p.output ~= nil then
      if type(p.output) ~= "string" then problem(path .. ": 'output' must be a path")
      else pipeline.output = join(dir, p.output) end
    end
    pipeline.input = {}
    for _, inp in ipairs(as_list(p.input)) do
      if type(inp) ~= "string" then problem(path .. ": 'input' must be a path or a list of paths")
      else pipeline.input[#pipeline.input + 1] = inp == "-" and inp or join(dir, inp) end
    end
  end
  -- --set K=V for every stage, --set STAGE.K=V for one
  local by_name = {}
  for _, st in ipairs(stages) do by_name[st.name] = true end
  for _, s in ipairs(cfg.sets) do
    local k, v = s:match("^([^=]+)=(.*)$")
    if not k then
      problem(sformat("--set %s: expected K=V or STAGE.K=V", s))
    else
      local sname, sk = k:match("^(.+)%.([^.]+)$")
      local val = set_value(v)
      if sname and by_name[sname] then
        for _, st in ipairs(stages) do
          if st.name == sname then st.ctx.params[sk] = val end
        end
      else
        for _, st in ipairs(stages) do st.ctx.params[k] = val end
      end
    end
  end
  if #problems == 0 then
    for _, st in ipairs(stages) do
      if st.init then
        local ok, err, tb = I.call(st.init, st.ctx)
        if not ok then
          problem(sformat("stage %s (%s): init failed: %s%s", st.name, st.origin,
            tostring(err), tb and ("\n" .. tb) or ""))
        end
      end
    end
  end
end

---------------------------------------------------------------- running

local call, enter, now, is_doc, dropped = I.call, I.enter, I.now, I.is_doc, I.dropped

local PROTOCOL = "expected nothing, true, false, the document or an array of documents"

---------------------------------------------------------------- --trace

-- 1 when box is the traced document or one of its parts.
local function traced(box)
  local id = cfg.trace
  if not id then return false end
  local did = box.id
  return did == id or did:sub(1, #id + 1) == id .. "#"
end

local function trace_line(s) io.stderr:write(s, "\n") end

local function snapshot(box)
  return { tags = box:tags(), nflags = #box:flags(), text = box.text }
end

-- What a stage did, as a line: tags added and removed, flags, the text.
local function trace_stage(name, before, box, outcome, secs)
  local what = {}
  local had = {}
  for _, t in ipairs(before.tags) do had[t] = true end
  local now = {}
  for _, t in ipairs(box:tags()) do
    now[t] = true
    if not had[t] then what[#what + 1] = "+tag " .. t end
  end
  for _, t in ipairs(before.tags) do
    if not now[t] then what[#what + 1] = "-tag " .. t end
  end
  local flags = box:flags()
  if #flags > before.nflags then
    local by, order = {}, {}
    for i = before.nflags + 1, #flags do
      local f = flags[i]
      if not by[f.rule] then by[f.rule] = {}; order[#order + 1] = f.rule end
      by[f.rule][#by[f.rule] + 1] = "l." .. f.line
    end
    local parts = {}
    for _, rule in ipairs(order) do
      local lines = by[rule]
      parts[#parts + 1] = ("%s%s (%s)"):format(rule, #lines > 1 and (" x" .. #lines) or "",
        tconcat(lines, ", "))
    end
    what[#what + 1] = ("+%d flag%s: %s"):format(#flags - before.nflags,
      #flags - before.nflags > 1 and "s" or "", tconcat(parts, ", "))
  end
  local text = box.text
  if text ~= before.text then
    local i = 1
    while i <= #text and text:byte(i) == before.text:byte(i) do i = i + 1 end
    local function around(t) return (t:sub(math.max(1, i - 15), i + 25):gsub("\n", "\\n")) end
    what[#what + 1] = ("text changed (%d -> %d bytes) at byte %d: \"%s\" -> \"%s\""):format(
      #before.text, #text, i, around(before.text), around(text))
  end
  if outcome then what[#what + 1] = outcome end
  if #what == 0 then what[1] = "kept, nothing changed" end
  trace_line(("  %-18s %-60s %8.2f ms"):format(name, tconcat(what, "; "), secs * 1000))
end

-- Runs box through stages from..#stages, appending outcome records to out:
-- { kind, box, stage, reason, traceback, limit }.
local function run(list, box, from, out)
  local tracing = traced(box)
  if tracing and from == 1 then
    trace_line(("%s (%d bytes, %s)"):format(box.id, box.bytes, box.encoding))
  end
  for s = from, #list do
    local st = list[s]
    enter(st.name, box)
    local before = tracing and snapshot(box)
    local t0 = now()
    local ok, r, tb, limit = call(st.process, box, st.ctx)
    local secs = now() - t0
    st.time = st.time + secs
    if tracing then
      local outcome
      if not ok then outcome = "error: " .. tostring(r)
      elseif dropped(box) then outcome = "dropped: " .. dropped(box)
      elseif r == false then outcome = "dropped (returned false)"
      elseif type(r) == "table" or (r ~= nil and r ~= true and r ~= box) then
        outcome = ("split into %d"):format(type(r) == "table" and #r or 1)
      end
      trace_stage(st.name, before, box, outcome, secs)
    end
    if not ok then
      local oe = limit and "fail" or st.on_error
      if oe == "keep" then
        out[#out + 1] = { "error_kept", box, st.name, r, tb }
      elseif oe == "drop" then
        out[#out + 1] = { "dropped", box, st.name, "error: " .. tostring(r) }
        return
      else
        out[#out + 1] = { oe == "abort" and "abort" or "failed", box, st.name, r, tb, limit }
        return
      end
    else
      local reason = dropped(box)
      if reason then
        out[#out + 1] = { "dropped", box, st.name, reason }
        return
      end
      if r == false then
        out[#out + 1] = { "dropped", box, st.name, st.name }
        return
      end
      if r ~= nil and r ~= true and r ~= box then
        if is_doc(r) then r = { r } end
        if type(r) ~= "table" then
          out[#out + 1] = { "failed", box, st.name, sformat("process returned a %s; %s",
            type(r), PROTOCOL) }
          return
        end
        for i = 1, #r do
          if not is_doc(r[i]) then
            out[#out + 1] = { "failed", box, st.name, sformat(
              "process returned a table whose item %d is a %s, not a document; %s",
              i, type(r[i]), PROTOCOL) }
            return
          end
        end
        if #r == 0 then
          out[#out + 1] = { "dropped", box, st.name, "split into nothing" }
          return
        end
        local self_in = false
        for i = 1, #r do
          if r[i] == box then self_in = true end
          run(list, r[i], s + 1, out)
        end
        if not self_in then out[#out + 1] = { "replaced", box } end
        return
      end
    end
  end
  if tracing then
    trace_line(("  -> kept, %d flag%s, tags: %s"):format(#box:flags(), #box:flags() == 1 and "" or "s",
      #box:tags() > 0 and tconcat(box:tags(), " ") or "(none)"))
  end
  out[#out + 1] = { "kept", box }
end

local API = {}

function API.process(box)
  local out = {}
  run(stages, box, 1, out)
  enter(nil, nil)
  return out
end

function API.finish()
  local counters, errs = {}, {}
  for _, st in ipairs(stages) do
    if st.finish then
      enter(st.name, nil)
      local ok, r, tb = call(st.finish, st.ctx)
      if not ok then
        errs[#errs + 1] = sformat("stage %s: finish failed: %s\n%s", st.name, tostring(r), tb or "")
      elseif type(r) == "table" then
        local c = counters[st.name] or {}
        for k, v in pairs(r) do
          if type(k) == "string" and type(v) == "number" then c[k] = (c[k] or 0) + v end
        end
        counters[st.name] = c
      end
    end
  end
  enter(nil, nil)
  return counters, #errs > 0 and tconcat(errs, "\n") or nil
end

---------------------------------------------------------------- vigie test

local function rules_of(flags)
  table.sort(flags, function(a, b)
    if a.start ~= b.start then return a.start < b.start end
    return a.stop < b.stop
  end)
  local r = {}
  for i, f in ipairs(flags) do r[i] = f.rule end
  return r
end

local function same_list(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

local function show(list)
  if #list == 0 then return "(none)" end
  return tconcat(list, ", ")
end

local Tester = {}
Tester.__index = Tester

-- Runs one case: spec.text through the stage; compares flags (rules in
-- text order), tags (sorted), dropped, meta (the keys given).
function Tester:case(name, spec)
  local info = debug.getinfo(2, "Sl")
  local where = sformat("%s:%d", info.short_src, info.currentline)
  if type(name) ~= "string" or type(spec) ~= "table" or type(spec.text) ~= "string" then
    error("t:case(name, { text = ..., flags = {...}, tags = {...} }) expected", 2)
  end
  local doc = vigie.doc{ id = spec.id or name, text = spec.text, meta = spec.meta, path = spec.path }
  local out = {}
  run(self.list, doc, 1, out)
  enter(nil, nil)
  local wrong = {}
  local kept, dropped, flags, tags = {}, nil, {}, {}
  for _, rec in ipairs(out) do
    if rec[1] == "failed" or rec[1] == "abort" then
      wrong[#wrong + 1] = "the stage failed: " .. tostring(rec[4])
    elseif rec[1] == "dropped" then
      dropped = rec[4]
    elseif rec[1] == "kept" then
      kept[#kept + 1] = rec[2]
    end
  end
  for _, d in ipairs(kept) do
    for _, f in ipairs(d:flags()) do flags[#flags + 1] = f end
    for _, t in ipairs(d:tags()) do tags[#tags + 1] = t end
  end
  if #wrong == 0 then
    if spec.dropped ~= nil and (spec.dropped and true or false) ~= (dropped ~= nil) then
      wrong[#wrong + 1] = spec.dropped and "expected the document dropped; it was kept"
        or ("expected the document kept; it was dropped (" .. tostring(dropped) .. ")")
    end
    if spec.flags ~= nil then
      local want, got = {}, rules_of(flags)
      for i, f in ipairs(spec.flags) do want[i] = type(f) == "table" and f.rule or f end
      if not same_list(want, got) then
        wrong[#wrong + 1] = sformat("flags: expected %s; got %s", show(want), show(got))
      end
    end
    if spec.tags ~= nil then
      local want = { table.unpack(spec.tags) }
      table.sort(want)
      table.sort(tags)
      if not same_list(want, tags) then
        wrong[#wrong + 1] = sformat("tags: expected %s; got %s", show(want), show(tags))
      end
    end
    local function show_value(v)
      if v == nil or v == vigie.null then return "nothing" end
      if type(v) == "table" then return vigie.json.encode(v) end
      return sformat("%q", v)
    end
    for k, v in pairs(spec.expect_meta or {}) do
      local got = kept[1] and kept[1].meta[k]
      local same
      if v == vigie.null then same = got == nil
      elseif type(v) == "table" and type(got) == "table" then
        same = vigie.json.encode(v) == vigie.json.encode(got)
      else same = got == v end
      if not same then
        wrong[#wrong + 1] = sformat("meta.%s: expected %s; got %s", k, show_value(v), show_value(got))
      end
    end
    if spec.expect_text ~= nil then
      local got = kept[1] and kept[1].text
      if got ~= vigie.normalize(spec.expect_text) then
        wrong[#wrong + 1] = sformat("text: expected %q; got %q", spec.expect_text, tostring(got))
      end
    end
  end
  if #wrong == 0 then
    self.counts.passed = self.counts.passed + 1
  else
    self.counts.failed = self.counts.failed + 1
    io.stdout:write(sformat("FAIL %s: %s\n", where, name))
    for _, w in ipairs(wrong) do io.stdout:write("  " .. w .. "\n") end
  end
  return self
end

-- vigie.test(stage, params) for test files in folder dir.
local function make_tester(dir, counts)
  return function(ref, params)
    local list, impl, origin, name = {}, nil, nil, nil
    if type(ref) == "function" then
      impl = ref
      origin, name = inline_origin(ref)
    elseif type(ref) == "string" then
      impl, origin = load_stage_file(ref, dir, "vigie.test")
      if not impl then error(table.remove(problems), 2) end
      name = stem(origin)
    else
      error("vigie.test: expected a stage file, a stage name or a function", 2)
    end
    local st = new_stage(list, name, origin, impl, merge(params), nil, dir)
    if st.init then
      local ok, err, tb = call(st.init, st.ctx)
      if not ok then error(sformat("stage %s: init failed: %s\n%s", name, tostring(err), tb or ""), 2) end
    end
    return setmetatable({ list = list, counts = counts }, Tester)
  end
end

-- Runs a test file; returns passed, failed; or nil and a message.
function API.test_file(path)
  local counts = { passed = 0, failed = 0 }
  add_root(dirname(path))
  local env = make_env(dirname(path))
  env.vigie = setmetatable({ test = make_tester(dirname(path), counts) }, { __index = vigie })
  local ok, err = run_file(path, env)
  if not ok then return nil, err end
  return counts.passed, counts.failed
end

function API.info()
  local list = {}
  for i, st in ipairs(stages) do list[i] = { st.name, st.origin } end
  return pipeline, list
end

function API.times()
  local t = {}
  for i, st in ipairs(stages) do t[i] = st.time end
  return t
end

return API, problems
