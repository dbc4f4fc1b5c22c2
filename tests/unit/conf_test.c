/*
 * Unit tests for milter/conf/conf.c: valid files, unknown groups and keys, bad
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
	  "oversize_action = reject\n[policy]\nblock_action = quarantine\non_error = accept\n"
	  "block = infected, filtered\n[scan]\nsignature_overrides = Heuristics.OLE2.*=pass, "
	  "PUA.*=infected\n[filter]\nexecutables = no\nname_exclude = *.EXE , ,x\n"
	  "[av]\nmax_scan_time = 30\n[log]\nlevel = debug\n", NULL },
	{ "unknown-key", "[av]\n\nmax_scan_sise = 10M\n", "3: [av] max_scan_sise: unknown key" },
	{ "unknown-group", "# c\n[antivirus]\nx = 1\n", "2: [antivirus]: unknown group" },
	{ "bad-size", "[av]\nmax_scan_size = 5O0M\n",
	  "2: [av] max_scan_size: \"5O0M\" is not a size (e.g. 512K, 10M, 1G)" },
	{ "size-out-of-range", "[message]\nmax_message_size = 10\n",
	  "2: [message] max_message_size: \"10\" is out of range (1K to 4G)" },
	{ "bad-number", "[av]\nmax_files = many\n",
	  "2: [av] max_files: \"many\" is not a whole number" },
	{ "number-out-of-range", "[scan]\nmax_archive_depth = 0\n",
	  "2: [scan] max_archive_depth: \"0\" is out of range (1 to 64)" },
	{ "bad-enum", "[policy]\nblock_action = bounce\n",
	  "2: [policy] block_action: \"bounce\" is not one of: reject, discard, quarantine, "
	  "tempfail" },
	{ "replaced-key", "[av]\non_infected = reject\n",
	  "2: [av] on_infected: replaced by [policy] block, block_action and infected_action" },
	{ "renamed-key", "[av]\n\nmax_recursion = 5\n",
	  "3: [av] max_recursion: renamed [scan] max_archive_depth" },
	{ "bad-status-list", "[policy]\nblock = infected, nasty\n",
	  "2: [policy] block: \"infected, nasty\" has \"nasty\", not one of: infected, "
	  "unscannable, encrypted, corrupted, suspicious, filtered, spam, probable" },
	{ "bad-override", "[scan]\nsignature_overrides = Heuristics.*=ignore\n",
	  "2: [scan] signature_overrides: \"Heuristics.*=ignore\" has \"Heuristics.*=ignore\", "
	  "not GLOB=STATUS (STATUS: pass, suspicious, corrupted, encrypted, unscannable, "
	  "infected)" },
	{ "bad-bool", "[filter]\nexecutables = maybe\n",
	  "2: [filter] executables: \"maybe\" is not yes or no" },
	{ "missing-template", "[policy]\nplaceholder_template = /nonexistent/notice.txt\n",
	  "2: [policy] placeholder_template: \"/nonexistent/notice.txt\" Failed to open file "
	  "\u201c/nonexistent/notice.txt\u201d: No such file or directory" },
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
	g_assert_cmpint(conf->policy.block_action, ==, PC_BLOCK_QUARANTINE);
	g_assert_cmpint(conf->policy.on_error, ==, PC_ON_ERROR_ACCEPT);
	g_assert_cmpuint(conf->policy.block, ==,
			 (1u << PC_STATUS_INFECTED) | (1u << PC_STATUS_FILTERED));
	g_assert_cmpstr(conf->policy.signature_overrides[1], ==, "PUA.*=infected");
	g_assert_false(conf->policy.filter.executables);
	/* List items are trimmed and empty ones dropped. */
	g_assert_cmpuint(g_strv_length(conf->policy.filter.name_exclude), ==, 2);
	g_assert_cmpstr(conf->policy.filter.name_exclude[0], ==, "*.EXE");
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
	g_assert_cmpint(conf->policy.block_action, ==, PC_BLOCK_REJECT);
	g_assert_cmpuint(conf->policy.block, ==,
			 (1u << PC_STATUS_INFECTED) | (1u << PC_STATUS_UNSCANNABLE));
	g_assert_cmpint(conf->policy.object_action[PC_STATUS_FILTERED], ==, PC_OBJ_PLACEHOLDER);
	g_assert_cmpint(conf->policy.on_error, ==, PC_ON_ERROR_TEMPFAIL);
	g_assert_cmpint(conf->policy.scan_mode, ==, PC_SCAN_AUTO);
	g_assert_true(conf->policy.av && conf->policy.filter.executables);
	g_assert_nonnull(conf->policy.filter.name_include);
	g_assert_null(conf->policy.placeholder_template);
	g_assert_cmpint(conf->oversize_action, ==, PCM_OVERSIZE_ACCEPT);
	g_assert_cmpuint(conf->db_check_interval, ==, 60);
}

static void
test_conf_overrides(void)
{
	const char *const good[] = { "policy.block_action=discard", "milter.socket = inet:1@h",
				     NULL };
	const char *const bad[] = { "av.nope=1", NULL };
	const char *const malformed[] = { "block_action=discard", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, good, &error);

	g_assert_no_error(error);
	g_assert_cmpint(conf->policy.block_action, ==, PC_BLOCK_DISCARD);
	g_assert_cmpstr(conf->socket, ==, "inet:1@h");
	g_assert_null(pcm_conf_load_with(NULL, bad, &error));
	g_assert_cmpstr(error->message, ==, "[av] nope: unknown key");
	g_clear_error(&error);
	g_assert_null(pcm_conf_load_with(NULL, malformed, &error));
	g_assert_nonnull(strstr(error->message, "expected group.key=value"));
}

/* A template with an unknown variable fails with its own file and line. */
static void
test_conf_bad_template(void)
{
	g_autofree char *path = NULL;
	g_autofree char *setting = NULL;
	g_autoptr(GError) error = NULL;
	int fd = g_file_open_tmp("notice-XXXXXX.txt", &path, NULL);

	close(fd);
	g_assert_true(g_file_set_contents(path, "Removed: {filename}\nWhy: {reasn}\n", -1, NULL));
	setting = g_strconcat("policy.placeholder_template=", path, NULL);
	g_assert_null(pcm_conf_load_with(NULL, (const char *const[]){ setting, NULL }, &error));
	g_assert_nonnull(strstr(error->message, path));
	g_assert_nonnull(strstr(error->message, ":2: line 2: unknown variable"));
	g_clear_error(&error);
	g_assert_true(g_file_set_contents(path, "Removed: {filename} {{x}\n", -1, NULL));
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, (const char *const[]){ setting, NULL },
						       &error);
	g_assert_no_error(error);
	g_assert_cmpstr(conf->policy.placeholder_template, ==, "Removed: {filename} {{x}\n");
	g_unlink(path);
}

/* A message is scanned whole too: its size limit may not pass the scan limits. */
static void
test_conf_limits(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_null(pcm_conf_load_with(NULL, (const char *const[]){
		"message.max_message_size=200M", NULL }, &error));
	g_assert_cmpstr(error->message, ==, "[av] max_file_size (100M) is below [message] "
			"max_message_size (200M): every message is also scanned whole, as one file; "
			"raise max_file_size or lower max_message_size");
	g_clear_error(&error);
	g_autoptr(PcmConfig) conf = pcm_conf_load_with(NULL, (const char *const[]){
		"message.max_message_size=200M", "av.max_file_size=200M", NULL }, &error);
	g_assert_no_error(error);
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
	g_test_add_func("/conf/bad-template", test_conf_bad_template);
	g_test_add_func("/conf/limits", test_conf_limits);
	return g_test_run();
}
