/*
 * Unit tests for milter/conf.c: valid files, unknown groups and keys, bad
 * values; every error names the file, the line, the group and the key.
 */
#include "config.h"

#include "cases.h"

#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "conf.h"

typedef struct {
	const char *name;
	const char *text;
	const char *error;	/* NULL: loads; else expected message after "FILE:" */
} ConfCase;

static const ConfCase conf_cases[] = {
	{ "empty", "", NULL },
	{ "comments-only", "# nothing\n\n[av]\n# max_files = 3\n", NULL },
	{ "valid", "[milter]\nsocket = inet:9999@127.0.0.1\nsocket_mode = 0600\n"
	  "[message]\nspool_memory_max = 512K\nmax_message_size = 20M\n"
	  "oversize_action = reject\n[av]\non_infected = quarantine\non_error = accept\n"
	  "max_scan_time = 30\n[log]\nlevel = debug\n", NULL },
	{ "unknown-key", "[av]\n\nmax_scan_sise = 10M\n", "3: [av] max_scan_sise: unknown key" },
	{ "unknown-group", "# c\n[antivirus]\nx = 1\n", "2: [antivirus]: unknown group" },
	{ "bad-size", "[av]\nmax_scan_size = 5O0M\n",
	  "2: [av] max_scan_size: \"5O0M\" is not a size (e.g. 512K, 10M, 1G)" },
	{ "size-out-of-range", "[message]\nmax_message_size = 10\n",
	  "2: [message] max_message_size: \"10\" is out of range (1K to 4G)" },
	{ "bad-number", "[av]\nmax_files = many\n",
	  "2: [av] max_files: \"many\" is not a whole number" },
	{ "number-out-of-range", "[av]\nmax_recursion = 0\n",
	  "2: [av] max_recursion: \"0\" is out of range (1 to 64)" },
	{ "bad-enum", "[av]\non_infected = bounce\n",
	  "2: [av] on_infected: \"bounce\" is not one of: reject, discard, quarantine, accept" },
	{ "bad-mode", "[milter]\nsocket_mode = rw\n",
	  "2: [milter] socket_mode: \"rw\" is not an octal mode (e.g. 0660)" },
	{ "empty-required", "[av]\ndatabase_dir =\n", "2: [av] database_dir: \"\" must not be empty" },
	{ "bad-level", "[log]\nlevel = loud\n",
	  "2: [log] level: \"loud\" is not one of: error, warning, notice, info, debug" },
	{ "line-in-second-group", "[milter]\nsocket = unix:/x\n\n[av]\nmax_files = 1\n"
	  "max_files = x\n", "6: [av] max_files: \"x\" is not a whole number" },
};

static void
test_conf_case(gconstpointer data)
{
	const ConfCase *c = data;
	g_autofree char *path = NULL;
	g_autoptr(GError) error = NULL;
	int fd = g_file_open_tmp("conf-test-XXXXXX.conf", &path, NULL);
	g_autoptr(PcmConfig) conf = NULL;

	close(fd);
	g_assert_true(g_file_set_contents(path, c->text, -1, NULL));
	conf = pcm_conf_load(path, &error);
	if (c->error == NULL) {
		g_assert_no_error(error);
		g_assert_nonnull(conf);
		g_assert_cmpstr(conf->path, ==, path);
	} else {
		g_autofree char *expect = g_strdup_printf("%s:%s", path, c->error);

		g_assert_null(conf);
		g_assert_nonnull(error);
		g_assert_cmpstr(error->message, ==, expect);
	}
	g_unlink(path);
}

static void
test_conf_values(void)
{
	g_autofree char *path = NULL;
	int fd = g_file_open_tmp("conf-test-XXXXXX.conf", &path, NULL);
	g_autoptr(PcmConfig) conf = NULL;

	close(fd);
	g_file_set_contents(path, conf_cases[2].text, -1, NULL);
	conf = pcm_conf_load(path, NULL);
	g_assert_nonnull(conf);
	g_assert_cmpstr(conf->socket, ==, "inet:9999@127.0.0.1");
	g_assert_cmpuint(conf->socket_mode, ==, 0600);
	g_assert_cmpuint(conf->spool_memory_max, ==, 512 * 1024);
	g_assert_cmpuint(conf->max_message_size, ==, 20 * 1024 * 1024);
	g_assert_cmpint(conf->oversize_action, ==, PCM_OVERSIZE_REJECT);
	g_assert_cmpint(conf->on_infected, ==, PCM_INFECTED_QUARANTINE);
	g_assert_cmpint(conf->on_error, ==, PCM_ERROR_ACCEPT);
	g_assert_cmpuint(conf->max_scan_time, ==, 30);
	g_assert_cmpint(conf->log_level, ==, LOG_DEBUG);
	/* Keys not in the file keep their defaults. */
	g_assert_cmpstr(conf->database_dir, ==, "/var/lib/clamav");
	g_unlink(path);
}

static void
test_conf_defaults(void)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();

	g_assert_null(conf->path);
	g_assert_cmpuint(conf->spool_memory_max, ==, 1024 * 1024);
	g_assert_cmpint(conf->on_infected, ==, PCM_INFECTED_REJECT);
	g_assert_cmpint(conf->on_error, ==, PCM_ERROR_TEMPFAIL);
	g_assert_cmpint(conf->oversize_action, ==, PCM_OVERSIZE_ACCEPT);
	g_assert_cmpuint(conf->db_check_interval, ==, 60);
}

static void
test_conf_overrides(void)
{
	const char *const good[] = { "av.on_infected=discard", "milter.socket = inet:1@h", NULL };
	const char *const bad[] = { "av.nope=1", NULL };
	const char *const malformed[] = { "on_infected=discard", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, good, &error);

	g_assert_no_error(error);
	g_assert_cmpint(conf->on_infected, ==, PCM_INFECTED_DISCARD);
	g_assert_cmpstr(conf->socket, ==, "inet:1@h");
	g_assert_null(pcm_conf_load_with(NULL, bad, &error));
	g_assert_cmpstr(error->message, ==, "[av] nope: unknown key");
	g_clear_error(&error);
	g_assert_null(pcm_conf_load_with(NULL, malformed, &error));
	g_assert_nonnull(strstr(error->message, "expected group.key=value"));
}

static void
test_conf_missing_file(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_null(pcm_conf_load("/nonexistent/portcullis.conf", &error));
	g_assert_nonnull(strstr(error->message, "/nonexistent/portcullis.conf"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	PC_TEST_ADD_CASES("/conf/file", conf_cases, test_conf_case);
	g_test_add_func("/conf/values", test_conf_values);
	g_test_add_func("/conf/defaults", test_conf_defaults);
	g_test_add_func("/conf/overrides", test_conf_overrides);
	g_test_add_func("/conf/missing-file", test_conf_missing_file);
	return g_test_run();
}
