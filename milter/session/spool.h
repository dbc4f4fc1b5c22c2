/*
 * NAME
 *	spool.h - one message's bytes: in memory, then in a private temp file
 * DESCRIPTION
 *	pc_spool_write() appends to a memory buffer until the message would
 *	pass memory_max; then the buffer is written to a new temp file in
 *	the spool directory (created 0600 and unlinked at once, so nothing is
 *	left behind by a crash) and the rest goes there.  There is only ever
 *	one copy: the scanner reads the buffer or the fd directly.
 * DIAGNOSTICS
 *	A failed write (ENOSPC, EIO) returns FALSE with the errno text; the
 *	caller tempfails the message, never loses or half-scans it.
 */
#ifndef PCM_SPOOL_H
#define PCM_SPOOL_H

#include <glib.h>
#include <portcullis/engine.h>

typedef struct PcmSpool PcmSpool;

PcmSpool *pcm_spool_new(const char *dir, gsize memory_max);
gboolean pcm_spool_write(PcmSpool *spool, const void *data, gsize len, GError **error);
guint64 pcm_spool_size(const PcmSpool *spool);
gboolean pcm_spool_on_disk(const PcmSpool *spool);
/* Describes the content for the engine; valid until the next write or free. */
void pcm_spool_input(const PcmSpool *spool, PcInput *input);
/* The whole content as bytes: the buffer, or the file mapped read-only;
 * give it back with pcm_spool_unmap(). */
const guint8 *pcm_spool_map(const PcmSpool *spool, gsize *len, GError **error);
void pcm_spool_unmap(const PcmSpool *spool, const guint8 *data, gsize len);
/* Copies the whole content to fd (quarantine). */
gboolean pcm_spool_copy_to(const PcmSpool *spool, int fd, GError **error);
void pcm_spool_free(PcmSpool *spool);
/* write(2) until done, retrying EINTR and short writes. */
gboolean pcm_write_all(int fd, const void *buf, gsize len, GError **error);

#endif
