"""End to end: the formats tracts come in (issue 6).

One tract (tests/formats/tract.txt: French, « » with U+202F, ’, œ, a list,
an emoji; a claim of each of the seven surveillance categories) is saved
as TXT, PDF (two pages), DOCX, ODT, HTML and as the PDF and DOCX
attachments of an e-mail, by the generators under tests/formats/ (cairo
for the PDF, zipfile and hand-written XML for DOCX and ODT, Python's email
package for the e-mail). The flagship pipeline must give every one of them
the same flags: the same rules, the same matches, the same sentences
(compared with white space collapsed and list markers left out, since a
word processor keeps a list's bullets out of the text).
"""
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from vtest import SRC, check, eq, main, read_jsonl, tmp, vigie, write  # noqa: E402

PIPELINE = os.path.join(SRC, "examples", "surveillance", "pipeline.lua")
FORMATS = os.path.join(SRC, "tests", "formats")
TRACT = os.path.join(FORMATS, "tract.txt")
MKPDF = os.environ.get("VIGIE_MKPDF") or os.path.join(SRC, "build", "tests", "vigie_mkpdf")
# the PDF starts its second page with this paragraph
PAGE2 = "Le service informatique"
TITLE, AUTHOR = "Surveillance des agents", "CGT Haute-Lys"


def run(*cmd):
    # fontconfig keeps its caches to the end: no leak report for mkpdf in the ASan build
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    subprocess.run([str(c) for c in cmd], check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def py(script, *args):
    run(sys.executable, os.path.join(FORMATS, script), *args)


_fixtures = None


def fixtures():
    """The tract in every format, once per test file: a folder and a zip of it."""
    global _fixtures
    if _fixtures:
        return _fixtures
    d = tmp()
    src = os.path.join(d, "src")
    out = os.path.join(d, "tracts")
    os.makedirs(src)
    os.makedirs(out)
    text = open(TRACT, encoding="utf-8").read()
    shutil.copy(TRACT, os.path.join(out, "tract.txt"))
    paged = write(os.path.join(src, "paged.txt"), text.replace(PAGE2, "\f" + PAGE2, 1))
    meta = ["--title", TITLE, "--author", AUTHOR]
    run(MKPDF, "text", paged, os.path.join(out, "tract.pdf"), *meta)
    py("mkoffice.py", "docx", TRACT, os.path.join(out, "tract.docx"), *meta)
    py("mkoffice.py", "odt", TRACT, os.path.join(out, "tract.odt"), *meta)
    py("mkoffice.py", "html", TRACT, os.path.join(out, "tract.html"), "--title", TITLE)
    note = write(os.path.join(src, "note.txt"), "Bonjour,\n\nVoici le tract de la section, en PDF et en DOCX.\n")
    shutil.copy(os.path.join(out, "tract.pdf"), os.path.join(src, "annexe.pdf"))
    shutil.copy(os.path.join(out, "tract.docx"), os.path.join(src, "annexe.docx"))
    py("mkmail.py", "eml", note, os.path.join(out, "mail.eml"), "--subject", "Tract : surveillance des agents",
       "--attach", os.path.join(src, "annexe.pdf"), "--attach", os.path.join(src, "annexe.docx"))
    z = os.path.join(d, "tracts.zip")
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(os.listdir(out)):
            zf.write(os.path.join(out, name), name)
    _fixtures = (out, z)
    return _fixtures


def norm(s):
    """White space collapsed (no-break spaces and form feeds too), list markers dropped."""
    words = " ".join(s.split())
    for marker in ("- ", "• "):
        words = words.replace(marker, "")
    return words.strip()


def flags_of(doc):
    return sorted((f["rule"], f["match"], norm(f["excerpt"])) for f in doc["flags"])


def run_flagship(*inputs):
    d = tmp()
    errors = os.path.join(d, "errors.jsonl")
    r = vigie("run", PIPELINE, *inputs, "-o", os.path.join(d, "out.jsonl"), "--errors", errors,
              "--no-progress", "-j", "2")
    eq(r.code, 0, "exit", r)
    eq(read_jsonl(errors), [], "no problem reported")
    return {doc["id"]: doc for doc in read_jsonl(os.path.join(d, "out.jsonl"))}


def test_the_same_tract_gives_the_same_flags_in_every_format():
    out, z = fixtures()
    for docs, prefix in ((run_flagship(out), out + "/"), (run_flagship(z), z + "!")):
        ids = {i[len(prefix):]: doc for i, doc in docs.items()}
        eq(sorted(ids), ["mail.eml", "mail.eml!annexe.docx", "mail.eml!annexe.pdf", "tract.docx",
                         "tract.html", "tract.odt", "tract.pdf", "tract.txt"], "documents", sorted(ids))
        want = flags_of(ids["tract.txt"])
        eq(sorted({rule for rule, _, _ in want}),
           sorted(["activity_tracking", "geolocation", "internet_monitoring", "satisfaction_surveys",
                   "time_clock", "wearables", "workload_metrics"]), "every rule flags the tract")
        for name in ("tract.pdf", "tract.docx", "tract.odt", "tract.html", "mail.eml!annexe.pdf",
                     "mail.eml!annexe.docx"):
            eq(flags_of(ids[name]), want, name + ": the same flags as the text")
        eq(ids["mail.eml"]["flags"], [], "the e-mail's own body flags nothing")
        formats = {name: doc["metadata"].get("format", "text") for name, doc in ids.items()}
        eq(formats, {"tract.txt": "text", "tract.pdf": "pdf", "tract.docx": "docx", "tract.odt": "odt",
                     "tract.html": "html", "mail.eml": "eml", "mail.eml!annexe.pdf": "pdf",
                     "mail.eml!annexe.docx": "docx"}, "metadata.format")


def test_pdf_flags_carry_their_page():
    out, _ = fixtures()
    docs = run_flagship(out)
    pdf = docs[os.path.join(out, "tract.pdf")]
    eq(pdf["metadata"]["pages"], 2, "page count")
    eq(pdf["text"].count("\f"), 1, "one page break, as a form feed")
    second = pdf["text"].index("\f")
    for f in pdf["flags"]:
        eq(f["page"], 1 if f["start"] < second else 2, "page of " + f["rule"], f)
    check(any(f["page"] == 2 for f in pdf["flags"]), "flags on page 2", pdf["flags"])
    for name in ("tract.txt", "tract.docx", "tract.html"):
        check(all("page" not in f for f in docs[os.path.join(out, name)]["flags"]), "no page outside PDF")
    # the offsets are into the extracted text
    for f in pdf["flags"]:
        eq(pdf["text"].encode()[f["start"]:f["end"]].decode(), f["match"])


def test_metadata_the_formats_carry():
    out, _ = fixtures()
    docs = run_flagship(out)
    meta = {os.path.basename(i) if "!" not in i else i.split("/")[-1]: d["metadata"] for i, d in docs.items()}
    for name in ("tract.pdf", "tract.docx", "tract.odt"):
        eq((meta[name].get("title"), meta[name].get("author")), (TITLE, AUTHOR), name)
    eq(meta["tract.html"].get("title"), TITLE)
    eml = meta["mail.eml"]
    eq(eml.get("subject"), "Tract : surveillance des agents")
    check(eml.get("from") and eml.get("date", "").startswith("20"), "from and date", eml)
    check(meta["tract.pdf"]["bytes"] > len(docs[os.path.join(out, "tract.pdf")]["text"].encode()) / 2,
          "bytes are the file's", meta["tract.pdf"])


def test_ls_shows_each_format_and_formats_chooses():
    out, z = fixtures()
    r = vigie("ls", z)
    eq(r.code, 0, "exit", r)
    rows = {row[0][len(z) + 1:]: row for row in (l.split("\t") for l in r.text.splitlines())}
    eq({name: row[2] for name, row in rows.items()},
       {"mail.eml": "eml", "mail.eml!annexe.docx": "docx", "mail.eml!annexe.pdf": "pdf",
        "tract.docx": "docx", "tract.html": "html", "tract.odt": "odt", "tract.pdf": "pdf",
        "tract.txt": "text"}, "ls: the format column", r)
    eq(rows["tract.pdf"][1], str(os.path.getsize(os.path.join(out, "tract.pdf"))), "ls: the file's bytes")
    d = tmp()
    errors = os.path.join(d, "e.jsonl")
    r = vigie("run", PIPELINE, out, "--formats", "pdf,html", "--errors", errors, "--no-progress")
    eq(r.code, 0, "skips are not failures", r)
    got = {doc["id"].split("/")[-1]: doc["metadata"].get("format", "text") for doc in r.docs}
    eq(got, {"tract.txt": "text", "tract.pdf": "pdf", "tract.html": "html"}, "only pdf, html and text", r)
    skipped = {e["id"].split("/")[-1]: e for e in read_jsonl(errors)}
    eq(sorted(skipped), ["mail.eml", "tract.docx", "tract.odt"], "the others are reported")
    check(all("--formats" in e["reason"] for e in skipped.values()), "with the option named", skipped)
    r = vigie("run", PIPELINE, out, "--formats", "pdf,xls")
    eq(r.code, 2, "an unknown format is a usage error", r)
    check("xls" in r.err, "named", r)


def test_cat_prints_the_extracted_text():
    out, _ = fixtures()
    r = vigie("cat", os.path.join(out, "tract.docx"))
    eq(r.code, 0, "exit", r)
    check("«\u202fmodernisation\u202f»" in r.text and "l’entrée" in r.text, "the Unicode of the tract", r)
    check("<w:" not in r.text and "word/" not in r.text, "text, not the zip's XML", r)



def test_an_mbox_gives_its_messages_and_their_attachments():
    out, _ = fixtures()
    d = tmp()
    note = write(os.path.join(d, "n.txt"), "Bonjour,\n\nFrom here on, le tract est en pièce jointe.\n")
    py("mkmail.py", "eml", note, os.path.join(d, "a.eml"), "--attach", os.path.join(out, "tract.pdf"))
    py("mkmail.py", "eml", TRACT, os.path.join(d, "b.eml"), "--cte", "base64")
    py("mkmail.py", "mbox", os.path.join(d, "m.mbox"), os.path.join(d, "a.eml"), os.path.join(d, "b.eml"))
    r = vigie("run", PIPELINE, "m.mbox", "--no-progress", cwd=d)
    eq(r.code, 0, "exit", r)
    docs = {doc["id"]: doc for doc in r.docs}
    eq(sorted(docs), ["m.mbox!1", "m.mbox!1!tract.pdf", "m.mbox!2"], "messages, then attachments", r)
    check("From here on" in docs["m.mbox!1"]["text"], "a body line starting with From survives",
          docs["m.mbox!1"]["text"])
    want = flags_of({"flags": [f for f in docs["m.mbox!1!tract.pdf"]["flags"]]})
    eq(flags_of(docs["m.mbox!2"]), want, "the tract as a base64 body flags as the PDF")
    eq(len({rule for rule, _, _ in want}), 7, "all seven rules")


def test_encrypted_and_scanned_pdfs_are_skipped_with_the_reason():
    out, _ = fixtures()
    d = os.path.join(tmp(), "in")
    os.makedirs(d)
    run(MKPDF, "image", os.path.join(d, "scan.pdf"))
    pdf = os.path.join(out, "tract.pdf")
    run("qpdf", "--encrypt", "secret", "owner", "256", "--", pdf, os.path.join(d, "locked.pdf"))
    run("qpdf", "--encrypt", "", "owner", "256", "--", pdf, os.path.join(d, "owner-only.pdf"))
    r = vigie("run", PIPELINE, ".", "--errors", "../e.jsonl", "--no-progress", cwd=d)
    eq(r.code, 0, "skips are not failures", r)
    eq([doc["id"] for doc in r.docs], ["./owner-only.pdf"], "a PDF with only an owner password is read")
    eq(len(r.docs[0]["flags"]), len(run_flagship(pdf)[pdf]["flags"]), "and flagged")
    skipped = {e["id"]: (e["kind"], e["reason"]) for e in read_jsonl(os.path.join(d, "..", "e.jsonl"))}
    eq(sorted(skipped), ["./locked.pdf", "./scan.pdf"])
    check(skipped["./locked.pdf"][0] == "skipped" and "password" in skipped["./locked.pdf"][1], "encrypted", skipped)
    check(skipped["./scan.pdf"][0] == "skipped" and "image-only" in skipped["./scan.pdf"][1], "scanned", skipped)
    r = vigie("ls", ".", cwd=d)
    check("./locked.pdf\t-\tpdf\t-\tskipped: encrypted PDF" in r.text, "ls names the format of a skipped one", r)


def hostile_mails(d):
    """E-mails that try the MIME parser: multiparts nested 5,000 deep, 1,500
    attachments, a boundary that never closes, a cut base64 part."""
    def multipart(depth):
        head = "".join("Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(depth))
        return "From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n" + head + "\nfond\n"
    write(os.path.join(d, "deep.eml"), multipart(5000))
    parts = "".join("--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
                    "filename=a%d.bin\n\nx\n" % i for i in range(1500))
    write(os.path.join(d, "many.eml"), "From: a@example.org\nSubject: many\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=b\n\n" + parts + "--b--\n")
    write(os.path.join(d, "open.eml"), "From: a@example.org\nSubject: open\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ntexte\n")
    write(os.path.join(d, "cut.eml"), "From: a@example.org\nSubject: cut\nMIME-Version: 1.0\n"
          "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/pdf\n"
          "Content-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=a.pdf\n\n"
          "JVBERi0xLjcKJeLjz9MKMSAwIG9i")


def test_hostile_files_in_every_format_are_reported_never_a_crash():
    d = tmp()
    bad = os.path.join(d, "bad")
    os.makedirs(bad)
    py("hostile_pdf.py", bad)
    py("hostile_xml.py", bad)
    hostile_mails(bad)
    with open(os.path.join(bad, "cut-in-half.pdf"), "wb") as f:  # the tract's PDF, cut
        data = open(os.path.join(fixtures()[0], "tract.pdf"), "rb").read()
        f.write(data[:len(data) // 2])
    names = sorted(os.listdir(bad))
    z = os.path.join(d, "bad.zip")
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            zf.write(os.path.join(bad, name), name)
    for inputs, prefix in (([bad], bad + "/"), ([z], z + "!")):
        errors = os.path.join(d, "errors.jsonl")
        t0 = time.time()
        r = vigie("run", PIPELINE, *inputs, "-o", os.path.join(d, "out.jsonl"), "--errors", errors,
                  "--no-progress", "-j", "2", "--max-doc-bytes", "16M", "--max-ratio", "500")
        took = time.time() - t0
        check(r.code in (0, 1), "the run ends normally", r)
        check(took < 60, "in bounded time (%.1f s)" % took)
        docs = {doc["id"][len(prefix):] for doc in read_jsonl(os.path.join(d, "out.jsonl"))}
        problems = {}
        for e in read_jsonl(errors):
            problems.setdefault(e["id"][len(prefix):].split("!")[0], []).append(e)
        for name in names:  # nodoc.docx is no DOCX (no word/document.xml): a zip, read as one
            check(name in docs or name in problems or any(i.startswith(name + "!") for i in docs),
                  name + ": read or reported", sorted(problems))
        for name, es in problems.items():
            for e in es:
                check(e["reason"] and "crashed" not in e["reason"] and "abandoned" not in e["reason"],
                      name + ": a reason, no crash and no hang", e)
        # what each kind of damage is called
        kinds = {name: {e.get("kind") + ":" + e["reason"] for e in es} for name, es in problems.items()}
        for name in ("random.pdf", "cut.odt", "notxml.odt", "deep.docx", "laughs.docx", "deep.html",
                     "nested.pdf", "bomb.pdf", "bomb.docx", "cut.docx"):
            check(name in problems, name + " is reported", kinds)
        check(any("ratio" in k or "expands" in k for k in kinds.get("bomb.docx", ())), "the zip bomb in a DOCX", kinds)
        check(any("1000000000" in k or "pages" in k for k in kinds.get("count.pdf", ())) or "count.pdf" in docs,
              "the page count", kinds)


if __name__ == "__main__":
    main()
