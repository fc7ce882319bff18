/*
 * reader_proto.h: what a reader child (`vigie __reader`, reader_proto.c)
 * and its parent (reader.c) send each other. Both ends are the same
 * binary: structures go in the machine's own layout.
 *
 * The parent sends requests on the child's stdin (a socket): a vg_proto_req
 * and the input's path. For each, the child answers on its stdout (a pipe)
 * with frames: a HELLO (it is about to open the input), one frame per
 * entry, then an END. A frame is a vg_proto_hdr, then the entry's six
 * strings (id, source, path, skip, reason, format), each NUL-terminated (a
 * NULL one is sent empty, its bit set in `null`), then its metadata
 * (`nmeta` bytes: vg_entry's meta), then the entry's data (`size` bytes,
 * DOC only). The child waits for the next request; stdin closed, it
 * exits 0. Private to reader*.c.
 */
#ifndef VG_READER_PROTO_H
#define VG_READER_PROTO_H

#include <stdint.h>

#define VG_PROTO_MAGIC 0x31464756u /* "VGF1" */
#define VG_PROTO_NSTR 6
#define VG_PROTO_MAX_STR (16u * 1024 * 1024) /* bytes of the strings of one frame */
#define VG_PROTO_MAX_PATH (1u << 20)          /* bytes of a request's path */

enum {
  VG_PROTO_HELLO = 254, /* frame kind: the input is about to be opened (no strings, no data) */
  VG_PROTO_END = 255    /* frame kind: every entry of the input was sent */
};

typedef struct vg_proto_req {
  uint32_t magic;
  uint32_t pathlen;  /* bytes of the path that follows, no NUL */
  uint64_t max_doc_bytes;
  double max_ratio;
  int32_t max_depth;
  uint32_t stride, stride_k;
  uint32_t formats;
  double extract_seconds;
} vg_proto_req;

typedef struct vg_proto_hdr {
  uint32_t magic;
  uint8_t kind;      /* vg_entry_kind, or VG_PROTO_HELLO / VG_PROTO_END */
  uint8_t has_mtime;
  uint8_t ends;      /* vg_entry's ends */
  uint16_t null;     /* bit i: string i is NULL */
  uint32_t nstr;     /* bytes of the six strings, NULs included */
  uint32_t nmeta;    /* bytes of metadata */
  uint64_t top;
  int64_t mtime;
  uint64_t size;     /* bytes of data */
  uint64_t raw;      /* DOC: bytes before extraction */
  uint64_t pos;      /* vg_entry's pos */
} vg_proto_hdr;

#endif
