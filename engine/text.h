/*
 * text.h: the text layer. Turns the raw bytes of an entry into valid UTF-8
 * with LF line ends (BOMs stripped, UTF-16 with a BOM decoded, text that is
 * not valid UTF-8 decoded as Windows-1252), normalizes it with utf8proc, and
 * gives the Unicode helpers the Lua module exposes (fold, casefold, length,
 * validity). It is the only module that includes utf8proc.h.
 *
 * Every function writes into a vg_buf the caller owns: the buffer is reset
 * first, then filled; nothing is kept between calls. Functions return 0, or
 * -1 when out of memory (or, for those that say so, on invalid input).
 * Functions that take UTF-8 input expect it valid unless they say otherwise.
 */
#ifndef VG_TEXT_H
#define VG_TEXT_H

#include <stddef.h>

#include "util.h"

/* Normalization forms (--normalize). */
typedef enum vg_norm {
  VG_NORM_NFC = 0, /* canonical composition: the default */
  VG_NORM_NFD,     /* canonical decomposition */
  VG_NORM_NFKC,    /* compatibility composition (ligatures split) */
  VG_NORM_NFKD,    /* compatibility decomposition */
  VG_NORM_NONE     /* left as decoded */
} vg_norm;

/* What the raw bytes were, as doc.encoding reports it. */
typedef enum vg_encoding {
  VG_ENC_UTF8 = 0, /* "utf-8" (ASCII too) */
  VG_ENC_UTF8_BOM, /* "utf-8-bom": the BOM was stripped */
  VG_ENC_UTF16LE,  /* "utf-16le": had a BOM FF FE */
  VG_ENC_UTF16BE,  /* "utf-16be": had a BOM FE FF */
  VG_ENC_CP1252    /* "windows-1252": was not valid UTF-8 */
} vg_encoding;

/* "NFC", "nfc", "none"... -> form. Returns 0, or -1 when unknown. */
int vg_norm_parse(const char *s, vg_norm *out);
const char *vg_norm_name(vg_norm f); /* "NFC", ..., "none" */
const char *vg_encoding_name(vg_encoding e);

/* 1 when the bytes look like binary, not text: a NUL byte in the first
 * 8 KiB and no UTF-16 BOM at the start. */
int vg_text_is_binary(const unsigned char *p, size_t n);

/* Decodes raw bytes into valid UTF-8 in out, CRLF and CR turned into LF.
 * UTF-8 BOM: stripped; UTF-16 LE/BE BOM: decoded (unpaired surrogates become
 * U+FFFD); otherwise valid UTF-8 is kept; anything else is decoded as
 * Windows-1252 (the five bytes that code page leaves undefined become
 * U+FFFD). A UTF-8-BOM text with invalid sequences keeps its encoding and
 * gets U+FFFD for each. *enc gets the encoding, *replaced the number of byte
 * sequences replaced by U+FFFD. Returns 0, or -1 when out of memory. */
int vg_text_decode(const unsigned char *raw, size_t n, vg_buf *out,
                   vg_encoding *enc, size_t *replaced);

/* 1 when raw[0..n) is already what vg_text_decode then vg_text_normalize
 * to form would make of it, byte for byte: UTF-8 without a BOM, without CR,
 * and in the form (for NFC: only characters that NFC leaves alone whatever
 * comes before them, as the quick check of vg_text_normalize has it; for
 * NFD, NFKC and NFKD: only ASCII). One pass, no copy: most documents take
 * it. */
int vg_text_ready(const unsigned char *raw, size_t n, vg_norm form);

/* Normalizes valid UTF-8 s into out (VG_NORM_NONE copies). Works in bounded
 * pieces, so memory stays proportional to the text, not four times it.
 * Returns 0, or -1 when out of memory. */
int vg_text_normalize(const char *s, size_t n, vg_norm form, vg_buf *out);

/* The matching key: compatibility decomposition, full case folding ("ß"
 * gives "ss"), marks stripped, recomposed. "Géolocalisation" gives
 * "geolocalisation". s must be valid UTF-8. */
int vg_text_fold(const char *s, size_t n, vg_buf *out);
/* Full case folding only. s must be valid UTF-8. */
int vg_text_casefold(const char *s, size_t n, vg_buf *out);

/* Options of vg_text_fold_map (bit flags). */
typedef enum vg_fold_flags {
  VG_FOLD_SPACE = 1, /* each run of white space (Unicode White_Space: tab, LF,
                        U+00A0, U+202F...) becomes one U+0020 */
  VG_FOLD_QUOTE = 2  /* U+2019 and U+02BC (typographic apostrophes) become ' */
} vg_fold_flags;

/* The fold of vg_text_fold, with a map back to s, for matching: s is
 * folded character by character, and *map[i] is the offset in s of the
 * character that folded byte i of out came from; (*map)[out->len] = n. The
 * bytes one character folds to are contiguous and share its offset; a
 * character that folds to nothing (a combining mark, a space inside a run)
 * belongs to the span of the folded character before it, so the original
 * span of out[i..j) is s[map[i] .. map[k]) with k the first index >= j
 * whose offset differs from map[j-1]. flags: vg_fold_flags. Differs from
 * vg_text_fold only where composition would join two starters (Hangul
 * conjoining jamo stay apart). ASCII takes a fast path. *map is grown with
 * realloc (*mapcap entries) and belongs to the caller, who frees it; out is
 * reset first. s must be valid UTF-8. Returns 0, or -1 when out of memory. */
int vg_text_fold_map(const char *s, size_t n, unsigned flags, vg_buf *out,
                     size_t **map, size_t *mapcap);
/* vg_text_fold_map appending to out and to *map from out->len on, the
 * offsets shifted by base: folding a text a block at a time into one
 * window. */
int vg_text_fold_map_append(const char *s, size_t n, unsigned flags, size_t base,
                            vg_buf *out, size_t **map, size_t *mapcap);
/* The first offset c >= at (c <= n) where valid UTF-8 s can be cut for
 * vg_text_fold_map: folding s[0..c) and s[c..n) apart (the second map
 * shifted by c) gives the fold of s, whatever the flags. c is before a
 * character that is not white space, not a mark, and does not fold to
 * something that begins with a space; n when there is none. */
size_t vg_text_fold_cut(const char *s, size_t n, size_t at);
/* 1 when code point cp is a letter, a number (digits included) or a mark
 * (Unicode general categories L*, N*, M*): a character that words are made
 * of. Anything else is a word boundary. */
int vg_text_is_word(int32_t cp);

/* 1 when s is valid UTF-8 (no surrogates, no overlongs), else 0. */
int vg_text_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 s. */
size_t vg_text_len(const char *s, size_t n);

/* 1 when byte c starts a UTF-8 sequence (is not a continuation byte). */
static inline int vg_utf8_is_lead(unsigned char c) { return (c & 0xC0) != 0x80; }

/* Character classes, for the segmenter (vg_text_class_at). */
typedef enum vg_cclass {
  VG_CC_OTHER = 0, /* symbols, controls, unassigned, invalid bytes */
  VG_CC_UPPER,     /* Lu, Lt: upper-case and title-case letters */
  VG_CC_LOWER,     /* Ll */
  VG_CC_LETTER,    /* Lm, Lo: letters without case */
  VG_CC_MARK,      /* Mn, Mc, Me: combining marks (NFD accents) */
  VG_CC_DIGIT,     /* Nd */
  VG_CC_PUNCT,     /* Pc, Pd, Ps, Pe, Pi, Pf, Po */
  VG_CC_SPACE      /* Zs, Zl, Zp, and \t \n \v \f \r U+0085 */
} vg_cclass;

/* The class of the code point that starts at s[i] (UTF-8 s of n bytes,
 * i < n). *len, when not NULL, gets the code point's length in bytes; a
 * byte that starts no valid sequence is VG_CC_OTHER of length 1. */
vg_cclass vg_text_class_at(const char *s, size_t n, size_t i, size_t *len);

#endif
