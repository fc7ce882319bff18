/*
 * test_segment.c: unit tests of the segmenter (engine/segment.c): lines,
 * paragraphs, sentences with French typography and leaflet layout, the
 * invariants every span list keeps (order, UTF-8 boundaries, trimming,
 * nothing but white space left out), and vg_segment_sentence_at, checked
 * against the whole-text segmentation and on a 1 MB text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "segment.h"

typedef int (*segfn)(const char *, size_t, vg_span **, size_t *);

static int is_ws_byte_start(const char *t, size_t n, size_t i, size_t *len) {
  const unsigned char *u = (const unsigned char *)t;
  static const char *const WS[] = {" ", "\t", "\n", "\xC2\xA0", "\xE2\x80\xAF",
                                   "\xE2\x80\xA8", "\xE2\x80\x89", NULL};
  for (const char *const *w = WS; *w; w++) {
    size_t k = strlen(*w);
    if (i + k <= n && !memcmp(u + i, *w, k)) {
      *len = k;
      return 1;
    }
  }
  return 0;
}

/* Checks what every list of sentences or paragraphs keeps: non-empty spans
 * in order, not overlapping, on UTF-8 boundaries, trimmed, and nothing but
 * white space between them. */
static void check_invariants(const char *t, size_t n, const vg_span *v, size_t count) {
  size_t prev = 0, k;
  for (size_t i = 0; i < count; i++) {
    CHECK(v[i].start < v[i].end);
    CHECK(v[i].start >= prev);
    CHECK(v[i].end <= n);
    CHECK((t[v[i].start] & 0xC0) != 0x80);
    CHECK(v[i].end == n || (t[v[i].end] & 0xC0) != 0x80);
    CHECK(!is_ws_byte_start(t, n, v[i].start, &k));
    for (size_t j = prev; j < v[i].start;) { /* the gap is white space */
      int ws = is_ws_byte_start(t, n, j, &k);
      CHECK(ws);
      if (!ws) break;
      j += k;
    }
    prev = v[i].end;
  }
  for (size_t j = prev; j < n;) {
    int ws = is_ws_byte_start(t, n, j, &k);
    CHECK(ws);
    if (!ws) break;
    j += k;
  }
}

/* The pieces fn cuts text into, joined with "|" (a static buffer). */
static const char *cut(segfn fn, const char *text) {
  static char buf[4096];
  vg_span *v = NULL;
  size_t count = 9999, n = strlen(text), o = 0;
  CHECK(fn(text, n, &v, &count) == 0);
  if (fn != vg_segment_lines) check_invariants(text, n, v, count);
  buf[0] = '\0';
  for (size_t i = 0; i < count; i++) {
    size_t len = v[i].end - v[i].start;
    if (o + len + 2 >= sizeof buf) break;
    if (i) buf[o++] = '|';
    memcpy(buf + o, text + v[i].start, len);
    o += len;
    buf[o] = '\0';
  }
  free(v);
  return buf;
}

static const char *sents(const char *text) { return cut(vg_segment_sentences, text); }
static const char *paras(const char *text) { return cut(vg_segment_paragraphs, text); }

static size_t count_of(segfn fn, const char *text) {
  vg_span *v = NULL;
  size_t count = 9999;
  CHECK(fn(text, strlen(text), &v, &count) == 0);
  if (count == 0) CHECK(v == NULL);
  free(v);
  return count;
}

/* The text of the sentence vg_segment_sentence_at gives (static buffer). */
static const char *at(const char *text, size_t start, size_t end) {
  static char buf[4096];
  vg_span s = {0, 0};
  size_t n = strlen(text);
  CHECK(vg_segment_sentence_at(text, n, start, end, &s) == 0);
  CHECK(s.start <= start && s.end >= end && s.end <= n);
  size_t len = s.end - s.start < sizeof buf ? s.end - s.start : sizeof buf - 1;
  memcpy(buf, text + s.start, len);
  buf[len] = '\0';
  return buf;
}

static size_t pos_of(const char *text, const char *needle) {
  const char *p = strstr(text, needle);
  CHECK(p != NULL);
  return p ? (size_t)(p - text) : 0;
}

/* ---- sentences --------------------------------------------------------- */

static void test_plain(void) {
  CHECK_STR(sents("Le CSE s'est réuni. La direction parle ! Qui décide ? Personne."),
            "Le CSE s'est réuni.|La direction parle !|Qui décide ?|Personne.");
  CHECK_STR(sents("  Sans point final  "), "Sans point final");
  CHECK_STR(sents("Quoi ?! Encore."), "Quoi ?!|Encore.");
  CHECK_STR(sents("Fin."), "Fin.");
}

static void test_abbreviations(void) {
  CHECK_STR(sents("M. Dupont et Mme Martin sont venus. Ils ont parlé."),
            "M. Dupont et Mme Martin sont venus.|Ils ont parlé.");
  CHECK_STR(sents("MM. Durand et Dr. Petit, cf. Le Monde, p. 12. Fin."),
            "MM. Durand et Dr. Petit, cf. Le Monde, p. 12.|Fin.");
  CHECK_STR(sents("Selon l'Art. L. 1222-4 du code. Voir J. Dupont. Fin."),
            "Selon l'Art. L. 1222-4 du code.|Voir J. Dupont.|Fin.");
  CHECK_STR(sents("La C.G.T. appelle à la grève. Venez."),
            "La C.G.T. appelle à la grève.|Venez.");
  CHECK_STR(sents("Caméras, badges, etc. et le reste. Fin."),
            "Caméras, badges, etc. et le reste.|Fin.");
  CHECK_STR(sents("Caméras, badges, etc. La suite."), "Caméras, badges, etc.|La suite.");
  CHECK_STR(sents("Le fichier (tél. 01 02) est tenu. Fin."),
            "Le fichier (tél. 01 02) est tenu.|Fin.");
}

static void test_french_spaces(void) {
  CHECK_STR(sents("Non\u202F! Jamais."), "Non\u202F!|Jamais.");
  CHECK_STR(sents("Pourquoi\u00A0? Parce que."), "Pourquoi\u00A0?|Parce que.");
  CHECK_STR(sents("Non\u202F!\u00A0Jamais\u202F!"), "Non\u202F!|Jamais\u202F!");
}

static void test_guillemets(void) {
  CHECK_STR(sents("« C’est fini. » Ensuite, la grève."),
            "« C’est fini. »|Ensuite, la grève.");
  CHECK_STR(sents("\u00AB\u202FC’est fini.\u202F\u00BB Ensuite."),
            "\u00AB\u202FC’est fini.\u202F\u00BB|Ensuite.");
  CHECK_STR(sents("« Non ! » dit-il. Puis il part."), "« Non ! » dit-il.|Puis il part.");
  CHECK_STR(sents("Il dit \"Stop.\" Puis (c'est vrai.) Enfin."),
            "Il dit \"Stop.\"|Puis (c'est vrai.)|Enfin.");
  CHECK_STR(sents("« Non ! ». Après."), "« Non ! ».|Après.");
  CHECK_STR(sents("Il a dit. \"Ensuite\" viendra."), "Il a dit.|\"Ensuite\" viendra.");
}

static void test_ellipsis(void) {
  CHECK_STR(sents("Et puis… rien. Vraiment."), "Et puis… rien.|Vraiment.");
  CHECK_STR(sents("Et puis… Rien."), "Et puis…|Rien.");
  CHECK_STR(sents("Attendez... Non."), "Attendez...|Non.");
  CHECK_STR(sents("attendez... non, rien."), "attendez... non, rien.");
  CHECK_STR(sents("Des mots […] Les autres."), "Des mots […]|Les autres.");
}

static void test_numbers(void) {
  CHECK_STR(sents("La hausse est de 3.5 % cette année. Version 1.2.3 installée."),
            "La hausse est de 3.5 % cette année.|Version 1.2.3 installée.");
  CHECK_STR(sents("Voir www.cgt.fr pour tout. Il y a 3 sites. 12 salariés sont là."),
            "Voir www.cgt.fr pour tout.|Il y a 3 sites.|12 salariés sont là.");
}

static void test_leaflet(void) {
  CHECK_STR(sents("TITRE EN CAPITALES\nSous-titre\nLe texte commence ici et continue\n"
                  "sur la ligne suivante. Fin."),
            "TITRE EN CAPITALES|Sous-titre|Le texte commence ici et continue\n"
            "sur la ligne suivante.|Fin.");
  CHECK_STR(sents("ORDRE DU JOUR\nvidéosurveillance des ateliers"),
            "ORDRE DU JOUR|vidéosurveillance des ateliers");
  CHECK_STR(sents("NON À LA GÉOLOCALISATION\nÉlection du CSE\nÀ venir"),
            "NON À LA GÉOLOCALISATION|Élection du CSE|À venir");
  CHECK_STR(sents("une réunion avec la\nCGT et FO."), "une réunion avec la\nCGT et FO.");
  CHECK_STR(sents("reçus par Mme\nMartin et M.\nDupont."), "reçus par Mme\nMartin et M.\nDupont.");
  CHECK_STR(sents("les caméras,\nLes badges"), "les caméras,\nLes badges");
  CHECK_STR(sents("La cantine, parlons-en\nNous avons enquêté."),
            "La cantine, parlons-en|Nous avons enquêté.");
  CHECK_STR(sents("Date du CSE\n« Surveillance » en débat"), "Date du CSE|« Surveillance » en débat");
  CHECK_STR(sents("Le bilan\n2024 en chiffres"), "Le bilan|2024 en chiffres");
  CHECK_STR(sents("Fin.\nsuite en minuscule"), "Fin.\nsuite en minuscule");
}

static void test_lists(void) {
  CHECK_STR(sents("- un\n- deux\n• trois"), "- un|- deux|• trois");
  CHECK_STR(sents("Nous exigeons :\n- le retrait des caméras,\n– la fin du badge."),
            "Nous exigeons :|- le retrait des caméras,|– la fin du badge.");
  CHECK_STR(sents("1) a\n2) b"), "1) a|2) b");
  CHECK_STR(sents("1. Le point un\n2. Le point deux\n  a) sous-point"),
            "1. Le point un|2. Le point deux|a) sous-point");
  CHECK_STR(sents("- un point qui\ncontinue ici\n- autre"), "- un point qui\ncontinue ici|- autre");
  CHECK_STR(sents("II. Les revendications\n(1) salaires"), "II. Les revendications|(1) salaires");
}

static void test_blank_lines(void) {
  CHECK_STR(sents("un texte\n\nsans point"), "un texte|sans point");
  CHECK_STR(sents("avec la\n \t\u00A0\nCGT"), "avec la|CGT");
  CHECK_STR(sents("M.\n\nDupont"), "M.|Dupont");
}

static void test_line_separator(void) {
  /* U+2028 and U+2029 are white space, not line breaks. */
  CHECK_STR(sents("Un\u2028Deux"), "Un\u2028Deux");
  CHECK_STR(sents("Un.\u2028Deux."), "Un.|Deux.");
  CHECK_INT(count_of(vg_segment_paragraphs, "Un\u2029\u2029Deux"), 1);
}

static void test_only_white_space(void) {
  const char *ws = "  \n\u00A0\n\t \u202F\n\n";
  CHECK_INT(count_of(vg_segment_sentences, ws), 0);
  CHECK_INT(count_of(vg_segment_paragraphs, ws), 0);
  CHECK_INT(count_of(vg_segment_lines, ws), 4);
  CHECK_INT(count_of(vg_segment_sentences, ""), 0);
  CHECK_INT(count_of(vg_segment_paragraphs, ""), 0);
  CHECK_INT(count_of(vg_segment_lines, ""), 0);
}

/* ---- paragraphs and lines ---------------------------------------------- */

static void test_paragraphs(void) {
  CHECK_STR(paras("P1 l1\nP1 l2\n  \n\t\nP2\n\n\n P3 \n"), "P1 l1\nP1 l2|P2|P3");
  CHECK_STR(paras("\n\n  un\u00A0\n\u202F\ndeux"), "un|deux");
  CHECK_STR(paras("seul"), "seul");
}

static void test_lines(void) {
  vg_span *v = NULL;
  size_t count = 0;
  const char *t = "a\n\n bc \n";
  CHECK(vg_segment_lines(t, strlen(t), &v, &count) == 0);
  CHECK_INT(count, 3); /* no line after the final LF, as doc:lines() */
  if (count == 3) {
    CHECK_INT(v[0].start, 0);
    CHECK_INT(v[0].end, 1);
    CHECK_INT(v[1].start, 2);
    CHECK_INT(v[1].end, 2);
    CHECK_INT(v[2].start, 3);
    CHECK_INT(v[2].end, 7);
  }
  free(v);
  t = "x\ny";
  CHECK(vg_segment_lines(t, 3, &v, &count) == 0);
  CHECK_INT(count, 2);
  if (count == 2) CHECK(v[1].start == 2 && v[1].end == 3);
  free(v);
  CHECK_STR(cut(vg_segment_lines, "\n\nz"), "||z");
}

/* ---- UTF-8 and round trip ---------------------------------------------- */

static void test_utf8_round_trip(void) {
  const char *t = "  Élan\u00A0! Œuvre « géolocalisée »\u202F? Ça… "
                  "Ölçü 日本語。 Ω.\n\n\u2014 Ἀθῆναι, e\u0301te\u0301\n- \u00c0 voir\n";
  segfn fns[] = {vg_segment_sentences, vg_segment_paragraphs};
  size_t n = strlen(t);
  for (int f = 0; f < 2; f++) {
    vg_span *v = NULL;
    size_t count = 0;
    CHECK(fns[f](t, n, &v, &count) == 0);
    CHECK(count > 0);
    check_invariants(t, n, v, count);
    free(v);
  }
  CHECK_STR(sents(t), "Élan\u00A0!|Œuvre « géolocalisée »\u202F?|Ça…|Ölçü 日本語。 Ω.|"
                      "\u2014 Ἀθῆναι, e\u0301te\u0301|- \u00c0 voir");
  /* sentence_at on every byte offset stays on boundaries */
  for (size_t i = 0; i <= n; i++) {
    vg_span s;
    size_t a = i;
    while (a > 0 && (t[a] & 0xC0) == 0x80) a--;
    CHECK(vg_segment_sentence_at(t, n, a, a, &s) == 0);
    CHECK(s.start <= a && a <= s.end);
    CHECK(s.end == n || (t[s.end] & 0xC0) != 0x80);
    CHECK((t[s.start] & 0xC0) != 0x80);
  }
}

/* ---- sentence_at ------------------------------------------------------- */

static void test_sentence_at(void) {
  const char *t = "Premier point. Le badge trace les salariés. Dernier point !";
  size_t b = pos_of(t, "badge");
  CHECK_STR(at(t, b, b + 5), "Le badge trace les salariés.");
  size_t s = pos_of(t, "salariés"), d = pos_of(t, "Dernier");
  CHECK_STR(at(t, s, d + 7), "Le badge trace les salariés. Dernier point !");
  CHECK_STR(at(t, 0, 0), "Premier point.");
  CHECK_STR(at(t, 0, 7), "Premier point.");
  size_t n = strlen(t);
  CHECK_STR(at(t, n, n), "Dernier point !");
  CHECK_STR(at(t, n - 1, n), "Dernier point !");
  CHECK_STR(at("TITRE\n- un\n- deux", 8, 10), "- un");
  /* a span that ends inside a terminator and its closing marks */
  const char *q = "Avant. « C’est fini. » Ensuite. Autre.";
  size_t c = pos_of(q, "C’est"), f = pos_of(q, "fini.");
  CHECK_STR(at(q, c, f + 5), "« C’est fini. »");
  CHECK_STR(at(q, f + 4, f + 5), "« C’est fini. »");
  CHECK_STR(at(q, pos_of(q, "Ensuite"), pos_of(q, "Ensuite")), "Ensuite.");
  CHECK_STR(at("", 0, 0), "");
}

/* For every code point of a text, sentence_at gives the sentence that the
 * whole-text segmentation puts around it. */
static void test_sentence_at_matches_segmentation(void) {
  const char *t = "TRACT CGT\nM. Dupont a dit : « Les caméras, c’est fini. » Puis rien…\n"
                  "1) le badge\n2) la géolocalisation des véhicules\nqui continue ici.\n\n"
                  "Voir art. 3 p. 12. Fin\u202F! Et puis… tout. ";
  size_t n = strlen(t), count = 0;
  vg_span *v = NULL;
  CHECK(vg_segment_sentences(t, n, &v, &count) == 0);
  CHECK(count > 5);
  for (size_t k = 0; k < count; k++)
    for (size_t i = v[k].start; i < v[k].end; i++) {
      if ((t[i] & 0xC0) == 0x80) continue;
      size_t j = i + 1;
      while (j < n && (t[j] & 0xC0) == 0x80) j++;
      vg_span s;
      CHECK(vg_segment_sentence_at(t, n, i, j, &s) == 0);
      CHECK(s.start == v[k].start && s.end == v[k].end);
    }
  free(v);
}

/* A 1 MB text: one without any break, where the window bounds the
 * sentence; one of short sentences, where sentence_at matches the whole
 * segmentation; both quickly. */
static void test_sentence_at_large(void) {
  size_t n = 1024 * 1024;
  char *t = malloc(n + 1);
  CHECK(t != NULL);
  if (!t) return;
  static const char unit[] = "mot été ";
  for (size_t i = 0; i < n; i++) t[i] = unit[i % (sizeof unit - 1)];
  t[n] = '\0';
  while ((t[n - 1] & 0xC0) == 0x80 || (unsigned char)t[n - 1] >= 0xC0) n--;
  clock_t c0 = clock();
  for (size_t k = 0; k < 200; k++) {
    size_t a = (k * 5231 + 17) % n;
    while ((t[a] & 0xC0) == 0x80) a--;
    vg_span s;
    CHECK(vg_segment_sentence_at(t, n, a, a, &s) == 0);
    CHECK(s.start <= a && s.end >= a);
    CHECK(a - s.start <= VG_SEGMENT_REACH && s.end - a <= VG_SEGMENT_REACH);
    CHECK((t[s.start] & 0xC0) != 0x80 && (s.end == n || (t[s.end] & 0xC0) != 0x80));
    CHECK(s.start == 0 || t[s.start - 1] == ' '); /* no word cut */
    CHECK(s.end == n || t[s.end] == ' ');
  }
  double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
  CHECK(secs < 1.0);

  static const char para[] = "Le badge trace. M. Dupont signe\u202F! Fin…\n";
  n = 1024 * 1024;
  size_t plen = sizeof para - 1;
  for (size_t i = 0; i + plen <= n; i += plen) memcpy(t + i, para, plen);
  n -= n % plen;
  vg_span *v = NULL;
  size_t count = 0;
  c0 = clock();
  CHECK(vg_segment_sentences(t, n, &v, &count) == 0);
  CHECK_INT(count, n / plen * 3);
  for (size_t k = 1; k < count; k += 997) {
    vg_span s;
    CHECK(vg_segment_sentence_at(t, n, v[k].start + 1, v[k].start + 2, &s) == 0);
    CHECK(s.start == v[k].start && s.end == v[k].end);
  }
  secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
  CHECK(secs < 2.0);
  free(v);
  free(t);
}

/* Random texts made of the tokens the rules care about (a fixed seed):
 * the invariants hold, lines join back into the text, and sentence_at
 * gives, for every code point and for random spans, exactly the sentences
 * of the whole-text segmentation that the span touches. */
static void test_random_texts(void) {
  static const char *const TOK[] = {
      "mot", "Mot", "MOT", "été", "État", "ÉLU", "M.", "Mme", "etc.", "p.",
      "J.", ".", "!", "?", "…", "...", "\u202F", "\u00A0", " ", " ", " ", "\n",
      "\n\n", "\n \n", "- ", "• ", "1) ", "2. ", "IV. ", "« ", " »", "“", "”",
      "3.5", "(", ")", "\"", "’", ",", " :", "de", "parlons-en", "\u2028",
      "e\u0301", "日本", "😀"};
  size_t ntok = sizeof TOK / sizeof *TOK;
  unsigned long long seed = 88172645463325252ULL;
  char t[1024];
  for (int round = 0; round < 3000; round++) {
    size_t n = 0, ntoks;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    ntoks = (size_t)(seed >> 33) % 60;
    for (size_t k = 0; k < ntoks; k++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      const char *w = TOK[(seed >> 33) % ntok];
      size_t len = strlen(w);
      if (n + len + 1 >= sizeof t) break;
      memcpy(t + n, w, len);
      n += len;
      if ((seed >> 20) % 3 == 0) t[n++] = ' ';
    }
    t[n] = '\0';
    vg_span *v = NULL, *p = NULL, *l = NULL;
    size_t count = 0, np = 0, nl = 0;
    CHECK(vg_segment_sentences(t, n, &v, &count) == 0);
    CHECK(vg_segment_paragraphs(t, n, &p, &np) == 0);
    CHECK(vg_segment_lines(t, n, &l, &nl) == 0);
    check_invariants(t, n, v, count);
    check_invariants(t, n, p, np);
    for (size_t k = 0; k < nl; k++) { /* lines join back into the text */
      CHECK(l[k].start == (k ? l[k - 1].end + 1 : 0));
      CHECK(memchr(t + l[k].start, '\n', l[k].end - l[k].start) == NULL);
      CHECK(l[k].end == n || t[l[k].end] == '\n');
    }
    CHECK(nl ? l[nl - 1].end == n || l[nl - 1].end == n - 1 : n == 0);
    for (size_t k = 0; k < count; k++)
      for (size_t i = v[k].start; i < v[k].end; i++) {
        if ((t[i] & 0xC0) == 0x80) continue;
        size_t j = i + 1;
        while (j < n && (t[j] & 0xC0) == 0x80) j++;
        vg_span s;
        CHECK(vg_segment_sentence_at(t, n, i, j, &s) == 0);
        CHECK(s.start == v[k].start && s.end == v[k].end);
      }
    for (int r = 0; r < 8 && count > 0; r++) { /* spans across sentences */
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      size_t k1 = (seed >> 33) % count, k2 = k1 + (seed >> 40) % (count - k1);
      size_t a = v[k1].start + (seed >> 20) % (v[k1].end - v[k1].start);
      size_t b = v[k2].end;
      while ((t[a] & 0xC0) == 0x80) a--;
      vg_span s;
      CHECK(vg_segment_sentence_at(t, n, a, b, &s) == 0);
      CHECK(s.start == v[k1].start && s.end == v[k2].end);
    }
    free(v);
    free(p);
    free(l);
  }
}

/* vg_segment_sentence_in with the breaks found once gives what
 * vg_segment_sentence_at gives, for spans of every length up to 24 bytes
 * at every code point of random texts up to 6 KB, long sentences (past the
 * window) among them. */
static void test_sentence_in(void) {
  static const char *const TOK[] = {
      "mot ", "été ", "État ", "ÉLU\u00A0", "mot", " ", "M.", "etc.", ".", "!", "?",
      "…", "\u202F", " ", " ", " ", " ", "\n", "\n\n", "- ", "1) ", "« ", " »",
      "’", ",", "de", "\u2028", "e\u0301", "😀"};
  size_t ntok = sizeof TOK / sizeof *TOK;
  unsigned long long seed = 1234567ULL;
  static char t[6200];
  vg_breaks b = {0};
  for (int round = 0; round < 24; round++) {
    size_t n = 0;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    /* a token of any kind 1%, 5%, 30% or 100% of the time, else a word or
     * a space: breaks a window apart or more, or closer */
    static const unsigned rate[] = {1, 5, 30, 100};
    size_t ntoks = (size_t)(seed >> 33) % 2000;
    for (size_t k = 0; k < ntoks; k++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      const char *w = TOK[(seed >> 33) % ((seed >> 16) % 100 < rate[round % 4] ? ntok : 6)];
      size_t len = strlen(w);
      if (n + len + 1 >= sizeof t) break;
      memcpy(t + n, w, len);
      n += len;
    }
    t[n] = '\0';
    CHECK(vg_segment_breaks(t, n, &b) == 0);
    for (size_t i = 0; i <= n; i++) {
      if (i < n && (t[i] & 0xC0) == 0x80) continue;
      for (size_t j = i; j <= n && j <= i + 24; j++) {
        if (j < n && (t[j] & 0xC0) == 0x80) continue;
        vg_span a, c;
        CHECK(vg_segment_sentence_at(t, n, i, j, &a) == 0);
        CHECK(vg_segment_sentence_in(&b, t, n, i, j, &c) == 0);
        if (a.start != c.start || a.end != c.end) {
          CHECK(a.start == c.start && a.end == c.end);
          fprintf(stderr, "  round %d, span %zu..%zu: %zu..%zu scanning, %zu..%zu with breaks\n",
                  round, i, j, a.start, a.end, c.start, c.end);
          vg_segment_breaks_free(&b);
          return;
        }
      }
    }
  }
  vg_segment_breaks_free(&b);
}

int main(void) {
  RUN(test_plain);
  RUN(test_abbreviations);
  RUN(test_french_spaces);
  RUN(test_guillemets);
  RUN(test_ellipsis);
  RUN(test_numbers);
  RUN(test_leaflet);
  RUN(test_lists);
  RUN(test_blank_lines);
  RUN(test_line_separator);
  RUN(test_only_white_space);
  RUN(test_paragraphs);
  RUN(test_lines);
  RUN(test_utf8_round_trip);
  RUN(test_sentence_at);
  RUN(test_sentence_at_matches_segmentation);
  RUN(test_sentence_at_large);
  RUN(test_random_texts);
  RUN(test_sentence_in);
  return DONE();
}
