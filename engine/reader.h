/*
 * reader.h: one input read in a child process. The same entries as
 * vg_input (input.h) over one INPUT, but the decompressing happens in a
 * child (the vigie binary itself, as `vigie __reader`) that streams them
 * back over a pipe: a decompressor that hangs or crashes on a hostile
 * archive costs that input, never the run. An input that sends no byte and
 * reads none for input_timeout seconds is abandoned (its child is killed)
 * and reported; a child that dies is reported with its signal or status
 * and the number of entries it got through. Both are ERROR entries on the
 * input (skip key "timeout" or "crashed"), after which its reading ends.
 *
 * Children are reused: one that read an input to its end waits, idle, for
 * the next vg_reader_new (of any thread); vg_reader_shutdown ends them.
 *
 * "-" (standard input) is read in-process, as is every input when
 * input_timeout is 0 (debugging) or when the program is not the vigie
 * command (the engine linked into another program: there is no
 * `vigie __reader` to start). Then vg_reader is vg_input, with no limit of
 * time.
 *
 * Ownership: what a vg_entry points to is borrowed from the reader until
 * the next call to vg_reader_next or vg_reader_free. The protocol between
 * the two processes is private to reader.c and reader_proto.c.
 */
#ifndef VG_READER_H
#define VG_READER_H

#include <signal.h>
#include <stddef.h>

#include "input.h"
#include "util.h"

typedef struct vg_reader vg_reader;

/* A reader over the one input path (copied), with the limits of o. For a
 * child, starts it. Returns NULL with err set when the child cannot be
 * started or memory ran out. */
vg_reader *vg_reader_new(const char *path, const vg_input_opts *o, double input_timeout,
                         char err[VG_ERRLEN]);
/* With a flag (vg_stop_requested): when it is set while the reader waits
 * for its child, the child is stopped and vg_reader_next returns 0. */
void vg_reader_set_stop(vg_reader *r, volatile sig_atomic_t *stop);
/* vg_input_next's contract: 1 when *e holds the next entry, 0 at the end;
 * problems are ERROR entries. */
int vg_reader_next(vg_reader *r, vg_entry *e);
/* Inputs opened and entries yielded so far (for the summary). */
size_t vg_reader_count_inputs(const vg_reader *r);
size_t vg_reader_count_entries(const vg_reader *r);
/* Gives the child back to the idle ones when it read the input to its
 * end; else (stopped early, hung, crashed) kills it (SIGKILL) and reaps
 * it. NULL does nothing. */
void vg_reader_free(vg_reader *r);
/* Ends the idle children (they exit when told) and reaps them. Call it
 * once no reader is in use: at the end of a run. */
void vg_reader_shutdown(void);

/* `vigie __reader`, the child's side: reads the inputs its parent asks
 * for on stdin with vg_input, and writes their entries as frames on
 * stdout, until stdin closes. Returns the exit status: 0, 2 for a bad
 * request, 3 when the pipe broke. */
int vg_reader_child_main(int argc, char **argv);

#endif
