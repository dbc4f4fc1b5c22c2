/*
 * NAME
 *	accounts_test.c - web console users, passwords and sessions (web/accounts.h)
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "accounts.h"

/* One hash for the whole run: yescrypt takes tens of milliseconds. */
static char *test_hash;

static char *
write_users(const char *body)
{
	g_autoptr(GError) error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("users-XXXXXX", &path, &error);

	g_assert_no_error(error);
	g_assert_true(g_file_set_contents(path, body, -1, &error));
	close(fd);
	return path;
}

static PcwAccounts *
load(void)
{
	g_autofree char *body = g_strdup_printf("# the console's users\n"
		"root:%s:admin\n"
		"sales:%s:domain:Sales.Example, other.example\n", test_hash, test_hash);
	g_autofree char *path = write_users(body);
	g_autoptr(GError) error = NULL;
	PcwAccounts *a = pcw_accounts_load(path, &error);

	g_assert_no_error(error);
	g_unlink(path);
	return a;
}

static void
test_hash_check(void)
{
	g_assert_true(g_str_has_prefix(test_hash, "$y$"));
	g_assert_true(pcw_password_check(test_hash, "correct horse"));
	g_assert_false(pcw_password_check(test_hash, "correct hors"));
	g_assert_false(pcw_password_check(test_hash, ""));
	g_assert_false(pcw_password_check("$y$broken", "correct horse"));
}

static void
test_load_errors(void)
{
	const struct {
		const char *line;
		const char *error;
	} cases[] = {
		{ "root", ":1: want NAME:HASH:ROLE" },
		{ "root:plain:admin", ":1: the hash is not yescrypt" },
		{ "root:$y$x:boss", ":1: the role is not admin or domain" },
		{ "sales:$y$x:domain", ":1: a domain administrator needs DOMAINS" },
		{ "a:$y$x:admin\na:$y$x:admin", ":2: the name is there twice" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *path = write_users(cases[i].line);
		g_autoptr(GError) error = NULL;
		g_autoptr(PcwAccounts) a = pcw_accounts_load(path, &error);

		g_assert_null(a);
		g_assert_nonnull(error);
		g_assert_nonnull(strstr(error->message, cases[i].error));
		g_assert_true(g_str_has_prefix(error->message, path));
		g_unlink(path);
	}
}

static void
test_domains(void)
{
	g_autoptr(PcwAccounts) a = load();
	const PcwUser *root = pcw_accounts_find(a, "root");
	const PcwUser *sales = pcw_accounts_find(a, "sales");

	g_assert_nonnull(root);
	g_assert_nonnull(sales);
	g_assert_null(pcw_accounts_find(a, "nobody"));
	g_assert_true(pcw_user_sees(root, "anyone@anywhere.example"));
	g_assert_true(pcw_user_sees(sales, "bob@SALES.example"));
	g_assert_true(pcw_user_sees(sales, "bob@eu.sales.example"));
	g_assert_true(pcw_user_sees(sales, "x@other.example"));
	g_assert_false(pcw_user_sees(sales, "bob@notsales.example"));
	g_assert_false(pcw_user_sees(sales, "bob@sales.example.evil"));
	g_assert_false(pcw_user_sees(sales, "sales.example"));
	g_assert_false(pcw_user_sees(sales, NULL));
}

static void
test_sessions(void)
{
	g_autoptr(PcwAccounts) a = load();
	g_autoptr(PcwSessions) ss = pcw_sessions_new(600, 3600);
	g_autoptr(GError) error = NULL;
	g_autofree char *csrf = NULL;
	g_autofree char *token = pcw_login(ss, a, "sales", "correct horse", "192.0.2.1", 1000,
					   &csrf, &error);
	g_autofree char *user = NULL;

	g_assert_no_error(error);
	g_assert_cmpuint(strlen(token), ==, 64);
	g_assert_cmpstr(token, !=, csrf);
	user = pcw_session_user(ss, token, 1500);
	g_assert_cmpstr(user, ==, "sales");
	g_assert_true(pcw_session_csrf_ok(ss, token, csrf));
	g_assert_false(pcw_session_csrf_ok(ss, token, token));
	g_assert_false(pcw_session_csrf_ok(ss, token, NULL));
	g_assert_null(pcw_session_user(ss, "0000", 1500));
	/* idle: 600 s after the last use (1500) it is gone */
	g_free(user);
	user = pcw_session_user(ss, token, 2099);
	g_assert_cmpstr(user, ==, "sales");
	g_assert_null(pcw_session_user(ss, token, 2700));
	g_assert_false(pcw_session_csrf_ok(ss, token, csrf));
}

static void
test_lifetime_logout(void)
{
	g_autoptr(PcwAccounts) a = load();
	g_autoptr(PcwSessions) ss = pcw_sessions_new(600, 3600);
	g_autofree char *csrf = NULL;
	g_autofree char *token = pcw_login(ss, a, "root", "correct horse", "192.0.2.1", 0, &csrf,
					   NULL);
	gint64 t;

	for (t = 500; t <= 3500; t += 500)
		g_free(pcw_session_user(ss, token, t));
	g_assert_null(pcw_session_user(ss, token, 3700));	/* used, but past its lifetime */
	g_free(csrf);
	g_free(token);
	token = pcw_login(ss, a, "root", "correct horse", "192.0.2.1", 0, &csrf, NULL);
	pcw_logout(ss, token);
	g_assert_null(pcw_session_user(ss, token, 1));
}

static void
test_rate_limit(void)
{
	g_autoptr(PcwAccounts) a = load();
	g_autoptr(PcwSessions) ss = pcw_sessions_new(600, 3600);
	g_autofree char *csrf = NULL;
	char *token;

	for (guint i = 0; i < PCW_LOGIN_FAILURES; i++) {
		g_autoptr(GError) error = NULL;

		g_assert_null(pcw_login(ss, a, "root", "guess", "198.51.100.7", 100, &csrf, &error));
		g_assert_cmpstr(error->message, ==, "wrong name or password");
	}
	/* the right password no longer helps, for that name or that address */
	{
		g_autoptr(GError) error = NULL;

		g_assert_null(pcw_login(ss, a, "root", "correct horse", "192.0.2.1", 200, &csrf,
					&error));
		g_assert_cmpstr(error->message, ==, "too many failed logins, try later");
		g_clear_error(&error);
		g_assert_null(pcw_login(ss, a, "sales", "correct horse", "198.51.100.7", 200, &csrf,
					&error));
		g_assert_cmpstr(error->message, ==, "too many failed logins, try later");
	}
	/* an unknown name fails the same way as a wrong password */
	{
		g_autoptr(GError) error = NULL;

		g_assert_null(pcw_login(ss, a, "ghost", "x", "203.0.113.1", 200, &csrf, &error));
		g_assert_cmpstr(error->message, ==, "wrong name or password");
	}
	/* the window passes */
	token = pcw_login(ss, a, "root", "correct horse", "192.0.2.1", 100 + PCW_LOGIN_WINDOW,
			  &csrf, NULL);
	g_assert_nonnull(token);
	g_free(token);
}

int
main(int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	int rc;

	g_test_init(&argc, &argv, NULL);
	test_hash = pcw_password_hash("correct horse", &error);
	g_assert_no_error(error);
	g_test_add_func("/accounts/hash", test_hash_check);
	g_test_add_func("/accounts/load-errors", test_load_errors);
	g_test_add_func("/accounts/domains", test_domains);
	g_test_add_func("/accounts/sessions", test_sessions);
	g_test_add_func("/accounts/lifetime-logout", test_lifetime_logout);
	g_test_add_func("/accounts/rate-limit", test_rate_limit);
	rc = g_test_run();
	g_free(test_hash);
	return rc;
}
