/*
 * input.h: the readers. Walks the INPUTs of a run in order and yields their
 * entries one at a time, as raw bytes: archives in every format libarchive
 * reads (streamed, never extracted), single compressed files, directories
 * (walked recursively in sorted order), plain files, and "-" (stdin).
 * Archives nested in archives are opened recursively up to max_depth, their
 * ids chained with "!". Documents in other formats (PDF, DOCX, ODT, HTML,
 * e-mail: extract.h, told by their bytes) are extracted to text here, and
 * what they hold (an e-mail's attachments, an mbox's messages) is read on
 * like a nested archive's entries ("mails.mbox!3!annexe.pdf"). It is the
 * only module that includes archive.h for reading inputs.
 *
 * Ownership: everything a vg_entry points to is borrowed from the reader and
 * valid until the next call to vg_input_next or vg_input_free. The reader
 * never decodes text: it gives bytes (an extractor's are UTF-8); it decides
 * what is a container and what format a document is in.
 */
#ifndef VG_INPUT_H
#define VG_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct vg_input vg_input;

typedef struct vg_input_opts {
  uint64_t max_doc_bytes; /* larger entries are skipped ("too_large") */
  double max_ratio;       /* expanded / compressed over this: skipped ("ratio") */
  int max_depth;          /* archives at depth > max_depth: skipped ("too_deep") */
  unsigned stride, stride_k; /* > 1: read only the top-level entries i of an archive
                                with i % stride == stride_k, so that several readers
                                share one archive; applies where skipping an entry
                                costs nothing (a zip or a tar on disk), elsewhere
                                reader 0 reads everything and the others nothing */
  unsigned formats;          /* document formats extracted (VG_FORMAT_BIT of extract.h);
                                0: all of them. Others are skipped ("format") */
  double extract_seconds;    /* time for extracting one document; 0: the default */
} vg_input_opts;

typedef enum vg_entry_kind {
  VG_ENTRY_DOC,  /* a document's raw bytes */
  VG_ENTRY_SKIP, /* skipped by policy (not an error): link, device, too large... */
  VG_ENTRY_ERROR /* could not be read: missing input, damaged archive... */
} vg_entry_kind;

typedef struct vg_entry {
  vg_entry_kind kind;
  const char *id;     /* "tracts.zip!2017/a.txt"; for an error on a whole input, the input */
  const char *source; /* the input as given on the command line */
  const char *path;   /* entry path in its innermost container ("2017/a.txt");
                         for a plain file, the path as given; for a single
                         compressed file, its name without the compression
                         suffix ("a.txt" for "a.txt.gz") */
  const unsigned char *data; /* DOC: the bytes (for an extracted format, its UTF-8
                                text); NULL otherwise */
  size_t size;               /* DOC: number of bytes */
  uint64_t raw;              /* DOC: bytes before extraction (= size for text);
                                always set */
  const char *format;        /* DOC: "pdf", "docx"... as extract.h names them; NULL
                                for text */
  const char *meta;          /* DOC: metadata the format carries: meta_len bytes of
                                NUL-terminated key and value strings, alternating */
  size_t meta_len;
  size_t top;                /* index of the top-level archive entry it comes from
                                (0 outside archives): entries of one top-level
                                entry come from the same reader under stride */
  uint64_t pos;              /* bytes of the input file read so far (for progress;
                                0 when unknown) */
  int64_t mtime;             /* seconds since the epoch, 0 when unknown */
  int has_mtime;
  int ends;                  /* the top-level archive ends with this entry (its
                                ratio, damage): none of its later entries follows */
  const char *skip;   /* SKIP: a short key: "link", "device", "too_large",
                         "ratio", "too_deep", "format" (--formats), and the
                         extractors' "encrypted", "no_text", "timeout";
                         ERROR: "missing", "damaged", "unreadable" */
  const char *reason; /* SKIP and ERROR: a sentence for people, naming the
                         entry and the limit or the library's message; DOC:
                         NULL, or a warning (what extraction left out) */
} vg_entry;

/* A reader over paths[0..n-1] (copied). Returns NULL when out of memory. */
vg_input *vg_input_new(const char *const *paths, size_t n,
                       const vg_input_opts *opts);
/* Fills *e with the next entry. Returns 1 when *e holds an entry, 0 at the
 * end of all inputs. Problems are entries (VG_ENTRY_ERROR), never a return
 * value: after an error entry, reading goes on with what can still be read. */
int vg_input_next(vg_input *in, vg_entry *e);
/* Inputs opened and entries seen so far (for the summary). */
size_t vg_input_count_inputs(const vg_input *in);
size_t vg_input_count_entries(const vg_input *in);
void vg_input_free(vg_input *in); /* NULL does nothing */

#endif
