/*
 * test_extract_mail.c: unit tests of the e-mail extractor
 * (engine/extract_mail.c). Fixtures are made at run time in the scratch
 * directory of extract_fixtures.h (which also gives the checks): messages
 * and mailboxes by tests/formats/mkmail.py (Python's email package), the
 * odd and hostile ones written here byte by byte.
 */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "extract.h"
#include "extract_fixtures.h"
#include "harness.h"
#include "text.h"

/* A tract as corpus/tracts has them: a title in capitals, paragraphs on one
 * line, a list, French typography (U+202F, U+00A0, ’, …, œ, « »), an emoji. */
static const char TRACT[] =
    "NON À LA GÉOLOCALISATION DES SALARIÉS\n"
    "\n"
    "Depuis le 1er décembre, la direction impose un boîtier «\u202fGPS\u202f» dans chaque "
    "véhicule\u00a0: c’est inacceptable… Nous refusons ce contrôle permanent 🚨\u202f!\n"
    "Le CSE n’a pas été consulté, et l’œil de la direction nous suit partout.\n"
    "\n"
    "- un suivi permanent des trajets\n"
    "• des données conservées sans limite\n"
    "\n"
    "Rendez-vous jeudi 12 décembre à 12\u00a0h devant l’entrée.\n";

/* The same in what ISO-8859-1 can hold. */
static const char TRACT_LATIN1[] =
    "SALARIÉS : RÉUNION\n"
    "\n"
    "Réunion jeudi à 12\u00a0h, « ensemble » pour nos droits. Ça suffit, non ?\n"
    "Le contrôle des trajets doit cesser.\n";

/* ---- helpers ------------------------------------------------------------- */

static int extract_str(vg_format f, const char *s, const vg_extract_limits *l, vg_extracted *x) {
  return vg_extract(f, (const unsigned char *)s, strlen(s), l, x);
}

/* Part i (0-based): 1 with its name, bytes and size. */
static int part(const vg_extracted *x, size_t i, const char **name, const unsigned char **data,
                size_t *size) {
  size_t pos = 0;
  for (size_t k = 0; vg_extracted_next_part(x, &pos, name, data, size); k++)
    if (k == i) return 1;
  return 0;
}

static const char *text(const vg_extracted *x) { return x->text.data ? x->text.data : ""; }

static int file_equals(const char *path, const unsigned char *data, size_t size) {
  size_t n;
  unsigned char *p = slurp(path, &n);
  int eq = p && n == size && !memcmp(p, data, n);
  free(p);
  return eq;
}

/* ---- bodies and metadata --------------------------------------------------- */

static void test_body_encodings(void) {
  write_text("tract.txt", TRACT);
  write_text("latin1.txt", TRACT_LATIN1);
  python("mkmail.py", "eml tract.txt qp.eml --cte quoted-printable");
  python("mkmail.py", "eml latin1.txt l1.eml --charset iso-8859-1 --cte base64");
  python("mkmail.py", "eml tract.txt 8bit.eml --cte 8bit");
  python("mkmail.py", "eml tract.txt crlf.eml --cte 8bit --crlf");
  python("mkmail.py", "eml tract.txt b64.eml --cte base64");
  static const struct {
    const char *file, *want;
  } CASES[] = {{"qp.eml", TRACT}, {"l1.eml", TRACT_LATIN1}, {"8bit.eml", TRACT},
               {"crlf.eml", TRACT}, {"b64.eml", TRACT}};
  vg_extract_limits l = limits(64 << 20);
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    vg_extracted x = {0};
    size_t n;
    unsigned char *p = slurp(CASES[i].file, &n);
    CHECK_INT(vg_format_sniff(p, n), VG_FORMAT_EML);
    free(p);
    CHECK_INT(extract_file(VG_FORMAT_EML, CASES[i].file, &l, &x), 0);
    CHECK_STR(text(&x), CASES[i].want);
    CHECK_STR(x.warning, "");
    CHECK_INT(x.nparts, 0);
    check_conventions(&x, 1);
    vg_extracted_free(&x);
  }
}

static void test_metadata(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  CHECK_INT(extract_file(VG_FORMAT_EML, "qp.eml", &l, &x), 0);
  CHECK_STR(meta(&x, "subject"), "Tract : la géolocalisation des salariés, ça suffit !");
  CHECK_STR(meta(&x, "from"), "Comité « Vigie » <comite@vigie.example>");
  CHECK_STR(meta(&x, "to"), "Tous les salariés <salaries@vigie.example>");
  CHECK_STR(meta(&x, "date"), "2019-12-05T10:30:00+01:00");
  CHECK_STR(meta(&x, "message_id"), "qp@vigie.example");
  /* hand-written: a folded, Latin-1 encoded-word subject, two recipients,
   * a date west of Greenwich, no Message-ID */
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: \"Dupont, Jean\" <jean@vigie.example>\n"
                        "To: a@vigie.example, =?iso-8859-1?q?Andr=E9?= <andre@vigie.example>\n"
                        "Subject: =?iso-8859-1?q?R=E9union?=\n =?utf-8?b?ZMOpbMOpZ3XDqXM=?=\n"
                        "Date: Mon, 3 Feb 2020 08:05:09 -0500\n"
                        "\nCorps.\n",
                        &l, &x),
            0);
  CHECK_STR(meta(&x, "subject"), "Réuniondélégués");
  CHECK_STR(meta(&x, "from"), "\"Dupont, Jean\" <jean@vigie.example>");
  CHECK_STR(meta(&x, "to"), "a@vigie.example, André <andre@vigie.example>");
  CHECK_STR(meta(&x, "date"), "2020-02-03T08:05:09-05:00");
  CHECK(meta(&x, "message_id") == NULL);
  CHECK_STR(text(&x), "Corps.\n");
  vg_extracted_free(&x);
}

static void test_attachments(void) {
  unsigned char bin[300];
  for (size_t i = 0; i < sizeof bin; i++) bin[i] = (unsigned char)(i * 7 + 3);
  write_file("annexe – géolocalisation.pdf", bin, sizeof bin);
  write_text("notes.txt", "Notes de réunion\r\nligne 2 ✓\n\x01 fin");
  python("mkmail.py",
         "eml tract.txt att.eml --attach 'annexe – géolocalisation.pdf' --attach notes.txt");
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  CHECK_INT(extract_file(VG_FORMAT_EML, "att.eml", &l, &x), 0);
  CHECK_STR(text(&x), TRACT);
  CHECK_INT(x.nparts, 2);
  const char *name;
  const unsigned char *data;
  size_t size;
  CHECK(part(&x, 0, &name, &data, &size));
  CHECK_STR(name, "annexe – géolocalisation.pdf");
  CHECK(file_equals("annexe – géolocalisation.pdf", data, size));
  CHECK(part(&x, 1, &name, &data, &size));
  CHECK_STR(name, "notes.txt");
  CHECK(file_equals("notes.txt", data, size)); /* bytes as sent: CRLF and \x01 kept */
  vg_extracted_free(&x);
}

static void test_rfc822_attachment(void) {
  python("mkmail.py", "eml tract.txt fw.eml --attach 8bit.eml --subject 'Fwd: tract'");
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0}, y = {0};
  CHECK_INT(extract_file(VG_FORMAT_EML, "fw.eml", &l, &x), 0);
  CHECK_STR(meta(&x, "subject"), "Fwd: tract");
  CHECK_STR(text(&x), TRACT);
  CHECK_INT(x.nparts, 1);
  const char *name;
  const unsigned char *data;
  size_t size;
  CHECK(part(&x, 0, &name, &data, &size));
  CHECK_STR(name, "message-1.eml");
  CHECK_INT(vg_format_sniff(data, size), VG_FORMAT_EML);
  CHECK_INT(vg_extract_eml(data, size, &l, &y), 0);
  CHECK_STR(meta(&y, "message_id"), "8bit@vigie.example");
  CHECK_STR(text(&y), TRACT);
  vg_extracted_free(&x);
  vg_extracted_free(&y);
}

static void test_only_attachments(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: pj\nMIME-Version: 1.0\n"
                        "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
                        "--B\nContent-Type: application/pdf\n"
                        "Content-Disposition: attachment; filename=\"C:\\\\Docs\\\\tract.pdf\"\n"
                        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
                        "--B\nContent-Type: application/pdf; name=\"=?utf-8?q?pi=C3=A8ce?=.pdf\"\n"
                        "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
                        "--B\nContent-Type: application/pdf\n\n%PDF-1.4\n"
                        "--B\nContent-Type: application/vnd.oasis.opendocument.text\n"
                        "Content-Disposition: attachment\n\nPK\n"
                        "--B\nContent-Type: application/pdf\n"
                        "Content-Disposition: attachment; filename=\"tract.pdf\"\n\n%PDF-1.5\n"
                        "--B\nContent-Type: image/png\n\nnot read\n"
                        "--B\nContent-Type: application/pgp-signature; name=\"sig.asc\"\n\nsig\n"
                        "--B--\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "");
  CHECK_INT(x.nparts, 5);
  static const char *const NAMES[] = {"tract.pdf", "pièce.pdf", "part-3.pdf", "part-4.odt",
                                      "tract-2.pdf"};
  const char *name;
  const unsigned char *data;
  size_t size;
  for (size_t i = 0; i < 5; i++) {
    CHECK(part(&x, i, &name, &data, &size));
    CHECK_STR(name, NAMES[i]);
  }
  CHECK(part(&x, 0, &name, &data, &size) && size == 9 && !memcmp(data, "%PDF-1.4\n", 9));
  CHECK(part(&x, 4, &name, &data, &size) && size == 8 && !memcmp(data, "%PDF-1.5", 8));
  vg_extracted_free(&x);
}

static void test_alternative_and_signed(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: alt\nMIME-Version: 1.0\n"
                        "Content-Type: multipart/signed; boundary=S; protocol=x\n\n"
                        "--S\nContent-Type: multipart/alternative; boundary=A\n\n"
                        "--A\nContent-Type: text/html\n\n<p>HTML</p>\n"
                        "--A\nContent-Type: text/plain; charset=utf-8\n\nLe texte brut.\n"
                        "--A--\n"
                        "--S\nContent-Type: application/pgp-signature; name=signature.asc\n\n"
                        "-----BEGIN PGP SIGNATURE-----\n--S--\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "Le texte brut.\n");
  CHECK_INT(x.nparts, 0);
  CHECK_STR(x.warning, ""); /* the HTML alternative was not read */
  /* mixed: two text parts joined by a blank line, an inline text part with
   * a name is body text, a text/csv with a name is an attachment */
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: mixed\nMIME-Version: 1.0\n"
                        "Content-Type: multipart/mixed; boundary=M\n\n"
                        "--M\nContent-Type: text/plain\n\n\n\nUn.\n\n\n\n"
                        "--M\nContent-Type: text/plain; name=deux.txt\n"
                        "Content-Disposition: inline; filename=deux.txt\n\nDeux.\n"
                        "--M\nContent-Type: text/csv; name=t.csv\n\na;b\n"
                        "--M--\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "Un.\n\nDeux.\n");
  CHECK_INT(x.nparts, 1);
  vg_extracted_free(&x);
}

static void test_html_only(void) {
  python("mkmail.py", "eml tract.txt html.eml --html-only");
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  /* loose until extract_html.c lands: vg_extract_html is called, and
   * either its text is the body or its failure is a warning */
  CHECK_INT(extract_file(VG_FORMAT_EML, "html.eml", &l, &x), 0);
  CHECK(strstr(text(&x), "GÉOLOCALISATION") || strstr(x.warning, "HTML"));
  CHECK_STR(meta(&x, "message_id"), "html@vigie.example");
  check_conventions(&x, 1);
  /* the part's charset wins over the one the page declares: the HTML goes
   * to vg_extract_html in UTF-8 after a BOM */
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: h\n"
                        "Content-Type: text/html; charset=koi8-r\n\n"
                        "<html><head><meta charset=\"iso-8859-1\"></head>"
                        "<body><p>\xF0\xD2\xC9\xD7\xC5\xD4</p></body></html>\n",
                        &l, &x),
            0);
  if (!x.warning[0]) CHECK_STR(text(&x), "Привет\n");
  else CHECK(strstr(x.warning, "HTML") != NULL);
  vg_extracted_free(&x);
}

static void test_flowed(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: flowed\n"
                        "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
                        "Depuis le 1er d\xC3\xA9""cembre, la direction \n"
                        "impose un bo\xC3\xAEtier \n"
                        "GPS.\n"
                        " From here, stuffed.\n"
                        "> cit\xC3\xA9 \n"
                        "> suite\n"
                        "-- \n"
                        "Signature\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "Depuis le 1er décembre, la direction impose un boîtier GPS.\n"
                      "From here, stuffed.\n"
                      "> cité suite\n"
                      "--\n" /* the signature line, trimmed like every line */
                      "Signature\n");
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: delsp\n"
                        "Content-Type: text/plain; format=flowed; delsp=yes\n\n"
                        "g\xC3\xA9olocali \nsation\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "géolocalisation\n");
  vg_extracted_free(&x);
}

static void test_charsets_and_controls(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  static const struct {
    const char *msg, *want;
  } CASES[] = {
      /* labelled Latin-1, sent as Windows-1252: ’ and … */
      {"Content-Type: text/plain; charset=iso-8859-1\n\nc\x92""est fini\x85 \xE9t\xE9\n",
       "c’est fini… été\n"},
      /* labelled UTF-8, sent as Latin-1 */
      {"Content-Type: text/plain; charset=utf-8\n\nr\xE9union\n", "réunion\n"},
      /* an unknown charset: valid UTF-8 kept */
      {"Content-Type: text/plain; charset=x-nonsense\n\nr\xC3\xA9union\n", "réunion\n"},
      /* a charset iconv knows */
      {"Content-Type: text/plain; charset=koi8-r\n\n\xF0\xD2\xC9\xD7\xC5\xD4\n", "Привет\n"},
      {"Content-Type: text/plain; charset=iso-8859-15\n\n\xA4 \xBD\n", "€ œ\n"},
      /* spaces at line ends dropped, lines of white space blank */
      {"Content-Type: text/plain; charset=utf-8\n\n \t\n  un  \t\n\xC2\xA0\xE2\x80\xAF \n\n"
       "\n  deux\n \n",
       "  un\n\n  deux\n"},
      /* CRLF, NUL, C0 and C1 controls, DEL; \t and \f kept */
      {"Content-Type: text/plain; charset=utf-8\n\na\r\nb\x01\x7f""c\xC2\x85""d\te\ff\r\n", "a\nbcd\te\ff\n"},
      /* quoted-printable with a NUL and a CR in it */
      {"Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\nx=00y=0Dz=\n t\n",
       "xy\nz t\n"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    char msg[512];
    snprintf(msg, sizeof msg, "From: a@vigie.example\nSubject: cs\n%s", CASES[i].msg);
    size_t n = strlen(msg);
    CHECK_INT(vg_extract_eml((const unsigned char *)msg, n, &l, &x), 0);
    CHECK_STR(text(&x), CASES[i].want);
    check_conventions(&x, 1);
  }
  static const unsigned char NUL_BODY[] = "From: a@vigie.example\nSubject: nul\n\nun\0deux\n";
  CHECK_INT(vg_extract_eml(NUL_BODY, sizeof NUL_BODY - 1, &l, &x), 0);
  CHECK_STR(text(&x), "undeux\n");
  vg_extracted_free(&x);
}

static void test_encrypted(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: chiffr\xC3\xA9\nMIME-Version: 1.0\n"
                        "Content-Type: multipart/mixed; boundary=M\n\n"
                        "--M\nContent-Type: text/plain\n\nEn clair.\n"
                        "--M\nContent-Type: multipart/encrypted; boundary=E; "
                        "protocol=\"application/pgp-encrypted\"\n\n"
                        "--E\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
                        "--E\nContent-Type: application/octet-stream; name=encrypted.asc\n\n"
                        "-----BEGIN PGP MESSAGE-----\nxx\n-----END PGP MESSAGE-----\n--E--\n"
                        "--M--\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "En clair.\n");
  CHECK_INT(x.nparts, 0);
  CHECK_STR(x.warning, "encrypted part not read");
  CHECK_STR(meta(&x, "subject"), "chiffré");
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: smime\nMIME-Version: 1.0\n"
                        "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; "
                        "name=smime.p7m\nContent-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CA\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "");
  CHECK_INT(x.nparts, 0);
  CHECK_STR(x.warning, "encrypted part not read");
  CHECK_INT(extract_str(VG_FORMAT_EML,
                        "From: a@vigie.example\nSubject: inline pgp\n\n"
                        "-----BEGIN PGP MESSAGE-----\n\nhQEMA\n-----END PGP MESSAGE-----\n",
                        &l, &x),
            0);
  CHECK_STR(text(&x), "");
  CHECK_STR(x.warning, "encrypted part not read");
  vg_extracted_free(&x);
}

/* ---- mbox ------------------------------------------------------------------- */

static void test_mbox(void) {
  write_text("m1.txt", "Premier message.\n\nFrom here the line starts with From.\n"
                       ">From quoted already.\nFin.\n");
  python("mkmail.py", "eml m1.txt m1.eml --cte 8bit --subject 'Message un'");
  python("mkmail.py", "eml tract.txt m2.eml --subject 'Message deux' --attach notes.txt");
  python("mkmail.py", "eml tract.txt m3.eml --cte base64 --crlf --subject 'Message trois'");
  python("mkmail.py", "mbox box.mbox m1.eml m2.eml m3.eml");
  size_t n;
  unsigned char *p = slurp("box.mbox", &n);
  CHECK(p && memmem(p, n, "\n>From here", 11)); /* quoted in the mailbox */
  CHECK_INT(vg_format_sniff(p, n), VG_FORMAT_MBOX);
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0}, y = {0};
  CHECK_INT(vg_extract_mbox(p, n, &l, &x), 0);
  CHECK_STR(text(&x), "");
  CHECK_INT(x.nparts, 3);
  static const char *const FILES[] = {"m1.eml", "m2.eml", "m3.eml"};
  static const char *const SUBJECTS[] = {"Message un", "Message deux", "Message trois"};
  const char *name;
  const unsigned char *data;
  size_t size;
  for (size_t i = 0; i < 3; i++) {
    char want[8];
    snprintf(want, sizeof want, "%zu", i + 1);
    CHECK(part(&x, i, &name, &data, &size));
    CHECK_STR(name, want);
    CHECK(file_equals(FILES[i], data, size)); /* the message as it was sent */
    CHECK_INT(vg_format_sniff(data, size), VG_FORMAT_EML);
    CHECK_INT(vg_extract_eml(data, size, &l, &y), 0);
    CHECK_STR(meta(&y, "subject"), SUBJECTS[i]);
    if (i == 0)
      CHECK_STR(text(&y), "Premier message.\n\nFrom here the line starts with From.\n"
                          ">From quoted already.\nFin.\n");
    else
      CHECK_STR(text(&y), TRACT);
  }
  /* max_parts */
  l.max_parts = 2;
  CHECK_INT(vg_extract_mbox(p, n, &l, &x), 0);
  CHECK_INT(x.nparts, 2);
  CHECK(strstr(x.warning, "more than 2 parts") != NULL);
  /* max_seconds, over before the first message */
  l = limits(64 << 20);
  l.max_seconds = 1e-9;
  CHECK_INT(vg_extract_mbox(p, n, &l, &x), -1);
  CHECK_STR(x.skip, "timeout");
  CHECK_INT(x.damaged, 0);
  CHECK_INT(extract_file(VG_FORMAT_EML, "m2.eml", &l, &x), -1);
  CHECK_STR(x.skip, "timeout");
  free(p);
  vg_extracted_free(&x);
  vg_extracted_free(&y);
}

static void test_mbox_odd(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  const char *name;
  const unsigned char *data;
  size_t size;
  /* an unquoted "From " line in a body is not followed by headers: it stays
   * in its message; text before the first "From " line is not a message */
  CHECK_INT(extract_str(VG_FORMAT_MBOX,
                        "junk before\n"
                        "From a@b Thu Dec  5 10:30:00 2019\nSubject: one\n\nbody\n"
                        "From here, not quoted\nmore\n\n"
                        "From a@b Thu Dec  5 10:31:00 2019\nSubject: two\n\nbody 2\n",
                        &l, &x),
            0);
  CHECK_INT(x.nparts, 2);
  static const char ONE[] = "Subject: one\n\nbody\nFrom here, not quoted\nmore\n";
  static const char TWO[] = "Subject: two\n\nbody 2\n";
  CHECK(part(&x, 0, &name, &data, &size));
  CHECK(size == sizeof ONE - 1 && !memcmp(data, ONE, size));
  CHECK(part(&x, 1, &name, &data, &size));
  CHECK(size == sizeof TWO - 1 && !memcmp(data, TWO, size));
  CHECK_INT(extract_str(VG_FORMAT_MBOX, "no message here\nat all\n", &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(x.damaged, 1);
  CHECK(!strncmp(x.reason, "damaged mbox: ", 14));
  CHECK_INT(vg_extract_mbox((const unsigned char *)"", 0, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  vg_extracted_free(&x);
}

/* ---- hostile input ------------------------------------------------------------ */

/* Extracts s[0..n) with the extractor of f and l; checks the time (3 s,
 * 60 s under valgrind), and the conventions or the reason. */
static int hostile(const char *what, vg_format f, const char *s, size_t n,
                   const vg_extract_limits *l, vg_extracted *x) {
  double t0 = vg_now();
  int rc = vg_extract(f, (const unsigned char *)s, n, l, x);
  double dt = vg_now() - t0;
  double most = RUNNING_ON_VALGRIND ? 60 : 3;
  if (dt > most) fprintf(stderr, "%s: %.2f s\n", what, dt);
  CHECK(dt < most);
  if (rc == 0) check_conventions(x, 1);
  else CHECK(x->skip && x->reason[0]);
  return rc;
}

static void test_hostile(void) {
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  vg_buf b = {0};
  static const char HDR[] = "From: a@vigie.example\nSubject: hostile\nMIME-Version: 1.0\n";

  /* multiparts nested 10000 deep */
  vg_buf_append(&b, HDR, strlen(HDR));
  for (int i = 0; i < 10000; i++)
    vg_buf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
  vg_buf_printf(&b, "Content-Type: text/plain\n\ndeep inside\n");
  for (int i = 9999; i >= 0; i--) vg_buf_printf(&b, "--b%d--\n", i);
  CHECK_INT(hostile("deep", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK(strstr(x.warning, "nested") != NULL);
  CHECK_STR(meta(&x, "subject"), "hostile");

  /* 5000 attachments, max_parts 100 */
  vg_buf_reset(&b);
  vg_buf_printf(&b, "%sContent-Type: multipart/mixed; boundary=X\n\n--X\n\nbody\n", HDR);
  for (int i = 0; i < 5000; i++)
    vg_buf_printf(&b, "--X\nContent-Type: application/octet-stream\n"
                      "Content-Disposition: attachment; filename=\"a.bin\"\n\nx\n");
  vg_buf_printf(&b, "--X--\n");
  l.max_parts = 100;
  CHECK_INT(hostile("5000 attachments", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK_INT(x.nparts, 100);
  CHECK(strstr(x.warning, "more than 100 parts") != NULL);
  CHECK_STR(text(&x), "body\n");
  const char *name;
  const unsigned char *data;
  size_t size;
  CHECK(part(&x, 99, &name, &data, &size));
  CHECK_STR(name, "a-100.bin");
  l = limits(64 << 20);

  /* a boundary that never closes */
  vg_buf_reset(&b);
  vg_buf_printf(&b, "%sContent-Type: multipart/mixed; boundary=X\n\n--X\n\nstill here\n"
                    "--X\nContent-Type: multipart/alternative; boundary=Y\n\n--Y\n\nsecond\n",
                HDR);
  CHECK_INT(hostile("unclosed", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK_STR(text(&x), "still here\n\nsecond\n");
  CHECK(strstr(x.warning, "cut short") != NULL);

  /* a truncated base64 part: what decodes is kept */
  vg_buf_reset(&b);
  vg_buf_printf(&b, "%sContent-Type: text/plain; charset=utf-8\n"
                    "Content-Transfer-Encoding: base64\n\nUsOpdW5pb24gZGVzIHNhbGFyacOp",
                HDR);
  CHECK_INT(hostile("truncated base64", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK(!strncmp(text(&x), "Réunion des salari", 19));

  /* a header block of 1 MB: one header, then many */
  vg_buf_reset(&b);
  vg_buf_printf(&b, "From: a@vigie.example\nSubject: ");
  for (int i = 0; i < 1 << 20; i++) vg_buf_putc(&b, (char)('a' + i % 26));
  vg_buf_printf(&b, "\n\nbody\n");
  CHECK_INT(hostile("1 MB subject", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK_STR(text(&x), "body\n");
  CHECK(meta(&x, "subject") && strlen(meta(&x, "subject")) <= 4096);
  vg_buf_reset(&b);
  vg_buf_printf(&b, "%s", HDR);
  while (b.len < 1 << 20) vg_buf_printf(&b, "To: u%zu@vigie.example\n", b.len);
  vg_buf_printf(&b, "\nbody\n");
  CHECK_INT(hostile("1 MB of headers", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK_STR(text(&x), "body\n");
  /* the same under a small memory limit: refused before parsing */
  l.max_memory = 8 << 20;
  CHECK_INT(hostile("1 MB of headers, 8 MB", VG_FORMAT_EML, b.data, b.len, &l, &x), -1);
  CHECK_STR(x.skip, "too_large");
  CHECK_INT(x.damaged, 0);
  l = limits(64 << 20);

  /* garbage bytes, an empty file, a body without headers */
  vg_buf_reset(&b);
  unsigned s = 12345;
  for (int i = 0; i < 100000; i++) {
    s = s * 1103515245u + 12345u;
    vg_buf_putc(&b, (char)(s >> 16));
  }
  CHECK_INT(hostile("garbage", VG_FORMAT_EML, b.data, b.len, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(x.damaged, 1);
  CHECK(!strncmp(x.reason, "damaged e-mail: ", 16));
  CHECK_INT(hostile("garbage mbox", VG_FORMAT_MBOX, b.data, b.len, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(hostile("empty", VG_FORMAT_EML, "", 0, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");
  CHECK_INT(hostile("no headers", VG_FORMAT_EML, "\nJust a body.\n", 14, &l, &x), -1);
  CHECK_STR(x.skip, "damaged");

  /* max_bytes: an attachment over it is left out, the text is cut */
  l.max_bytes = 100;
  vg_buf_reset(&b);
  vg_buf_printf(&b, "%sContent-Type: multipart/mixed; boundary=X\n\n--X\n\nbody\n--X\n"
                    "Content-Disposition: attachment; filename=big.bin\n\n",
                HDR);
  for (int i = 0; i < 200; i++) vg_buf_putc(&b, 'x');
  vg_buf_printf(&b, "\n--X--\n");
  CHECK_INT(hostile("max_bytes", VG_FORMAT_EML, b.data, b.len, &l, &x), 0);
  CHECK_INT(x.nparts, 0);
  CHECK(strstr(x.warning, "max-doc-bytes") != NULL);
  l.max_bytes = 20;
  static const char CUT[] = "From: a@vigie.example\n\nligne un\nligne deux\nligne trois\n";
  CHECK_INT(hostile("text cut", VG_FORMAT_EML, CUT, sizeof CUT - 1, &l, &x), 0);
  CHECK_STR(text(&x), "ligne un\nligne deux\n");
  CHECK(strstr(x.warning, "max-doc-bytes") != NULL);
  l = limits(64 << 20);
  vg_buf_free(&b);
  vg_extracted_free(&x);
}

/* ---- threads ------------------------------------------------------------------ */

typedef struct job {
  unsigned char *p;
  size_t n;
  int ok;
} job;

static void *thread_main(void *arg) {
  job *j = arg;
  vg_extract_limits l = limits(64 << 20);
  vg_extracted x = {0};
  j->ok = 1;
  for (int i = 0; i < 20; i++) {
    if (vg_extract_eml(j->p, j->n, &l, &x) || strcmp(text(&x), TRACT) || x.nparts != 2 ||
        !meta(&x, "subject"))
      j->ok = 0;
  }
  vg_extracted_free(&x);
  return NULL;
}

static void test_threads(void) {
  job jobs[4];
  pthread_t t[4];
  for (int i = 0; i < 4; i++) {
    jobs[i].p = slurp("att.eml", &jobs[i].n);
    CHECK(pthread_create(&t[i], NULL, thread_main, &jobs[i]) == 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    CHECK(jobs[i].ok);
    free(jobs[i].p);
  }
}

/* ---- main ----------------------------------------------------------------------- */

int main(void) {
  if (scratch_enter("mail")) return 1;
  RUN(test_body_encodings);
  RUN(test_metadata);
  RUN(test_attachments);
  RUN(test_rfc822_attachment);
  RUN(test_only_attachments);
  RUN(test_alternative_and_signed);
  RUN(test_html_only);
  RUN(test_flowed);
  RUN(test_charsets_and_controls);
  RUN(test_encrypted);
  RUN(test_mbox);
  RUN(test_mbox_odd);
  RUN(test_hostile);
  RUN(test_threads);
  scratch_leave();
  return DONE();
}
