/*
 * test_json_out.c: unit tests of the JSON writer (engine/json_out.c): string
 * escaping, checked against a byte-at-a-time escaper for every byte value at
 * every place of a block (the writer skips 8 plain bytes at a time), and a
 * document's flags: excerpts shared by flags of one sentence written as
 * when each is written alone, with the breaks found once or not.
 */
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "harness.h"
#include "json_out.h"

static char err_[VG_ERRLEN];

/* The escaping the writer must give, a byte at a time. */
static void slow_escape(vg_buf *b, const unsigned char *s, size_t n) {
  vg_buf_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t"
                  : c == '\r' ? "\\r" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;
    if (e) vg_buf_append(b, e, 2);
    else if (c < 0x20) vg_buf_printf(b, "\\u%04x", c);
    else vg_buf_putc(b, (char)c);
  }
  vg_buf_putc(b, '"');
}

static void test_escaping_every_byte_everywhere(void) {
  unsigned char s[40];
  vg_buf fast = {0}, slow = {0};
  for (int c = 1; c < 256; c++)
    for (size_t at = 0; at < sizeof s; at++)
      for (size_t n = at + 1; n <= sizeof s; n += 7) {
        memset(s, 'a', sizeof s);
        s[at] = (unsigned char)c;
        if (at + 9 < n) s[at + 9] = '"'; /* a second one in a later block */
        vg_buf_reset(&fast);
        vg_buf_reset(&slow);
        CHECK(vg_json_str(&fast, (const char *)s, n) == 0);
        slow_escape(&slow, s, n);
        if (fast.len != slow.len || memcmp(fast.data, slow.data, fast.len)) {
          CHECK_STR(fast.data, slow.data);
          vg_buf_free(&fast);
          vg_buf_free(&slow);
          return;
        }
      }
  vg_buf_free(&fast);
  vg_buf_free(&slow);
}

/* The JSON of d's flags, each written in a document of its own (so no
 * excerpt is shared and no breaks are found beforehand), joined as
 * vg_json_doc joins them. */
static char *flags_one_by_one(const vg_doc *d) {
  vg_buf all = {0}, one = {0};
  for (size_t i = 0; i < d->nflags; i++) {
    vg_doc *c = vg_doc_new(d->id, d->source, d->path);
    vg_buf_append(&c->text, d->text.data, d->text.len);
    const vg_flag *f = &d->flags[i];
    CHECK(vg_doc_flag(c, f->rule, f->label, f->note, f->stage, f->start, f->end, 1, 1, err_) == 0);
    vg_buf_reset(&one);
    CHECK(vg_json_doc(&one, c, 0) == 0);
    const char *a = strstr(one.data, "\"flags\":[") + 9, *z = strstr(one.data, "],\"metadata\"");
    if (i) vg_buf_putc(&all, ',');
    vg_buf_append(&all, a, (size_t)(z - a));
    vg_doc_free(c);
  }
  vg_buf_free(&one);
  return all.data;
}

static void test_flags_sharing_sentences(void) {
  const char *text =
      "La badgeuse \"pointe\" chaque agent. La badgeuse\tet le bracelet aussi !\n"
      "Le logiciel\\de suivi note tout : badgeuse, bracelet, suivi. Fin.";
  static const char *const words[] = {"badgeuse", "bracelet", "suivi", "agent", "Fin", NULL};
  vg_doc *d = vg_doc_new("t", "s", "p");
  vg_buf_append(&d->text, text, strlen(text));
  for (const char *const *w = words; *w; w++)
    for (const char *p = text; (p = strstr(p, *w)); p++)
      CHECK(vg_doc_flag(d, "r", *w, NULL, "st", (size_t)(p - text),
                        (size_t)(p - text) + strlen(*w), 1, 1, err_) == 0);
  const char *across = strstr(text, "agent. La"); /* over two sentences */
  CHECK(vg_doc_flag(d, "r", "x", NULL, "st", (size_t)(across - text),
                    (size_t)(across - text) + 9, 1, 1, err_) == 0);
  CHECK(d->nflags >= 8); /* enough for vg_doc_breaks to find the breaks */
  vg_breaks br = {0};
  CHECK(vg_doc_breaks(d, &br) == &br);
  vg_segment_breaks_free(&br);
  /* one by one, in the order vg_json_doc writes them: by start */
  size_t *order = malloc(d->nflags * sizeof *order);
  vg_doc_flag_order(d, order);
  vg_doc *sorted = vg_doc_new("t", "s", "p");
  vg_buf_append(&sorted->text, text, strlen(text));
  for (size_t i = 0; i < d->nflags; i++) {
    const vg_flag *f = &d->flags[order[i]];
    vg_doc_flag(sorted, f->rule, f->label, NULL, f->stage, f->start, f->end, 1, 1, err_);
  }
  char *want = flags_one_by_one(sorted);
  vg_buf b = {0};
  CHECK(vg_json_doc(&b, d, 0) == 0);
  const char *a = strstr(b.data, "\"flags\":[") + 9, *z = strstr(b.data, "],\"metadata\"");
  CHECK(want && (size_t)(z - a) == strlen(want) && !memcmp(a, want, strlen(want)));
  CHECK(strstr(b.data, "\"excerpt\":\"La badgeuse \\\"pointe\\\" chaque agent.\"") != NULL);
  free(want);
  free(order);
  vg_buf_free(&b);
  vg_doc_free(sorted);
  vg_doc_free(d);
}

int main(void) {
  RUN(test_escaping_every_byte_everywhere);
  RUN(test_flags_sharing_sentences);
  return DONE();
}
