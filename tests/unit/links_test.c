/*
 * Recipients' links (web/links.h): a token names one entry and one
 * recipient until it expires, under one key; any change is refused.
 */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "links.h"

static GBytes *
key_of(const char *secret)
{
	g_autoptr(GBytes) release = g_bytes_new(secret, strlen(secret));

	return pcw_link_key(release);
}

static void
test_roundtrip(void)
{
	g_autoptr(GBytes) key = key_of("0123456789abcdef0123456789abcdef");
	g_autofree char *token = pcw_link_token(key, "20261204T000000-Q1-0000aaaa", "Bob@Example.NET",
						 2000);
	g_autofree char *id = NULL, *rcpt = NULL;
	g_autoptr(GError) error = NULL;
	gint64 expires = 0;

	g_assert_true(pcw_link_verify(key, token, 1999, &id, &rcpt, &expires, &error));
	g_assert_cmpstr(id, ==, "20261204T000000-Q1-0000aaaa");
	g_assert_cmpstr(rcpt, ==, "bob@example.net");
	g_assert_cmpint(expires, ==, 2000);
	/* URL-safe: a fragment keeps it as it is */
	g_assert_cmpuint(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-_."), ==, strlen(token));
}

static void
test_refused(void)
{
	g_autoptr(GBytes) key = key_of("0123456789abcdef0123456789abcdef");
	g_autoptr(GBytes) other = key_of("another secret, another gateway");
	g_autofree char *token = pcw_link_token(key, "ID1", "a@x.example", 2000);
	g_autofree char *altered = g_strdup(token);
	const char *bad[] = { "", ".", "abc", "abc.def", "!!!.###", NULL };
	char *id = NULL, *rcpt = NULL;
	gint64 expires = 0;

	for (guint i = 0; i < 4; i++) {
		g_autoptr(GError) error = NULL;

		altered[i] = altered[i] == 'A' ? 'B' : 'A';
		g_assert_false(pcw_link_verify(key, altered, 1000, &id, &rcpt, &expires, &error));
		g_assert_true(g_error_matches(error, PCW_LINK_ERROR, PCW_LINK_BAD));
		altered[i] = token[i];
	}
	for (guint i = 0; bad[i] != NULL; i++)
		g_assert_false(pcw_link_verify(key, bad[i], 1000, &id, &rcpt, &expires, NULL));
	g_assert_false(pcw_link_verify(other, token, 1000, &id, &rcpt, &expires, NULL));
	{
		g_autoptr(GError) error = NULL;

		g_assert_false(pcw_link_verify(key, token, 2000, &id, &rcpt, &expires, &error));
		g_assert_true(g_error_matches(error, PCW_LINK_ERROR, PCW_LINK_EXPIRED));
	}
	g_assert_null(id);
	g_assert_null(rcpt);
}

static void
test_optout(void)
{
	g_autofree char *dir = g_dir_make_tmp("pcw-optout-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "sub", "optout", NULL);
	g_autoptr(GHashTable) none = pcw_optout_load(path);
	g_autoptr(GHashTable) set = NULL;

	g_assert_cmpuint(g_hash_table_size(none), ==, 0);
	g_assert_true(pcw_optout_add(path, "a@x.example", NULL));
	g_assert_true(pcw_optout_add(path, "b@y.example", NULL));
	g_assert_false(pcw_optout_add(path, "c@z.example\nd@evil.example", NULL));
	set = pcw_optout_load(path);
	g_assert_cmpuint(g_hash_table_size(set), ==, 2);
	g_assert_true(g_hash_table_contains(set, "b@y.example"));
	{
		g_autofree char *sub = g_path_get_dirname(path);

		g_remove(path);
		g_rmdir(sub);
		g_rmdir(dir);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/links/roundtrip", test_roundtrip);
	g_test_add_func("/links/refused", test_refused);
	g_test_add_func("/links/optout", test_optout);
	return g_test_run();
}
