/*
 * Unit tests for engine/verdict.c and a real engine scan: the verdict
 * status is the most severe finding; objects and findings are found by
 * path as a scan of the lists would; the engine with the test signatures
 * finds EICAR in memory and in an fd, and refuses an empty database.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <portcullis/engine.h>

#define EICAR "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

static void
test_verdict_severity(void)
{
	g_autoptr(PcVerdict) v = pc_verdict_new();
	g_autofree char *clean = pc_verdict_describe(v);
	g_autofree char *err = NULL;
	g_autofree char *inf = NULL;

	g_assert_cmpstr(clean, ==, "clean");
	pc_verdict_add(v, "size", PC_STATUS_UNSCANNED, NULL, NULL, "size");
	g_assert_cmpint(v->status, ==, PC_STATUS_UNSCANNED);
	pc_verdict_add(v, "av", PC_STATUS_ERROR, NULL, NULL, "limit:MaxFileSize");
	err = pc_verdict_describe(v);
	g_assert_cmpstr(err, ==, "error(limit:MaxFileSize)");
	pc_verdict_add(v, "av", PC_STATUS_INFECTED, "1.2", "Bad.Thing", NULL);
	pc_verdict_add(v, "av", PC_STATUS_CLEAN, NULL, NULL, NULL);
	inf = pc_verdict_describe(v);
	g_assert_cmpstr(inf, ==, "infected(Bad.Thing)");
	g_assert_cmpstr(pc_verdict_first_name(v, PC_STATUS_INFECTED), ==, "Bad.Thing");
	g_assert_cmpuint(v->findings->len, ==, 4);
}

/* The by-path index answers as a scan of the lists would: findings in
 * the order added, objects appended before or after it was first used
 * (the MIME walk and tests fill objects directly), the first object of a
 * path when two share it. */
/* --scan's JSON goes to a terminal: a name's ESC, DEL and C1 CSI are
 * escaped, never written raw. */
static void
test_verdict_json_controls(void)
{
	g_autoptr(PcVerdict) v = pc_verdict_new();
	PcObject *o = pc_object_new("1");
	g_autofree char *json = NULL;

	o->declared_type = g_strdup("text/plain");
	g_ptr_array_add(o->names, g_strdup("a\x1b]0;t\x07\x7f\xc2\x9b" "2J\"\\.exe"));
	g_ptr_array_add(v->objects, o);
	json = pc_verdict_to_json(v, "f");
	g_assert_nonnull(strstr(json, "\"a\\u001b]0;t\\u0007\\u007f\\u009b2J\\\"\\\\.exe\""));
	g_assert_null(strchr(json, '\x1b'));
	g_assert_null(strstr(json, "\xc2\x9b"));
}

static void
test_verdict_index(void)
{
	g_autoptr(PcVerdict) v = pc_verdict_new();
	PcObject *first = pc_object_new("2"), *twin = pc_object_new("2");
	PcFinding *const *about;
	guint n;

	g_ptr_array_add(v->objects, pc_object_new("1"));
	pc_verdict_add(v, "av", PC_STATUS_INFECTED, "1", "A", NULL);
	pc_verdict_add(v, "filter", PC_STATUS_FILTERED, "2", "B", NULL);
	pc_verdict_add(v, "mime", PC_STATUS_UNSCANNABLE, NULL, NULL, "limit:mime-parts");
	pc_verdict_add(v, "av", PC_STATUS_SUSPICIOUS, "1", "C", NULL);
	about = pc_verdict_findings_about(v, "1", &n);
	g_assert_cmpuint(n, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(about[0]->names, 0), ==, "A");
	g_assert_cmpstr(g_ptr_array_index(about[1]->names, 0), ==, "C");
	g_assert_cmpint(pc_verdict_object(v, "1")->status, ==, PC_STATUS_INFECTED);
	about = pc_verdict_findings_about(v, "message", &n);
	g_assert_cmpuint(n, ==, 1);
	g_assert_cmpstr(about[0]->detail, ==, "limit:mime-parts");
	g_assert_null(pc_verdict_findings_about(v, "3", &n));
	g_assert_cmpuint(n, ==, 0);
	/* objects appended after the index was built */
	g_assert_null(pc_verdict_object(v, "2"));
	g_ptr_array_add(v->objects, first);
	g_ptr_array_add(v->objects, twin);
	g_assert_true(pc_verdict_object(v, "2") == first);
	pc_verdict_add(v, "filter", PC_STATUS_FILTERED, "2", "D", NULL);
	g_assert_cmpint(first->status, ==, PC_STATUS_FILTERED);
	g_assert_cmpint(twin->status, ==, PC_STATUS_CLEAN);
	about = pc_verdict_findings_about(v, "2", &n);
	g_assert_cmpuint(n, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(about[1]->names, 0), ==, "D");
}

static PcEngine *
test_engine(const char *dir, GError **error)
{
	PcEngineOptions o = {
		.database_dir = dir, .max_scan_size = 10 << 20, .max_file_size = 10 << 20,
		.max_recursion = 10, .max_files = 100, .max_scan_time_ms = 10000,
	};

	return pc_engine_new(&o, error);
}

static void
test_engine_scan(void)
{
	g_autofree char *sigs = g_build_filename(g_getenv("top_srcdir"), "tests/data/sigs", NULL);
	g_autoptr(GError) error = NULL;
	PcEngine *engine = test_engine(sigs, &error);
	const char *text = "Subject: x\r\n\r\nbody " EICAR "\r\n";
	PcInput mem = { (const guint8 *)text, strlen(text), -1, NULL, NULL, NULL, 0 };
	PcInput clean = { (const guint8 *)"Subject: x\r\n\r\nhi\r\n", 18, -1, NULL, NULL, NULL, 0 };
	g_autofree char *path = NULL;
	int fd = g_file_open_tmp("engine-test-XXXXXX", &path, NULL);
	PcVerdict *v;

	g_assert_no_error(error);
	g_assert_cmpuint(pc_engine_info(engine)->signatures, ==, 2);
	v = pc_engine_scan(engine, &mem, NULL);
	g_assert_cmpint(v->status, ==, PC_STATUS_INFECTED);
	g_assert_cmpstr(pc_verdict_first_name(v, PC_STATUS_INFECTED), ==,
			"Eicar-Test-Signature.UNOFFICIAL");
	pc_verdict_free(v);
	v = pc_engine_scan(engine, &clean, NULL);
	g_assert_cmpint(v->status, ==, PC_STATUS_CLEAN);
	pc_verdict_free(v);

	g_assert_cmpint(write(fd, text, strlen(text)), ==, (int)strlen(text));
	v = pc_engine_scan(engine, &(PcInput){ NULL, strlen(text), fd, NULL, NULL, NULL, 0 }, NULL);
	g_assert_cmpint(v->status, ==, PC_STATUS_INFECTED);
	pc_verdict_free(v);
	close(fd);
	g_unlink(path);
	pc_engine_unref(engine);
}

static void
test_engine_no_database(void)
{
	g_autofree char *empty = g_dir_make_tmp("engine-empty-XXXXXX", NULL);
	g_autoptr(GError) error = NULL;

	g_assert_null(test_engine(empty, &error));
	g_assert_error(error, PC_ENGINE_ERROR, PC_ENGINE_ERROR_NO_DATABASE);
	g_assert_nonnull(strstr(error->message, "run freshclam"));
	g_clear_error(&error);
	g_assert_null(test_engine("/nonexistent/db", &error));
	g_assert_nonnull(strstr(error->message, "/nonexistent/db"));
	g_rmdir(empty);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_true(pc_engine_global_init(NULL, NULL));
	g_test_add_func("/verdict/severity", test_verdict_severity);
	g_test_add_func("/verdict/index", test_verdict_index);
	g_test_add_func("/verdict/json-controls", test_verdict_json_controls);
	g_test_add_func("/engine/scan", test_engine_scan);
	g_test_add_func("/engine/no-database", test_engine_no_database);
	return g_test_run();
}
