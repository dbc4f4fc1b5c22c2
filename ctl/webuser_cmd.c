/*
 * NAME
 *	webuser_cmd.c - portcullisctl web-user: the web console's accounts
 * DESCRIPTION
 *	Edits [web] users_file (web/accounts.h): every change reads the file
 *	through pcw_accounts_load (so a broken file is refused, not made
 *	worse), then writes it whole to a temporary file (mode 0600) renamed
 *	into place.  Passwords come from standard input, never from the
 *	command line (which other users see in ps).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "accounts.h"
#include "ctl.h"

#define PCC_PASSWORD_MIN 10

const char pcc_webuser_help[] =
	"    web-user add NAME admin | web-user add NAME domain DOMAIN[,DOMAIN...]\n"
	"        Adds a web console account ([web] users_file): admin sees everything,\n"
	"        domain only mail to or from those domains (and their subdomains).\n"
	"        The password (10 characters at least) is read from standard input,\n"
	"        asked twice without echo on a terminal; it is stored as a yescrypt hash.\n"
	"    web-user passwd NAME | web-user delete NAME | web-user list\n"
	"        Sets a new password, removes the account, or lists names, roles and\n"
	"        domains (never the hashes).\n";

static int
pcc_webuser_fail(const char *what)
{
	pcc_print_error(what);
	return PCC_ERROR;
}

/* One line of standard input, without echo when it is a terminal. */
static char *
pcc_read_secret(const char *prompt)
{
	struct termios saved, quiet;
	gboolean tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	char buf[1024];
	char *line;

	if (tty) {
		fputs(prompt, stderr);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	line = fgets(buf, sizeof(buf), stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	if (line == NULL)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	line = g_strdup(buf);
	memset(buf, 0, sizeof(buf));
	return line;
}

static char *
pcc_new_hash(GError **error)
{
	g_autofree char *first = pcc_read_secret("Password: ");
	g_autofree char *again = NULL;

	if (first == NULL || strlen(first) < PCC_PASSWORD_MIN) {
		g_set_error(error, PCW_ERROR, 0, "the password must have %d characters at least",
			    PCC_PASSWORD_MIN);
		return NULL;
	}
	if (isatty(STDIN_FILENO) && ((again = pcc_read_secret("Again: ")) == NULL ||
				     strcmp(first, again) != 0)) {
		g_set_error(error, PCW_ERROR, 0, "the two passwords differ");
		return NULL;
	}
	return pcw_password_hash(first, error);
}

/* The file's lines, or none when it does not exist yet; NULL when it
 * exists and does not load. */
static GPtrArray *
pcc_users_lines(const char *path, GError **error)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *text = NULL;
	g_autoptr(PcwAccounts) check = NULL;
	g_auto(GStrv) split = NULL;

	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return lines;
	check = pcw_accounts_load(path, error);
	if (check == NULL || !g_file_get_contents(path, &text, NULL, error)) {
		g_ptr_array_unref(lines);
		return NULL;
	}
	split = g_strsplit(text, "\n", -1);
	for (guint i = 0; split[i] != NULL; i++)
		if (*split[i] != '\0' || split[i + 1] != NULL)
			g_ptr_array_add(lines, g_strdup(split[i]));
	return lines;
}

static gboolean
pcc_users_write(const char *path, GPtrArray *lines, GError **error)
{
	g_autofree char *tmp = g_strdup_printf("%s.%d.tmp", path, (int)getpid());
	g_autoptr(GString) text = g_string_new(NULL);
	int fd = g_open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	gboolean ok;

	for (guint i = 0; i < lines->len; i++)
		g_string_append_printf(text, "%s\n", (char *)g_ptr_array_index(lines, i));
	ok = fd >= 0 && write(fd, text->str, text->len) == (ssize_t)text->len && fsync(fd) == 0;
	if (fd >= 0 && close(fd) != 0)
		ok = FALSE;
	if (ok && g_rename(tmp, path) == 0)
		return TRUE;
	g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot write %s: %s",
		    path, g_strerror(errno));
	g_unlink(tmp);
	return FALSE;
}

/* The index of NAME's line, or -1. */
static gint
pcc_users_find(GPtrArray *lines, const char *name)
{
	g_autofree char *prefix = g_strconcat(name, ":", NULL);

	for (guint i = 0; i < lines->len; i++)
		if (g_str_has_prefix(g_ptr_array_index(lines, i), prefix))
			return (gint)i;
	return -1;
}

/* Names become a field of a colon-separated file and reach the console's
 * pages: letters, digits and ._@- only. */
static gboolean
pcc_name_ok(const char *name)
{
	if (*name == '\0' || strlen(name) > 64)
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr("._@-", *p))
			return FALSE;
	return TRUE;
}

static gboolean
pcc_domains_ok(const char *domains)
{
	for (const char *p = domains; *p; p++)
		if (!g_ascii_isalnum(*p) && !strchr(".-,", *p))
			return FALSE;
	return *domains != '\0';
}

static int
pcc_webuser_change(const char *path, int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) lines = pcc_users_lines(path, &error);
	const char *cmd = argv[0], *name = argv[1];
	gint at = lines ? pcc_users_find(lines, name) : -1;
	g_autofree char *hash = NULL;

	if (lines == NULL)
		return pcc_webuser_fail(error->message);
	if (strcmp(cmd, "add") == 0) {
		gboolean domain = argc == 4 && strcmp(argv[2], "domain") == 0;

		if (!domain && !(argc == 3 && strcmp(argv[2], "admin") == 0))
			return pcc_webuser_fail("web-user add NAME admin | add NAME domain DOMAINS");
		if (at >= 0)
			return pcc_webuser_fail("that account exists (web-user passwd changes it)");
		if (domain && !pcc_domains_ok(argv[3]))
			return pcc_webuser_fail("DOMAINS: letters, digits, '.', '-', separated by ','");
		if ((hash = pcc_new_hash(&error)) == NULL)
			return pcc_webuser_fail(error->message);
		g_ptr_array_add(lines, g_strdup_printf("%s:%s:%s%s%s", name, hash, argv[2],
						       domain ? ":" : "", domain ? argv[3] : ""));
	} else if (at < 0) {
		return pcc_webuser_fail("no such account");
	} else if (strcmp(cmd, "delete") == 0) {
		g_ptr_array_remove_index(lines, (guint)at);
	} else {
		g_auto(GStrv) f = g_strsplit(g_ptr_array_index(lines, (guint)at), ":", 3);

		if ((hash = pcc_new_hash(&error)) == NULL)
			return pcc_webuser_fail(error->message);
		g_free(lines->pdata[at]);
		lines->pdata[at] = g_strdup_printf("%s:%s:%s", f[0], hash, f[2]);
	}
	if (!pcc_users_write(path, lines, &error))
		return pcc_webuser_fail(error->message);
	return PCC_OK;
}

static int
pcc_webuser_list(const char *path)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcwAccounts) accounts = pcw_accounts_load(path, &error);
	g_autoptr(GPtrArray) lines = accounts ? pcc_users_lines(path, &error) : NULL;

	if (lines == NULL)
		return pcc_webuser_fail(error->message);
	for (guint i = 0; i < lines->len; i++) {
		g_auto(GStrv) f = g_strsplit(g_ptr_array_index(lines, i), ":", 4);
		g_autofree char *shown = NULL;

		if (f[0] == NULL || *f[0] == '#' || *g_strstrip(f[0]) == '\0' || f[1] == NULL ||
		    f[2] == NULL)
			continue;
		shown = pcc_text(f[0]);
		printf("%-24s %-7s %s\n", shown, f[2], f[3] ? f[3] : "");
	}
	return PCC_OK;
}

int
pcc_webuser(const PcmConfig *conf, int argc, char **argv)
{
	const char *path = conf->web_users_file;

	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return pcc_webuser_list(path);
	if (argc < 2 || (strcmp(argv[0], "add") != 0 && strcmp(argv[0], "passwd") != 0 &&
			 strcmp(argv[0], "delete") != 0))
		return pcc_webuser_fail("web-user add | passwd | delete NAME, or web-user list");
	if (!pcc_name_ok(argv[1]))
		return pcc_webuser_fail("a name has 1 to 64 letters, digits and . _ @ - only");
	return pcc_webuser_change(path, argc, argv);
}
