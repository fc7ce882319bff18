"""The HTML report in a real browser: Debian's chromium, driven headless
through chromedriver with the WebDriver protocol (plain HTTP on the
loopback, from the standard library). The report of examples/first over
corpus/tracts.zip, plus a tract that carries a <script>, must show one
<mark> per flag of the JSONL written by the same run (over every page),
keep only one rule's flags when filtered by it, show the script as text
without running it, and leave a screenshot (build dir: report.png) for a
person to look at. .ci/install-deps installs chromium and chromium-driver."""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, VIGIE, check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

EVIL = ("Tract piégé : <script>window.pwned=1</script> </script><img src=x onerror=\"window.pwned=2\">"
        " et la badgeuse qui nous surveille tous les jours, avec le GPS des agents.\n")
PER_PAGE = 5  # small pages, so that the count goes over several of them
NDOCS = 2000 if os.environ.get("VIGIE_VALGRIND") else 10000  # flagged documents of the large report


def find(*names):
    for n in names:
        p = shutil.which(n) or (n if os.path.exists(n) else None)
        if p:
            return p
    return None


class Browser:
    """A chromedriver process and one headless chromium session."""

    def __init__(self, profile):
        driver = find("chromedriver", "/usr/lib/chromium/chromedriver")
        binary = find("/usr/lib/chromium/chromium", "chromium")
        check(driver and binary, "chromium and chromium-driver are needed: run .ci/install-deps")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen([driver, "--port=%d" % self.port, "--allowed-ips=127.0.0.1"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        deadline = time.time() + 20
        while True:
            try:
                if self.call("GET", "/status")["ready"]:
                    break
            except (OSError, urllib.error.URLError):
                pass
            check(time.time() < deadline, "chromedriver did not start")
            time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1800"]
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": {"binary": binary, "args": args}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read().decode())["value"]
        except urllib.error.HTTPError as e:
            raise AssertionError("WebDriver %s %s: %s" % (method, path, e.read().decode()[:500]))

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.session, path), body)

    def go(self, url):
        """Loads url afresh (not a move inside the page already shown)."""
        self.s("POST", "/url", {"url": "about:blank"})
        self.s("POST", "/url", {"url": url})
        deadline = time.time() + 15
        while self.js("return document.documentElement.getAttribute('data-ready')") != "1":
            check(time.time() < deadline, "the report's script did not finish")
            time.sleep(0.05)

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def click(self, css):
        el = self.s("POST", "/element", {"using": "css selector", "value": css})
        self.s("POST", "/element/%s/click" % list(el.values())[0], {})

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))

    def close(self):
        try:
            self.s("DELETE", "")
        except Exception:  # noqa: BLE001 - the driver goes anyway
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def marks_on_every_page(b):
    """The data-rule of every highlighted span, page after page."""
    rules, pages = [], 0
    while True:
        pages += 1
        rules += b.js("return Array.from(document.querySelectorAll('#vg-docs mark')).map(m => m.dataset.rule)")
        if b.js("return document.querySelector('#vg-pager .next').disabled"):
            return rules, pages
        check(pages < 1000, "the pager does not end")
        b.click("#vg-pager .next")


def test_report_in_headless_chromium():
    d = tmp()
    evil = write(os.path.join(d, "evil.txt"), EVIL)
    report, jsonl = os.path.join(d, "report.html"), os.path.join(d, "flags.jsonl")
    r = vigie("run", "examples/first/pipeline.lua", "corpus/tracts.zip", evil,
              "-o", report, "-o", jsonl, cwd=SRC)
    eq(r.code, 0, "exit", r)
    docs = read_jsonl(jsonl)
    flags = [f for x in docs for f in x["flags"]]
    flagged = [x for x in docs if x["flags"]]
    evil_doc = [x for x in docs if x["id"] == evil][0]
    check(evil_doc["flags"], "the tract with a script has a flag", evil_doc)
    check(len(flagged) > PER_PAGE * 2, "enough flagged documents for several pages", len(flagged))

    html = open(report, encoding="utf-8").read()
    check("<script>window.pwned" not in html, "the text's <script> is escaped in the file")

    profile = tempfile.mkdtemp(prefix="vigie-chromium-")
    b = Browser(profile)
    try:
        url = "file://" + report
        b.go(url + "#per=%d" % PER_PAGE)
        shown, pages = marks_on_every_page(b)
        eq(len(shown), len(flags), "one highlighted span per flag of the JSONL, over %d pages" % pages)
        check(pages >= 3, "several pages", pages)
        eq(sorted(shown), sorted(f["rule"] for f in flags), "the same rules")
        eq(b.js("return document.querySelector('#vg-n-flags dd').textContent"), str(len(flags)),
           "the summary counts the flags")
        eq(b.js("return document.querySelector('#vg-n-kept dd').textContent"), str(len(docs)),
           "the summary counts the kept documents")
        eq(b.js("return document.querySelector('#vg-n-flagged dd').textContent"), str(len(flagged)),
           "and the flagged documents")
        eq(b.js("return document.querySelectorAll('#vg-chart .bar').length"),
           len({f["rule"] for f in flags}), "one bar per rule")

        # filtering by one rule (a click on its option) leaves only its flags
        rule = sorted({f["rule"] for f in flags}, key=lambda x: -sum(f["rule"] == x for f in flags))[0]
        b.go(url + "#per=%d" % PER_PAGE)
        b.click('#vg-rule option[value="%s"]' % rule)
        eq(b.js("return document.getElementById('vg-rule').value"), rule, "the rule is chosen")
        shown, _ = marks_on_every_page(b)
        eq(len(shown), sum(f["rule"] == rule for f in flags), "as many spans as flags of " + rule)
        eq(set(shown), {rule}, "only that rule's spans")
        title = b.js("return document.querySelector('#vg-docs mark').title")
        check(title in {f["label"] for f in flags if f["rule"] == rule}, "the label on hover", title)

        # the most flagged documents first
        b.go(url + "#sort=flags")
        counts = b.js("return Array.from(document.querySelectorAll('#vg-docs article')).map("
                      "a => a.querySelectorAll('mark').length)")
        eq(counts, sorted((len(x["flags"]) for x in flagged), reverse=True), "sorted by flags")

        # filtering by a tag
        tag = "surveillance"
        b.go(url + "#tag=" + tag)
        ids = b.js("return Array.from(document.querySelectorAll('#vg-docs h3')).map(h => h.textContent)")
        eq(ids, [x["id"] for x in flagged if tag in x["tags"]][:50], "only the documents with the tag")

        # the tract with a script: shown as text, never run
        b.go(url + "#q=evil.txt")
        eq(b.js("return typeof window.pwned"), "undefined", "the injected script did not run")
        text = b.js("return document.getElementById('vg-docs').textContent")
        check("<script>window.pwned=1</script>" in text, "the script is shown as text", text[:500])
        eq(b.js("return document.querySelectorAll('#vg-docs script, #vg-docs img').length"), 0,
           "no element made from the text")
        b.click("#vg-docs article button")  # the whole text, highlighted
        check("window.pwned=2" in b.js("return document.getElementById('vg-docs').textContent"), "whole text")
        eq(b.js("return typeof window.pwned"), "undefined", "still not run")

        b.go(url)
        shot = os.path.join(d, "report.png")
        b.screenshot(shot)
        with open(shot, "rb") as f:
            check(f.read(8) == b"\x89PNG\r\n\x1a\n", "a PNG")
        shutil.copy(shot, os.path.join(os.path.dirname(os.path.abspath(VIGIE)), "report.png"))
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_report_of_10000_flagged_documents_stays_usable():
    """NDOCS documents with 3 flags each: the page holds 50 of them at a time."""
    d = tmp()
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      local s = 1
      for k = 1, 3 do
        local a, b = doc.text:find("géolocalisé", s, true)
        doc:flag{ rule = "geo" .. ((tonumber(doc.id:match("%d+")) + k) % 3), start = a, stop = b }
        s = b + 1
      end
      doc:tag("t" .. (#doc.id % 4))
    end } }''')
    text = ("Chaque agent est géolocalisé par son smartphone, tout le temps. " * 30) + "\n"
    with open(os.path.join(d, "in.jsonl"), "w", encoding="utf-8") as f:
        for i in range(NDOCS):
            f.write(json.dumps({"id": "tract-%05d" % i, "text": text}) + "\n")
    report = os.path.join(d, "big.html")
    r = vigie("run", "p.lua", "in.jsonl", "--input-format", "jsonl", "-o", report, cwd=d)
    eq(r.code, 0, "exit", r)
    profile = tempfile.mkdtemp(prefix="vigie-chromium-")
    b = Browser(profile)
    try:
        t0 = time.time()
        b.go("file://" + report)
        check(time.time() - t0 < 20, "opens in seconds", time.time() - t0)
        eq(b.js("return document.querySelectorAll('#vg-docs article').length"), 50, "one page of 50 in the page")
        eq(b.js("return document.querySelectorAll('#vg-docs mark').length"), 150, "its flags only")
        eq(b.js("return document.querySelector('#vg-pager .where').textContent"), "page 1 of %d" % (NDOCS // 50))
        b.go("file://" + report + "#page=%d&rule=geo1" % (NDOCS // 50))
        eq(b.js("return document.getElementById('vg-rule').value"), "geo1", "the filter from the address")
        eq(b.js("return document.querySelector('#vg-pager .where').textContent"),
           "page %d of %d" % (NDOCS // 50, NDOCS // 50))
        eq(b.js("return document.querySelectorAll('#vg-docs mark').length"), 50, "one flag of geo1 each")
        check(b.js("return Array.from(document.querySelectorAll('#vg-docs mark')).every(m => m.dataset.rule === 'geo1')"),
              "filtered")
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_overlapping_flags_get_one_mark_each():
    d = tmp()
    write(os.path.join(d, "p.lua"), '''return { stages = { function(doc)
      local s = doc.text:find("badgeuse", 1, true)
      doc:flag{ rule = "short", label = "badge", start = s, stop = s + 4 }
      doc:flag{ rule = "long", label = "badgeuse", start = s, stop = s + 7 }
      doc:flag{ rule = "across", start = s + 5, stop = s + 12 }
      doc:flag{ rule = "empty", start = s + 20, stop = s + 19 }
    end } }''')
    write(os.path.join(d, "in", "a.txt"), "Une badgeuse géolocalisée à l'entrée du dépôt, pour tous.\n")
    report = os.path.join(d, "r.html")
    r = vigie("run", "p.lua", "in", "-o", report, cwd=d)
    eq(r.code, 0, "exit", r)
    profile = tempfile.mkdtemp(prefix="vigie-chromium-")
    b = Browser(profile)
    try:
        b.go("file://" + report)
        marks = b.js("return Array.from(document.querySelectorAll('#vg-docs mark')).map("
                     "m => [m.dataset.rule, m.title, m.textContent, m.parentElement.dataset.rule || ''])")
        eq(sorted(m[0] for m in marks), ["across", "empty", "long", "short"], "one mark per flag")
        by = {m[0]: m for m in marks}
        eq(by["long"][1:3], ["badgeuse", "badgeuse"], "the label on hover, the match inside")
        eq(by["short"][3], "long", "a flag inside another nests in it")
        eq(by["short"][2], "badge")
        eq(by["empty"][2], "", "an empty flag is an empty mark")
        eq(b.js("return document.getElementById('vg-docs').textContent.indexOf('badgeuse géolocalisée') >= 0"),
           True, "the text reads as it was")
    finally:
        b.close()
        shutil.rmtree(profile, ignore_errors=True)


def test_report_is_self_contained():
    d = tmp()
    report = os.path.join(d, "r.html")
    r = vigie("run", "examples/first/pipeline.lua", "-o", report, cwd=SRC)
    eq(r.code, 0, "exit", r)
    html = open(report, encoding="utf-8").read()
    check("Content-Security-Policy" in html and "default-src 'none'" in html, "nothing may be loaded")
    # outside the data (where every "<" is \u003c), no element that loads anything
    for bad in ("<link", "<img", "<iframe", "<object", "<embed", " src=", " href=", "@import", "url("):
        check(bad not in html, "no external asset: " + bad)


main()
