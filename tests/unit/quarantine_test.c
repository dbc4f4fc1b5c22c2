/*
 * Unit tests for quarantine/: entries written and read back, damaged
 * entries, the index (filters, files added or removed behind its back,
 * rebuild), purge by age and size, and release marks (valid, forged,
 * expired, other recipients, other body, line endings; accepted once and
 * only for an entry that exists).  Keys and ids must not come from
 * GLib's Mersenne Twister: tests seed it alike and expect different values.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "index.h"
#include "release.h"
#include "store.h"

static gboolean
write_text(int fd, gpointer data, GError **error)
{
	(void)error;
	return write(fd, data, strlen(data)) == (ssize_t)strlen(data);
}

static char *
store(const char *dir, gint64 received, const char *rcpt, const char *status, const char *body)
{
	char *rcpts[] = { (char *)rcpt, NULL };
	char *findings[] = { "2 infected Clam.Test", NULL };
	char *objects[] = { "2\tapplication/octet-stream\tapplication/x-dosexec\t544\tinfected\tclam.exe",
			    NULL };
	PcqEntry e = { .received = received, .queue_id = "QID", .client_address = "192.0.2.1",
		       .client_name = "c.test", .helo = "c.test", .sender = "s@x.test",
		       .recipients = rcpts, .group = "default", .status = (char *)status,
		       .action = "quarantine", .reason = "virus", .findings = findings,
		       .objects = objects };
	g_autoptr(GError) error = NULL;
	char *id = NULL;

	g_assert_true(pcq_store(dir, &e, write_text, (gpointer)body, &id, NULL, &error));
	g_assert_no_error(error);
	return id;
}

static char *
tmpdir(void)
{
	return g_dir_make_tmp("quarantine-test-XXXXXX", NULL);
}

static void
rmdir_all(const char *dir)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

	g_assert_cmpint(system(cmd), ==, 0);
}

static void
test_round_trip(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *id = store(dir, 1795000000, "Ann@X.test", "infected", "Subject: a\r\n\r\nbody\r\n");
	g_autoptr(PcqEntry) e = pcq_entry_load(dir, id, NULL);
	g_autofree char *eml = pcq_message_path(dir, id);
	g_autofree char *text = NULL;

	g_assert_true(g_str_has_prefix(id, "20261118T"));
	g_assert_nonnull(strstr(id, "-QID-"));
	g_assert_nonnull(e);
	g_assert_false(e->damaged);
	g_assert_cmpint(e->received, ==, 1795000000);
	g_assert_cmpstr(e->recipients[0], ==, "Ann@X.test");
	g_assert_cmpstr(e->findings[0], ==, "2 infected Clam.Test");
	g_assert_cmpstr(e->helo, ==, "c.test");
	g_assert_nonnull(strstr(e->objects[0], "clam.exe"));
	g_assert_cmpuint(e->size, ==, 20);
	g_assert_true(g_file_get_contents(eml, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "Subject: a\r\n\r\nbody\r\n");
	rmdir_all(dir);
}

static gboolean
collect(const PcqEntry *e, gpointer data)
{
	g_ptr_array_add(data, g_strdup_printf("%s %s", e->id, e->damaged ? "damaged" : e->status));
	return TRUE;
}

static GPtrArray *
list(const char *dir, const PcqFilter *f)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	g_assert_true(pcq_index_list(dir, f, collect, out, NULL));
	return out;
}

static void
test_damaged(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *a = store(dir, 1795000000, "a@x.test", "infected", "A");
	g_autofree char *b = store(dir, 1795000001, "b@x.test", "infected", "B");
	g_autofree char *meta_b = g_strdup_printf("%s/%s.meta", dir, b);
	g_autofree char *eml_a = pcq_message_path(dir, a);
	g_autofree char *orphan = g_strdup_printf("%s/20260101T000000-X-00000000.eml", dir);
	g_autoptr(GError) error = NULL;
	g_autoptr(PcqEntry) ea = NULL;
	g_autoptr(PcqEntry) eb = NULL;
	g_autoptr(GPtrArray) all = NULL;
	PcqFilter f = { 0 };

	g_unlink(eml_a);
	g_file_set_contents(meta_b, "[entry\nbroken", -1, NULL);
	g_file_set_contents(orphan, "x", -1, NULL);
	ea = pcq_entry_load(dir, a, NULL);
	eb = pcq_entry_load(dir, b, NULL);
	g_assert_true(ea->damaged && strstr(ea->damage, ".eml is missing"));
	g_assert_true(eb->damaged);
	g_assert_null(pcq_entry_load(dir, "nosuch", &error));
	g_assert_true(g_error_matches(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND));
	g_assert_null(pcq_entry_load(dir, "../etc/passwd", NULL));
	/* the orphan .eml has no row yet: list notices and lists it as damaged */
	all = list(dir, &f);
	g_assert_cmpuint(all->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(all, 0), ==, "20260101T000000-X-00000000 damaged");
	rmdir_all(dir);
}

static void
test_index_filters(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *idx = g_build_filename(dir, ".index", "index.sqlite", NULL);
	PcqFilter by_rcpt = { .recipient = "ann@x.test" };
	PcqFilter by_status = { .status = "encrypted" };
	PcqFilter since = { .since = 1795000100 };
	PcqFilter limit = { .limit = 2 };
	PcqFilter all = { 0 };
	guint count = 0;

	for (guint i = 0; i < 6; i++) {
		g_autofree char *id = store(dir, 1795000000 + i * 60, i % 2 ? "ann@x.test" : "bob@x.test",
					    i == 4 ? "encrypted" : "infected", "x");
	}
	{
		g_autoptr(GPtrArray) r = list(dir, &by_rcpt);
		g_autoptr(GPtrArray) s = list(dir, &by_status);
		g_autoptr(GPtrArray) t = list(dir, &since);
		g_autoptr(GPtrArray) l = list(dir, &limit);

		g_assert_cmpuint(r->len, ==, 3);
		g_assert_cmpuint(s->len, ==, 1);
		g_assert_cmpuint(t->len, ==, 4);
		g_assert_cmpuint(l->len, ==, 2);
	}
	/* The index is a cache: gone, it is rebuilt from the files. */
	g_unlink(idx);
	g_assert_true(pcq_index_rebuild(dir, &count, NULL));
	g_assert_cmpuint(count, ==, 6);
	{
		g_autoptr(GPtrArray) a = list(dir, &all);

		g_assert_cmpuint(a->len, ==, 6);
	}
	rmdir_all(dir);
}

static void
test_purge(void)
{
	g_autofree char *dir = tmpdir();
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	PcqFilter all = { 0 };
	guint removed = 0;

	for (guint i = 0; i < 5; i++) {
		g_autofree char *id = store(dir, now - (5 - i) * 86400 * 10, "a@x.test", "infected",
					    "0123456789");
	}
	/* 50, 40, 30, 20, 10 days old: max_age 25 removes three */
	g_assert_true(pcq_purge(dir, 25, 0, &removed, NULL));
	g_assert_cmpuint(removed, ==, 3);
	/* two of 10 bytes left; at most 15 bytes: the older goes */
	g_assert_true(pcq_purge(dir, 0, 15, &removed, NULL));
	g_assert_cmpuint(removed, ==, 1);
	{
		g_autoptr(GPtrArray) a = list(dir, &all);

		g_assert_cmpuint(a->len, ==, 1);
	}
	rmdir_all(dir);
}

static void
test_delete(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *id = store(dir, 1795000000, "a@x.test", "infected", "x");
	g_autoptr(GError) error = NULL;

	g_assert_true(pcq_delete(dir, id, NULL));
	g_assert_false(pcq_delete(dir, id, &error));
	g_assert_true(g_error_matches(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND));
	rmdir_all(dir);
}

/* Files someone else who can write into the store planted: a link from
 * .meta or .eml to a file outside, a FIFO (which would hang a plain open),
 * a link at the temp name the next save writes. */
static void
test_planted(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *a = store(dir, 1795000000, "a@x.test", "infected", "A");
	g_autofree char *b = store(dir, 1795000001, "b@x.test", "infected", "B");
	g_autofree char *c = store(dir, 1795000002, "c@x.test", "infected", "C");
	g_autofree char *outside = g_build_filename(dir, ".index", "outside", NULL);
	g_autofree char *meta_a = g_strdup_printf("%s/%s.meta", dir, a);
	g_autofree char *eml_b = pcq_message_path(dir, b);
	g_autofree char *eml_c = pcq_message_path(dir, c);
	g_autofree char *tmp_c = g_strdup_printf("%s/.%s.meta.tmp", dir, c);
	g_autofree char *text = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcqEntry) ea = NULL;
	g_autoptr(PcqEntry) eb = NULL;
	g_autoptr(PcqEntry) ec = NULL;

	g_assert_true(g_file_set_contents(outside, "[entry]\nsender=planted@x.test\n", -1, NULL));
	g_unlink(meta_a);
	g_assert_cmpint(symlink(outside, meta_a), ==, 0);
	g_unlink(eml_b);
	g_assert_cmpint(symlink(outside, eml_b), ==, 0);
	g_unlink(eml_c);
	g_assert_cmpint(mkfifo(eml_c, 0600), ==, 0);
	ea = pcq_entry_load(dir, a, NULL);
	g_assert_true(ea->damaged);
	g_assert_cmpstr(ea->sender, !=, "planted@x.test");
	g_assert_true(g_str_has_suffix(ea->damage, ".meta: refused: a symbolic link"));
	g_assert_nonnull(strstr(ea->damage, a));
	eb = pcq_entry_load(dir, b, NULL);
	g_assert_true(eb->damaged && g_str_has_suffix(eb->damage, ".eml: refused: a symbolic link"));
	g_assert_cmpint(pcq_open_file(dir, b, ".eml", &error), ==, -1);
	g_assert_true(g_error_matches(error, PCQ_ERROR, PCQ_ERROR_DAMAGED));
	ec = pcq_entry_load(dir, c, NULL);
	g_assert_true(ec->damaged &&
		      g_str_has_suffix(ec->damage, ".eml: refused: not a regular file"));
	/* a save writes a fresh temp file, never through the planted link */
	g_assert_cmpint(symlink(outside, tmp_c), ==, 0);
	g_assert_true(pcq_entry_save(dir, ec, NULL));
	g_assert_true(g_file_get_contents(outside, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "[entry]\nsender=planted@x.test\n");
	rmdir_all(dir);
}

static const char msg_crlf[] = "Received: x\r\nSubject: s\r\n\r\nline 1\r\nline 2\r\n";
static const char msg_lf[] = "X-Portcullis-Release: y\nReceived: z\nSubject: s\n\nline 1\nline 2\n";

static void
refused(GBytes *key, const char *mark, gint64 now, const char *const *rcpts, const char *body,
	const char *reason)
{
	char *id = NULL, *why = NULL;

	g_assert_false(pcq_release_verify(key, mark, now, rcpts, (const guint8 *)body,
					  strlen(body), &id, &why));
	g_assert_null(id);
	g_assert_cmpstr(why, ==, reason);
	g_free(why);
}

static void
test_release(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *path = g_build_filename(dir, "release.key", NULL);
	g_autoptr(GBytes) key = pcq_release_key_load(path, TRUE, NULL);
	g_autoptr(GBytes) again = pcq_release_key_load(path, FALSE, NULL);
	g_autoptr(GBytes) other = g_bytes_new_static("0123456789abcdef0123456789abcdef", 32);
	const char *const rcpts[] = { "Ann@X.test", "bob@x.test", NULL };
	const char *const swapped[] = { "bob@x.test", "ann@x.test", NULL };
	const char *const fewer[] = { "bob@x.test", NULL };
	gint64 now = 1795000000;
	g_autofree char *mark = pcq_release_mark(key, "ID1", now, rcpts, (const guint8 *)msg_crlf,
						 strlen(msg_crlf));
	g_autofree char *forged = g_strdup_printf("id=ID1; t=%" G_GINT64_FORMAT "; mac=%064d", now, 0);
	char *id = NULL, *why = NULL;
	GStatBuf st;

	g_assert_nonnull(key);
	g_assert_true(g_bytes_equal(key, again));
	g_assert_cmpint(g_stat(path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	/* other headers, LF line ends, recipients in another order and case: valid */
	g_assert_true(pcq_release_verify(key, mark, now + 60, swapped, (const guint8 *)msg_lf,
					 strlen(msg_lf), &id, &why));
	g_assert_cmpstr(id, ==, "ID1");
	g_free(id);
	refused(key, forged, now, rcpts, msg_crlf, "bad mac");
	refused(other, mark, now, rcpts, msg_crlf, "bad mac");
	refused(key, mark, now, fewer, msg_crlf, "bad mac");
	refused(key, mark, now, rcpts, "Subject: s\r\n\r\nline 1\r\nline 3\r\n", "bad mac");
	refused(key, mark, now + PCQ_RELEASE_MAX_AGE + 1, rcpts, msg_crlf, "expired");
	refused(key, "id=ID1; mac=00", now, rcpts, msg_crlf, "malformed");
	rmdir_all(dir);
}

static char *
key_text(const char *path)
{
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return g_strstrip(text);
}

/* g_random seeded alike before each key: the keys still differ, so the
 * bytes are not the Mersenne Twister's (its outputs leak in other ids). */
static void
test_release_key_random(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *a = g_build_filename(dir, "a.key", NULL);
	g_autofree char *b = g_build_filename(dir, "b.key", NULL);
	g_autoptr(GBytes) ka = NULL;
	g_autoptr(GBytes) kb = NULL;
	g_autofree char *ta = NULL;
	g_autofree char *tb = NULL;

	g_random_set_seed(7);
	ka = pcq_release_key_load(a, TRUE, NULL);
	g_random_set_seed(7);
	kb = pcq_release_key_load(b, TRUE, NULL);
	ta = key_text(a);
	tb = key_text(b);
	g_assert_cmpuint(strlen(ta), ==, 64);
	g_assert_cmpuint(strspn(ta, "0123456789abcdef"), ==, 64);
	g_assert_cmpstr(ta, !=, tb);
	g_assert_cmpmem(g_bytes_get_data(ka, NULL), g_bytes_get_size(ka), ta, 64);
	rmdir_all(dir);
}

/* The random part of an id is not g_random's either. */
static void
test_ids_random(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;

	g_random_set_seed(7);
	a = store(dir, 1795000000, "a@x.test", "infected", "x");
	g_random_set_seed(7);
	b = store(dir, 1795000000, "a@x.test", "infected", "x");
	g_assert_cmpstr(a, !=, b);
	rmdir_all(dir);
}

static void
refused_accept(const char *dir, GBytes *key, const char *mark, gint64 now,
	       const char *const *rcpts, const char *reason)
{
	char *id = NULL, *why = NULL;

	g_assert_false(pcq_release_accept(dir, key, mark, now, rcpts, (const guint8 *)msg_crlf,
					  strlen(msg_crlf), &id, &why));
	g_assert_null(id);
	g_assert_cmpstr(why, ==, reason);
	g_free(why);
}

/* A mark passes once, only for an entry that is in the quarantine; its
 * record goes when the mark has expired. */
static void
test_release_accept(void)
{
	g_autofree char *dir = tmpdir();
	g_autofree char *entry = store(dir, 1795000000, "a@x.test", "infected", "x");
	g_autoptr(GBytes) key = g_bytes_new_static("0123456789abcdef0123456789abcdef", 32);
	const char *const rcpts[] = { "a@x.test", NULL };
	gint64 now = 1795000000;
	g_autofree char *mark = pcq_release_mark(key, entry, now, rcpts, (const guint8 *)msg_crlf,
						 strlen(msg_crlf));
	g_autofree char *later = pcq_release_mark(key, entry, now + 1, rcpts,
						  (const guint8 *)msg_crlf, strlen(msg_crlf));
	g_autofree char *ghost = pcq_release_mark(key, "20990101T000000-NOSUCH-00000000", now,
						  rcpts, (const guint8 *)msg_crlf,
						  strlen(msg_crlf));
	char *id = NULL, *why = NULL;
	guint removed = 9;

	g_assert_true(pcq_release_accept(dir, key, mark, now, rcpts, (const guint8 *)msg_crlf,
					 strlen(msg_crlf), &id, &why));
	g_assert_cmpstr(id, ==, entry);
	g_assert_null(why);
	g_free(id);
	refused_accept(dir, key, mark, now + 10, rcpts, "already used");
	refused_accept(dir, key, ghost, now, rcpts, "no such entry");
	refused_accept(dir, key, "id=x; t=1; mac=00", now, rcpts, "expired");
	/* a second release of the entry makes a mark of its own */
	g_assert_true(pcq_release_accept(dir, key, later, now + 2, rcpts,
					 (const guint8 *)msg_crlf, strlen(msg_crlf), &id, &why));
	g_free(id);
	g_assert_true(pcq_release_purge_used(dir, now + PCQ_RELEASE_MAX_AGE, &removed, NULL));
	g_assert_cmpuint(removed, ==, 0);
	g_assert_true(pcq_release_purge_used(dir, now + PCQ_RELEASE_MAX_AGE + 2, &removed, NULL));
	g_assert_cmpuint(removed, ==, 2);
	rmdir_all(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/quarantine/round-trip", test_round_trip);
	g_test_add_func("/quarantine/damaged", test_damaged);
	g_test_add_func("/quarantine/index-filters", test_index_filters);
	g_test_add_func("/quarantine/purge", test_purge);
	g_test_add_func("/quarantine/delete", test_delete);
	g_test_add_func("/quarantine/planted", test_planted);
	g_test_add_func("/quarantine/release", test_release);
	g_test_add_func("/quarantine/release/key-random", test_release_key_random);
	g_test_add_func("/quarantine/ids-random", test_ids_random);
	g_test_add_func("/quarantine/release/once", test_release_accept);
	return g_test_run();
}
