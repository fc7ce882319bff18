/*
 * segment.h: the text segmenter. Cuts a document's text into lines,
 * paragraphs and sentences, as byte spans, for flag excerpts and for rules
 * that want terms "within" one sentence or paragraph. It knows French
 * typography and the habits of union leaflets: no-break spaces before ! ?
 * and inside guillemets, abbreviations (M., Mme, art., p.), titles in
 * capitals, bulleted and numbered lists, lines without a final stop. It
 * uses the text layer for Unicode classes and knows nothing of documents
 * or of Lua.
 *
 * Input is valid UTF-8 with LF line ends (what the text layer gives), not
 * NUL-terminated. Spans are 0-based byte offsets, end exclusive, always on
 * UTF-8 boundaries. Arrays handed out are owned by the caller (free()).
 *
 * White space is the Unicode White_Space set (ASCII space, tab, LF, VT, FF,
 * CR, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F,
 * U+205F, U+3000). Only LF breaks a line: U+2028 and U+2029 are white
 * space inside a line. A blank line holds only white space.
 */
#ifndef VG_SEGMENT_H
#define VG_SEGMENT_H

#include <stddef.h>

typedef struct vg_span {
  size_t start, end; /* byte offsets, end exclusive */
} vg_span;

/* Every line of text[0, n), without its LF, with its exact extent (no
 * trimming; empty lines included), as doc:lines() gives them: a final LF
 * does not start another line, and an empty text has no line. *out gets a
 * malloc'ed array of *count spans (NULL when *count is 0), owned by the
 * caller. Returns 0, or -1 when out of memory (*out NULL, *count 0). */
int vg_segment_lines(const char *text, size_t n, vg_span **out, size_t *count);

/* The paragraphs of text[0, n): runs of non-blank lines separated by one
 * or more blank lines, each trimmed of white space. Same out, count and
 * return value as vg_segment_lines. */
int vg_segment_paragraphs(const char *text, size_t n, vg_span **out,
                          size_t *count);

/* The sentences of text[0, n), non-empty, trimmed of white space, in
 * order, never overlapping (the rules are in segment.c). Same out, count
 * and return value as vg_segment_lines. */
int vg_segment_sentences(const char *text, size_t n, vg_span **out,
                         size_t *count);

/* The length of the list marker s[0..n) starts with (a bullet - * • – —
 * · ▪ ► ■ ◦ ‣ ➢ → ✓ U+F0A7 U+F0B7, or a numbered item "1)" "1." "1.2." "(1)"
 * "a)" "(a)" "IV.") when white space other than a line feed follows it,
 * else 0: what the splitter takes for a list item at the start of a line.
 * The extractors use it to keep list items apart the same way. */
size_t vg_segment_marker(const char *s, size_t n);

/* The sentence around text[start, end) (start <= end <= n, on UTF-8
 * boundaries), or the union of the sentences the span touches, computed
 * from a window of at most VG_SEGMENT_REACH bytes each side of the span
 * (where no sentence boundary lies within reach, the window edge is moved
 * to the nearest white space inside it, so words are not cut). Gives the
 * same span as vg_segment_sentences when that sentence lies within reach.
 * The result always contains [start, end). Writes *out; returns 0 (it
 * allocates nothing). */
#define VG_SEGMENT_REACH 400
int vg_segment_sentence_at(const char *text, size_t n, size_t start,
                           size_t end, vg_span *out);

/* The sentence breaks of a whole text, found in one pass, for many
 * vg_segment_sentence_in calls on that text: the same spans as
 * vg_segment_sentence_at, without a window scanned for each (flag
 * excerpts of a document with many flags). The caller owns it: zeroed
 * before the first use, vg_segment_breaks_free after the last. */
typedef struct vg_breaks {
  size_t *at; /* pairs: a candidate's offset, the break it makes */
  size_t n, cap; /* pairs */
} vg_breaks;
/* Fills b with the breaks of text[0, n), which must be NUL-terminated
 * (text[n] == 0, as a document's text is). Returns 0, or -1 when out of
 * memory. */
int vg_segment_breaks(const char *text, size_t n, vg_breaks *b);
void vg_segment_breaks_free(vg_breaks *b);
/* vg_segment_sentence_at, with b the breaks of the same text (NULL: scan
 * a window as vg_segment_sentence_at does). */
int vg_segment_sentence_in(const vg_breaks *b, const char *text, size_t n,
                           size_t start, size_t end, vg_span *out);

#endif
