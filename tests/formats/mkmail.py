#!/usr/bin/env python3
"""mkmail.py: writes the e-mail fixtures of the tests, the same bytes on
every run (fixed date, Message-ID and MIME boundaries), with Python's
standard library only (email.message.EmailMessage).

  mkmail.py eml IN.txt OUT.eml [--attach FILE ...] [--charset utf-8|iso-8859-1]
            [--cte quoted-printable|base64|8bit] [--html-only] [--subject S] [--crlf]
    One message whose body is IN.txt (UTF-8): text/plain in the charset and
    transfer encoding given (utf-8 and quoted-printable by default), or with
    --html-only text/html only (one <p> per line, lines starting "- " as
    <ul><li>). Each --attach FILE is added as an attachment named after the
    file (a non-ASCII name is written RFC 2231-encoded by Python); a .eml is
    attached as message/rfc822 without a file name. The subject is non-ASCII
    unless --subject says otherwise (written as RFC 2047 encoded words); the
    sender's name too. --crlf writes CRLF line ends.
  mkmail.py mbox OUT.mbox EML...
    The messages in order in one mbox (mboxrd): each after a "From " line,
    its lines that start with "From " (after any '>') quoted with one more
    '>', a blank line after each.

A test helper, not part of vigie: it prints its errors and exits non-zero.
"""
import argparse
import email
import email.policy
import html
import io
import os
import sys
from email.generator import BytesGenerator
from email.message import EmailMessage

DATE = "Thu, 05 Dec 2019 10:30:00 +0100"
SUBJECT = "Tract : la géolocalisation des salariés, ça suffit !"
FROM = "Comité « Vigie » <comite@vigie.example>"
TO = "Tous les salariés <salaries@vigie.example>"
MBOX_FROM = b"From comite@vigie.example Thu Dec  5 10:30:00 2019"

TYPES = {
    ".pdf": ("application", "pdf"),
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".odt": ("application", "vnd.oasis.opendocument.text"),
    ".zip": ("application", "zip"),
    ".html": ("text", "html"),
    ".htm": ("text", "html"),
    ".txt": ("text", "plain"),
}


def to_html(text):
    """Blocks of lines (between blank lines) as <p>, lines joined by <br>; a
    block whose lines all start with "- " as <ul><li>."""
    out = ["<!DOCTYPE html>", "<html><head><title>Tract</title></head><body>"]
    for block in text.split("\n\n"):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith("- ") for ln in lines):
            out.append("<ul>")
            out += ["<li>%s</li>" % html.escape(ln[2:], quote=False) for ln in lines]
            out.append("</ul>")
        else:
            out.append("<p>%s</p>" % "<br>\n".join(html.escape(ln, quote=False) for ln in lines))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def make_eml(a):
    with open(a.input, encoding="utf-8") as f:
        text = f.read()
    stem = os.path.splitext(os.path.basename(a.output))[0]
    msg = EmailMessage()
    msg["From"] = FROM
    msg["To"] = TO
    msg["Subject"] = a.subject if a.subject is not None else SUBJECT
    msg["Date"] = DATE
    msg["Message-ID"] = "<%s@vigie.example>" % stem
    body = to_html(text) if a.html_only else text
    msg.set_content(body, subtype="html" if a.html_only else "plain", charset=a.charset,
                    cte=a.cte)
    for path in a.attach or []:
        name = os.path.basename(path)
        with open(path, "rb") as f:
            data = f.read()
        ext = os.path.splitext(name)[1].lower()
        if ext == ".eml":
            msg.add_attachment(email.message_from_bytes(data, policy=email.policy.default))
        else:
            maintype, subtype = TYPES.get(ext, ("application", "octet-stream"))
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    for k, part in enumerate(p for p in msg.walk() if p.get_content_maintype() == "multipart"):
        part.set_boundary("=_vigie_%s_%d" % (stem, k))
    policy = email.policy.default.clone(linesep="\r\n" if a.crlf else "\n")
    buf = io.BytesIO()
    BytesGenerator(buf, mangle_from_=False, policy=policy).flatten(msg)
    with open(a.output, "wb") as f:
        f.write(buf.getvalue())


def quote_from(line):
    """mboxrd: a line that is '>'* then "From " gets one more '>'."""
    return b">" + line if line.lstrip(b">").startswith(b"From ") else line


def make_mbox(a):
    out = bytearray()
    for path in a.messages:
        with open(path, "rb") as f:
            data = f.read()
        out += MBOX_FROM + b"\n"
        for line in data.splitlines(keepends=True):
            out += quote_from(line)
        if not data.endswith(b"\n"):
            out += b"\n"
        out += b"\n"
    with open(a.output, "wb") as f:
        f.write(out)


def main():
    ap = argparse.ArgumentParser(description="Writes the e-mail fixtures of the tests.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("eml")
    e.add_argument("input")
    e.add_argument("output")
    e.add_argument("--attach", action="append")
    e.add_argument("--charset", default="utf-8", choices=["utf-8", "iso-8859-1"])
    e.add_argument("--cte", default="quoted-printable",
                   choices=["quoted-printable", "base64", "8bit"])
    e.add_argument("--html-only", action="store_true")
    e.add_argument("--subject")
    e.add_argument("--crlf", action="store_true")
    m = sub.add_parser("mbox")
    m.add_argument("output")
    m.add_argument("messages", nargs="+")
    a = ap.parse_args()
    try:
        make_eml(a) if a.cmd == "eml" else make_mbox(a)
    except (OSError, UnicodeError, ValueError) as err:
        print("mkmail: %s" % err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
