"""The manual page (doc/vigie.1), the bash completion
(completions/vigie.bash) and `cmake --install`: every subcommand and every
long option of `vigie COMMAND --help` is in the man page and in the
completion, and back; the binary takes each option run's help lists; an
installed tree holds the binary, the man page, the completion, the stage
library, the header, the library and its pkg-config file, and the installed
binary finds its stage library from anywhere."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, VIGIE, check, eq, main, tmp, vigie, write  # noqa: E402

MAN = os.path.join(SRC, "doc", "vigie.1")
COMPLETION = os.path.join(SRC, "completions", "vigie.bash")
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*[a-z]")


def commands():
    """The subcommands listed by `vigie --help`."""
    r = vigie("--help")
    eq(r.code, 0)
    return re.findall(r"^  ([a-z]+) ", r.text, re.M)


def help_options(cmd):
    r = vigie(cmd, "--help")
    eq(r.code, 0, cmd + " --help", r)
    return set(OPTION.findall(r.text)) - {"--help"}, r.text


def declared_options(text):
    """The options a help declares: on its option lines, and in [brackets]
    of its usage lines (not those its prose names, as stats names --stats)."""
    found = set()
    for line in text.splitlines():
        if re.match(r"^\s+-", line):
            found |= set(OPTION.findall(line))
        found |= set(o for b in re.findall(r"\[([^]]*)\]", line) for o in OPTION.findall(b))
    return found - {"--help"}


def man_text():
    with open(MAN, encoding="utf-8") as f:
        return f.read().replace("\\-", "-")


def man_sections():
    """{command: text of its .SS section}, and the options of the rest."""
    sections, current, rest = {}, None, []
    for line in man_text().splitlines():
        m = re.match(r'^\.SS "vigie ([a-z]+)', line)
        if m:
            current = m.group(1)
            sections[current] = []
        elif line.startswith((".SH", ".SS")):
            current = None
        (sections[current] if current else rest).append(line)
    return {k: "\n".join(v) for k, v in sections.items()}, "\n".join(rest)


def test_every_command_and_option_in_the_man_page_and_back():
    sections, rest = man_sections()
    cmds = commands()
    eq(sorted(cmds), ["cat", "check", "ls", "run", "stats", "test"], "the subcommands")
    eq(sorted(sections), sorted(cmds), "one man page section per subcommand, and no other")
    every = set()
    for cmd in cmds:
        opts, _ = help_options(cmd)
        every |= opts
        in_man = set(OPTION.findall(sections[cmd])) - {"--help"}
        eq(sorted(in_man - opts), [], "in the man page's %s but not in its --help" % cmd)
        eq(sorted(opts - in_man), [], "in %s --help but not in the man page" % cmd)
    top = set(OPTION.findall(vigie("--help").text))
    check({"--help", "--version"} <= set(OPTION.findall(rest)), "--help and --version in OPTIONS")
    eq(sorted(set(OPTION.findall(man_text())) - every - top - {"--help", "--version"}), [],
       "every option of the man page is one of vigie's")


def test_run_takes_every_option_its_help_lists():
    opts, text = help_options("run")
    eq(declared_options(text), opts, "run's help names only its own options")
    for opt in sorted(opts):
        takes_value = re.search(re.escape(opt) + r" [A-Z]", text) is not None
        args = ["run", opt] + (["1"] if takes_value else []) + ["--help"]
        r = vigie(*args)
        eq(r.code, 0, "vigie " + " ".join(args), r)
    for short, opt in (("-o", "--output"), ("-j", "--jobs")):
        check(short + ", " + opt in text, "the short form of " + opt)


def test_man_page_renders_without_warnings():
    if not shutil.which("groff"):
        return
    r = subprocess.run(["groff", "-man", "-ww", "-z", MAN], capture_output=True, text=True)
    eq(r.returncode, 0, "groff", r.stderr)
    eq(r.stderr, "", "no warnings")


def completion_lists():
    with open(COMPLETION, encoding="utf-8") as f:
        text = f.read()
    lists = {m.group(1): set(m.group(2).split()) for m in re.finditer(r'local (\w+)_opts="([^"]*)"', text)}
    cmds = set(re.search(r'local commands="([^"]*)"', text).group(1).split())
    return cmds, lists


def complete(*words):
    """What the completion offers after `vigie WORDS...` (the last is the word being typed)."""
    line = "vigie " + " ".join(words)
    script = ('source %s\nCOMP_WORDS=(vigie %s)\nCOMP_CWORD=%d\nCOMP_LINE=%s\n_vigie\nprintf "%%s\\n" "${COMPREPLY[@]}"\n'
              % (COMPLETION, " ".join("'%s'" % w for w in words), len(words), "'%s'" % line))
    r = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, cwd=SRC)
    eq(r.returncode, 0, "bash", r.stderr)
    return [w for w in r.stdout.split("\n") if w]


def test_bash_completion_knows_every_command_and_option():
    cmds, lists = completion_lists()
    eq(sorted(cmds), sorted(commands()), "the subcommands")
    for cmd in cmds:
        _, text = help_options(cmd)
        eq(sorted(lists[cmd] - {"--help"}), sorted(declared_options(text)), "the options of " + cmd)
    eq(complete("ch"), ["check"])
    eq(sorted(complete("run", "--fo")), ["--force", "--format", "--formats"])
    eq(complete("run", "--format", "ta"), ["tar", "tar.gz"])
    eq(complete("run", "--formats", "pdf,do"), ["pdf,docx"])
    eq(complete("cat", "--normalize", "NFK"), ["NFKC", "NFKD"])
    eq(complete("run", "exam"), ["examples"], "files and folders")


def test_cmake_install_and_the_installed_binary():
    build = os.path.dirname(os.path.abspath(VIGIE))
    if not os.path.exists(os.path.join(build, "cmake_install.cmake")):
        return  # a binary that was not built by this tree's CMake
    prefix = tmp()
    r = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True, text=True)
    eq(r.returncode, 0, "cmake --install", r.stdout + r.stderr)
    for f in ("bin/vigie", "share/man/man1/vigie.1", "share/bash-completion/completions/vigie",
              "share/vigie/scripts/skip_empty.lua", "share/vigie/scripts/flag_rules.lua",
              "include/vigie.h"):
        check(os.path.isfile(os.path.join(prefix, f)), "installed: " + f)
    libs = [os.path.join(p, f) for p, _, fs in os.walk(prefix) for f in fs]
    check([f for f in libs if f.endswith("/libvigiecore.a")], "the library", libs)
    pcs = [f for f in libs if f.endswith("/pkgconfig/vigie.pc")]
    check(pcs, "the pkg-config file", libs)
    eq(sorted(os.path.basename(f) for f in libs if f.startswith(os.path.join(prefix, "share/vigie/scripts/"))
              and f.endswith(".lua") and os.path.dirname(f) == os.path.join(prefix, "share/vigie/scripts")),
       sorted(f for f in os.listdir(os.path.join(SRC, "scripts")) if f.endswith(".lua")), "the whole stage library")

    # the installed binary, from another folder, finds the installed library
    d = tmp()
    write(os.path.join(d, "p.lua"), 'return { stages = { "skip_empty" } }')
    write(os.path.join(d, "in", "a.txt"), "un texte\n")
    write(os.path.join(d, "in", "empty.txt"), "   \n")
    env = dict(os.environ)
    env.pop("VIGIE_SCRIPTS", None)
    env.pop("VIGIE_PATH", None)
    bin_ = os.path.join(prefix, "bin", "vigie")
    r = subprocess.run([bin_, "check", "p.lua"], cwd=d, env=env, capture_output=True, text=True)
    eq(r.returncode, 0, "check", r.stdout + r.stderr)
    check(os.path.join(os.path.realpath(prefix), "share/vigie/scripts/skip_empty.lua") in r.stdout,
          "skip_empty from the installed library", r.stdout)
    r = subprocess.run([bin_, "run", "p.lua", "in"], cwd=d, env=env, capture_output=True, text=True)
    eq(r.returncode, 0, "run", r.stderr)
    eq([l for l in r.stdout.splitlines() if l].__len__(), 1, "the empty document dropped by skip_empty")
    check("dropped 1 (skip_empty" in r.stderr, "by skip_empty", r.stderr)

    # a C program built against the installed header and library
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc and shutil.which("pkg-config"):
        src = write(os.path.join(d, "v.c"), '#include <stdio.h>\n#include <vigie.h>\n'
                    'int main(void) { vigie_run *r = vigie_run_new("p.lua");\n'
                    '  printf("%s\\n", vigie_version()); vigie_run_free(r); return r == NULL; }\n')
        penv = dict(env, PKG_CONFIG_PATH=os.path.dirname(pcs[0]))
        flags = subprocess.run(["pkg-config", "--cflags", "--libs", "vigie"], env=penv, capture_output=True,
                               text=True)
        eq(flags.returncode, 0, "pkg-config", flags.stderr)
        exe = os.path.join(d, "v")
        cache = os.path.join(build, "CMakeCache.txt")
        san = ["-fsanitize=address,undefined"] if "VIGIE_SANITIZE:BOOL=ON" in open(cache).read() else []
        r = subprocess.run([cc, src, "-o", exe] + san + flags.stdout.split(), capture_output=True, text=True)
        eq(r.returncode, 0, "built with pkg-config's flags", r.stderr[-2000:])
        eq(subprocess.run([exe], capture_output=True, text=True).stdout.strip(),
           vigie("--version").text.split()[-1], "the library's version")


main()
