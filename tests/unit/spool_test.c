/*
 * Unit tests for milter/session/spool.c: where bytes live (memory or temp file)
 * around the spool_memory_max threshold, and that they come back exactly.
 */
#include "config.h"

#include "cases.h"

#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <glib/gstdio.h>

#include "spool.h"

typedef struct {
	const char *name;
	gsize memory_max;
	gsize chunks[4];	/* sizes written in order; 0 ends */
	gboolean on_disk;
} SpoolCase;

static const SpoolCase spool_cases[] = {
	{ "empty", 16, { 0 }, FALSE },
	{ "below", 16, { 10, 0 }, FALSE },
	{ "exactly-at-threshold", 16, { 10, 6, 0 }, FALSE },
	{ "one-byte-over", 16, { 10, 7, 0 }, TRUE },
	{ "first-write-over", 16, { 100, 0 }, TRUE },
	{ "spill-then-append", 1024, { 1000, 1000, 5000, 0 }, TRUE },
	{ "zero-threshold", 0, { 1, 0 }, TRUE },
};

/* Deterministic bytes covering all 256 values, CR, LF and NUL included. */
static guint8 *
spool_pattern(gsize len)
{
	guint8 *data = g_malloc(len + 1);

	for (gsize i = 0; i < len; i++)
		data[i] = (guint8)((i * 131u + 7u) & 0xff);
	return data;
}

static GByteArray *
spool_read_back(PcmSpool *spool)
{
	PcInput input = { 0 };
	GByteArray *out = g_byte_array_new();

	pcm_spool_input(spool, &input);
	if (input.data != NULL) {
		g_byte_array_append(out, input.data, (guint)input.len);
	} else {
		guint8 buf[4096];
		off_t off = 0;
		ssize_t n;

		while ((n = pread(input.fd, buf, sizeof(buf), off)) > 0) {
			g_byte_array_append(out, buf, (guint)n);
			off += n;
		}
		g_assert_cmpuint(off, ==, input.len);
	}
	return out;
}

static void
test_spool_case(gconstpointer data)
{
	const SpoolCase *c = data;
	g_autofree char *dir = g_dir_make_tmp("spool-test-XXXXXX", NULL);
	PcmSpool *spool = pcm_spool_new(dir, c->memory_max);
	gsize total = 0;

	for (guint i = 0; c->chunks[i] != 0; i++)
		total += c->chunks[i];
	g_autofree guint8 *expect = spool_pattern(total);
	gsize off = 0;

	for (guint i = 0; c->chunks[i] != 0; i++) {
		g_autoptr(GError) error = NULL;

		g_assert_true(pcm_spool_write(spool, expect + off, c->chunks[i], &error));
		g_assert_no_error(error);
		off += c->chunks[i];
	}
	g_assert_cmpuint(pcm_spool_size(spool), ==, total);
	g_assert_cmpint(pcm_spool_on_disk(spool), ==, c->on_disk);

	g_autoptr(GByteArray) back = spool_read_back(spool);
	g_assert_cmpmem(back->data, back->len, expect, total);

	/* The temp file is unlinked at once: nothing is ever visible in dir. */
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	g_assert_null(g_dir_read_name(d));

	pcm_spool_free(spool);
	g_rmdir(dir);
}

static void
test_spool_copy_to(void)
{
	g_autofree char *dir = g_dir_make_tmp("spool-test-XXXXXX", NULL);
	g_autofree guint8 *data = spool_pattern(200000);
	g_autofree char *path = g_build_filename(dir, "copy", NULL);
	g_autofree char *copied = NULL;
	gsize len = 0;

	for (guint big = 0; big < 2; big++) {
		PcmSpool *spool = pcm_spool_new(dir, big ? 1000 : 1000000);
		int fd = g_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		g_assert_true(pcm_spool_write(spool, data, 200000, NULL));
		g_assert_true(pcm_spool_copy_to(spool, fd, NULL));
		close(fd);
		g_clear_pointer(&copied, g_free);
		g_assert_true(g_file_get_contents(path, &copied, &len, NULL));
		g_assert_cmpmem(copied, len, data, 200000);
		pcm_spool_free(spool);
	}
	g_unlink(path);
	g_rmdir(dir);
}

static void
test_spool_unwritable_dir(void)
{
	PcmSpool *spool = pcm_spool_new("/nonexistent/portcullis-spool", 4);
	g_autoptr(GError) error = NULL;

	g_assert_true(pcm_spool_write(spool, "abc", 3, &error));
	g_assert_false(pcm_spool_write(spool, "defgh", 5, &error));
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error->message, "/nonexistent/portcullis-spool"));
	pcm_spool_free(spool);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	PC_TEST_ADD_CASES("/spool", spool_cases, test_spool_case);
	g_test_add_func("/spool/copy-to", test_spool_copy_to);
	g_test_add_func("/spool/unwritable-dir", test_spool_unwritable_dir);
	return g_test_run();
}
