/*
 * NAME
 *	spool.c - memory-to-temp-file message spool
 * DESCRIPTION
 *	See spool.h.  The spill happens on the write that would take the
 *	buffer past memory_max, so a message of exactly memory_max bytes stays
 *	in memory.  Temp files are opened O_CLOEXEC and unlinked before any
 *	data is written: the only name they ever had is gone.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "spool.h"

struct PcmSpool {
	char *dir;
	gsize memory_max;
	GByteArray *mem;	/* NULL once spilled */
	int fd;			/* -1 while in memory */
	guint64 size;
};

PcmSpool *
pcm_spool_new(const char *dir, gsize memory_max)
{
	PcmSpool *spool = g_new0(PcmSpool, 1);

	spool->dir = g_strdup(dir);
	spool->memory_max = memory_max;
	spool->mem = g_byte_array_new();
	spool->fd = -1;
	return spool;
}

void
pcm_spool_free(PcmSpool *spool)
{
	if (spool == NULL)
		return;
	if (spool->mem != NULL)
		g_byte_array_unref(spool->mem);
	if (spool->fd >= 0)
		close(spool->fd);
	g_free(spool->dir);
	g_free(spool);
}

gboolean
pcm_write_all(int fd, const void *buf, gsize len, GError **error)
{
	const guint8 *data = buf;

	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
				    "write failed: %s", g_strerror(saved));
			return FALSE;
		}
		data += n;
		len -= (gsize)n;
	}
	return TRUE;
}

static gboolean
pcm_spool_spill(PcmSpool *spool, GError **error)
{
	g_autofree char *path = g_build_filename(spool->dir, "portcullis-XXXXXX", NULL);
	int fd = g_mkstemp_full(path, O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		int saved = errno;

		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
			    "cannot create spool file in %s: %s", spool->dir, g_strerror(saved));
		return FALSE;
	}
	unlink(path);
	spool->fd = fd;
	if (!pcm_write_all(fd, spool->mem->data, spool->mem->len, error))
		return FALSE;
	g_clear_pointer(&spool->mem, g_byte_array_unref);
	return TRUE;
}

gboolean
pcm_spool_write(PcmSpool *spool, const void *data, gsize len, GError **error)
{
	if (spool->fd < 0 && spool->mem->len + len > spool->memory_max &&
	    !pcm_spool_spill(spool, error))
		return FALSE;
	if (spool->fd >= 0) {
		if (!pcm_write_all(spool->fd, data, len, error))
			return FALSE;
	} else {
		g_byte_array_append(spool->mem, data, (guint)len);
	}
	spool->size += len;
	return TRUE;
}

guint64
pcm_spool_size(const PcmSpool *spool)
{
	return spool->size;
}

gboolean
pcm_spool_on_disk(const PcmSpool *spool)
{
	return spool->fd >= 0;
}

void
pcm_spool_input(const PcmSpool *spool, PcInput *input)
{
	input->data = spool->mem ? spool->mem->data : NULL;
	input->len = (gsize)spool->size;
	input->fd = spool->fd;
	/* An empty message still needs a non-NULL buffer to mean "memory". */
	if (spool->mem != NULL && input->data == NULL)
		input->data = (const guint8 *)"";
}

const guint8 *
pcm_spool_map(const PcmSpool *spool, gsize *len, GError **error)
{
	void *map;

	*len = (gsize)spool->size;
	if (spool->mem != NULL || spool->size == 0)
		return spool->mem && spool->mem->data ? spool->mem->data : (const guint8 *)"";
	map = mmap(NULL, *len, PROT_READ, MAP_SHARED, spool->fd, 0);
	if (map == MAP_FAILED) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "cannot map the spool file: %s", g_strerror(errno));
		return NULL;
	}
	return map;
}

void
pcm_spool_unmap(const PcmSpool *spool, const guint8 *data, gsize len)
{
	if (spool->mem == NULL && len > 0)
		munmap((void *)data, len);
}

gboolean
pcm_spool_copy_to(const PcmSpool *spool, int fd, GError **error)
{
	guint8 buf[65536];
	off_t off = 0;

	if (spool->mem != NULL)
		return pcm_write_all(fd, spool->mem->data, spool->mem->len, error);
	while ((guint64)off < spool->size) {
		ssize_t n = pread(spool->fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO,
				    "spool read failed: %s", n < 0 ? g_strerror(errno) : "short file");
			return FALSE;
		}
		if (!pcm_write_all(fd, buf, (gsize)n, error))
			return FALSE;
		off += n;
	}
	return TRUE;
}
