/*
 * Unit tests for notify/: template checks with file:line, rendering
 * (variables, the objects block, encoded subject, no header injection),
 * the built-in set, and the queue file format.  The loop mark is bound to
 * each notification's Message-ID, which (like queue names) is not made
 * by g_random.
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gmime/gmime.h>

#include "notify.h"
#include "queue.h"

static char *
make_set(const char *admin)
{
	char *dir = g_dir_make_tmp("notify-test-XXXXXX", NULL);
	g_autofree char *lang = g_build_filename(dir, "xx", NULL);
	const char *plain = "Subject: s {subject}\n\nbody {sender}\n";

	g_mkdir(lang, 0700);
	for (guint i = 0; i < 3; i++) {
		const char *names[] = { "admin.txt", "recipient.txt", "sender.txt" };
		g_autofree char *path = g_build_filename(lang, names[i], NULL);

		g_file_set_contents(path, i == 0 ? admin : plain, -1, NULL);
	}
	return dir;
}

static void
remove_set(const char *dir)
{
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

	g_assert_cmpint(system(cmd), ==, 0);
}

typedef struct {
	const char *name;
	const char *admin;
	const char *error;	/* after "DIR/xx/admin.txt:" */
} TemplateError;

static const TemplateError template_errors[] = {
	{ "unknown-variable", "Subject: x\n\nline two\n{sendr}\n", "4: unknown variable" },
	{ "object-variable-outside", "Subject: x\n\n{signature}\n", "3: unknown variable" },
	{ "unclosed-block", "Subject: x\n\n{#objects}\n{name}\n", "3: {#objects} and {/objects}" },
	{ "stray-close", "Subject: x\n\n\n{/objects}\n", "4: {#objects} and {/objects}" },
	{ "unknown-in-block", "Subject: x\n\n{#objects}\n{name}\n{nam}\n{/objects}\n",
	  "5: unknown variable" },
	{ "no-subject", "From: x\n\nbody\n", "1: no \"Subject:\" line" },
	{ "unclosed-brace", "Subject: {subject\n\n", "1: unknown variable or unclosed" },
};

static void
test_template_error(gconstpointer data)
{
	const TemplateError *c = data;
	g_autofree char *dir = make_set(c->admin);
	g_autofree char *expect = g_strdup_printf("%s/xx/admin.txt:%s", dir, c->error);
	g_autoptr(GError) error = NULL;
	PcnTemplates *t = pcn_templates_load(dir, &error);

	g_assert_null(t);
	if (!g_str_has_prefix(error->message, expect))
		g_error("got \"%s\", expected a start of \"%s\"", error->message, expect);
	remove_set(dir);
}

static const char admin_template[] =
	"Subject: {status}: {subject}\n"
	"\n"
	"From <{sender}> to {recipients}, client {client}, group {group}.\n"
	"{#objects}\n"
	"* {path} {name} {type} {size} {status} {signature} (message {queue_id})\n"
	"{/objects}\n"
	"End {quarantine_id}.\n";

static const PcnObject objects[] = {
	{ "clam.exe", "2", "application/x-dosexec", 544, "infected", "Clam.Test" },
	{ "a.zip", "3", "application/zip", 2048, "encrypted", "" },
};

static GBytes *
loop_key(void)
{
	static GBytes *key;

	if (key == NULL)
		key = g_bytes_new_static("a secret of this daemon, 32 bytes", 32);
	return key;
}

static PcnContext
context(const char *subject)
{
	static const char *const rcpts[] = { "ann@x.test", "bob@x.test", NULL };

	return (PcnContext){ "eve@evil.test", rcpts, subject, "QID1", "192.0.2.9", "sales",
			     "infected", "reject", "virus Clam.Test found", "Q-1", "mx.test",
			     1795359219, objects, 2, loop_key() };
}

/* The value of header name in a rendered message (CRLF lines). */
static char *
header(const char *msg, const char *name)
{
	g_autofree char *start = g_strdup_printf("\r\n%s: ", name);
	const char *p = strstr(msg, start);
	const char *end;

	g_assert_nonnull(p);
	p += strlen(start);
	end = strstr(p, "\r\n");
	return g_strndup(p, end - p);
}

static void
test_render(void)
{
	g_autofree char *dir = make_set(admin_template);
	PcnTemplates *t = pcn_templates_load(dir, NULL);
	PcnContext c = context("Invoice");
	g_autofree char *msg = pcn_render(t, "xx", PCN_ADMIN, &c, "pm@mx.test", "admin@x.test",
					  NULL);
	const char *body = strstr(msg, "\r\n\r\n");

	g_assert_nonnull(t);
	g_assert_nonnull(strstr(msg, "From: pm@mx.test\r\nTo: admin@x.test\r\n"
				"Subject: infected: Invoice\r\n"));
	g_assert_nonnull(strstr(msg, "\r\nAuto-Submitted: auto-generated\r\n"));
	g_assert_nonnull(strstr(msg, "\r\nX-Portcullis-Notification: "));
	g_assert_nonnull(strstr(msg, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
	g_assert_cmpstr(body, ==, "\r\n\r\n"
			"From <eve@evil.test> to ann@x.test, bob@x.test, client 192.0.2.9, "
			"group sales.\r\n"
			"* 2 clam.exe application/x-dosexec 544 bytes infected Clam.Test "
			"(message QID1)\r\n"
			"* 3 a.zip application/zip 2.0 KiB encrypted  (message QID1)\r\n"
			"End Q-1.\r\n");
	pcn_templates_free(t);
	remove_set(dir);
}

/* A subject with a line break cannot add a header; UTF-8 is encoded. */
static void
test_render_header_safety(void)
{
	g_autofree char *dir = make_set(admin_template);
	PcnTemplates *t = pcn_templates_load(dir, NULL);
	PcnContext evil = context("hi\r\nBcc: victim@x.test");
	PcnContext utf8 = context("Rechnung f\xc3\xbcr M\xc3\xa4rz");
	g_autofree char *a = pcn_render(t, "xx", PCN_ADMIN, &evil, "pm@mx", "ad@x", NULL);
	g_autofree char *b = pcn_render(t, "xx", PCN_ADMIN, &utf8, "pm@mx", "ad@x", NULL);

	g_assert_null(strstr(a, "\r\nBcc:"));
	g_assert_nonnull(strstr(a, "Subject: infected: hi  Bcc: victim@x.test\r\n"));
	g_assert_nonnull(strstr(b, "Subject: infected: Rechnung =?UTF-8?"));
	g_assert_null(strstr(b, "\xc3\xbc"));
	pcn_templates_free(t);
	remove_set(dir);
}

/* The mark matches its own notification only: copied into a message with
 * another Message-ID, or made with another secret, it does not. */
static void
test_loop_mark(void)
{
	g_autofree char *dir = make_set(admin_template);
	PcnTemplates *t = pcn_templates_load(dir, NULL);
	PcnContext c = context("Invoice");
	g_autofree char *a = pcn_render(t, "xx", PCN_ADMIN, &c, "pm@mx", "ad@x", NULL);
	g_autofree char *b = pcn_render(t, "xx", PCN_ADMIN, &c, "pm@mx", "ad@x", NULL);
	g_autofree char *mark_a = header(a, "X-Portcullis-Notification");
	g_autofree char *mark_b = header(b, "X-Portcullis-Notification");
	g_autofree char *id_a = header(a, "Message-ID");
	g_autofree char *id_b = header(b, "Message-ID");
	g_autoptr(GBytes) other = g_bytes_new_static("another daemon's secret, 32 bytes", 32);

	g_assert_cmpuint(strlen(mark_a), ==, 64);
	g_assert_true(pcn_loop_verify(loop_key(), mark_a, id_a));
	g_assert_true(pcn_loop_verify(loop_key(), mark_b, id_b));
	g_assert_cmpstr(mark_a, !=, mark_b);
	g_assert_false(pcn_loop_verify(loop_key(), mark_a, id_b));
	g_assert_false(pcn_loop_verify(loop_key(), mark_a, "<x@evil.test>"));
	g_assert_false(pcn_loop_verify(loop_key(), mark_a, NULL));
	g_assert_false(pcn_loop_verify(other, mark_a, id_a));
	g_assert_false(pcn_loop_verify(NULL, mark_a, id_a));
	pcn_templates_free(t);
	remove_set(dir);
}

/* Message-IDs and queue names are seen outside: g_random seeded alike
 * must not make them alike. */
static void
test_ids_random(void)
{
	g_autofree char *dir = make_set(admin_template);
	g_autofree char *queue = g_build_filename(dir, "queue", NULL);
	PcnTemplates *t = pcn_templates_load(dir, NULL);
	PcnContext c = context("Invoice");
	const char *const rcpts[] = { "a@x.test", NULL };
	g_autofree char *a = NULL;
	g_autofree char *b = NULL;
	g_autofree char *id_a = NULL;
	g_autofree char *id_b = NULL;
	g_autoptr(GDir) d = NULL;
	const char *name;
	g_autofree char *first = NULL;

	g_random_set_seed(7);
	a = pcn_render(t, "xx", PCN_ADMIN, &c, "pm@mx", "ad@x", NULL);
	g_random_set_seed(7);
	b = pcn_render(t, "xx", PCN_ADMIN, &c, "pm@mx", "ad@x", NULL);
	id_a = header(a, "Message-ID");
	id_b = header(b, "Message-ID");
	g_assert_cmpstr(id_a, !=, id_b);
	g_random_set_seed(7);
	g_assert_true(pcn_queue_put(queue, rcpts, a, NULL));
	g_random_set_seed(7);
	g_assert_true(pcn_queue_put(queue, rcpts, b, NULL));
	d = g_dir_open(queue, 0, NULL);
	name = g_dir_read_name(d);
	first = g_strdup(strchr(name, '-'));
	name = g_dir_read_name(d);
	g_assert_nonnull(name);
	g_assert_cmpstr(first, !=, strchr(name, '-'));
	pcn_templates_free(t);
	remove_set(dir);
}

/* {subject} is the decoded text (RFC 2047), without control characters,
 * in the body as in the header. */
static void
test_subject_decoded(void)
{
	g_autofree char *dir = make_set("Subject: about {subject}\n\nSubject was: {subject}.\n");
	PcnTemplates *t = pcn_templates_load(dir, NULL);
	PcnContext enc = context("=?utf-8?q?Hello_World?=");
	PcnContext ctl = context("a\x1b[31mred\x07\x7f");
	g_autofree char *a = pcn_render(t, "xx", PCN_ADMIN, &enc, "pm@mx", "ad@x", NULL);
	g_autofree char *b = pcn_render(t, "xx", PCN_ADMIN, &ctl, "pm@mx", "ad@x", NULL);

	g_assert_nonnull(strstr(a, "\r\nSubject: about Hello World\r\n"));
	g_assert_nonnull(strstr(a, "\r\n\r\nSubject was: Hello World.\r\n"));
	g_assert_null(strchr(b, '\x1b'));
	g_assert_null(strchr(b, '\x07'));
	g_assert_null(strchr(b, '\x7f'));
	g_assert_nonnull(strstr(b, "Subject was: a [31mred  .\r\n"));
	pcn_templates_free(t);
	remove_set(dir);
}

static void
test_builtin(void)
{
	PcnTemplates *t = pcn_templates_load(NULL, NULL);
	PcnContext c = context("Hello");
	g_autoptr(GError) error = NULL;

	g_assert_true(pcn_templates_has_language(t, "en"));
	g_assert_false(pcn_templates_has_language(t, "de"));
	for (PcnParty p = 0; p < PCN_PARTY_COUNT; p++) {
		g_autofree char *msg = pcn_render(t, "en", p, &c, "pm@mx", "x@y", NULL);

		g_assert_nonnull(msg);
		g_assert_null(strchr(msg, '{'));
		g_assert_nonnull(strstr(msg, "clam.exe"));
	}
	g_assert_null(pcn_render(t, "de", PCN_ADMIN, &c, "pm@mx", "x@y", &error));
	pcn_templates_free(t);
}

/* The shipped files pass the same check the daemon makes. */
static void
test_shipped_dir(void)
{
	g_autofree char *dir = g_build_filename(g_getenv("top_srcdir"), "conf/templates", NULL);
	g_autoptr(GError) error = NULL;
	PcnTemplates *t = pcn_templates_load(dir, &error);

	g_assert_no_error(error);
	g_assert_true(pcn_templates_has_language(t, "en"));
	pcn_templates_free(t);
}

static void
test_queue_file(void)
{
	g_autofree char *dir = g_dir_make_tmp("notify-queue-XXXXXX", NULL);
	const char *const rcpts[] = { "a@x.test", "b@x.test", NULL };
	g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GBytes) message = NULL;
	g_autoptr(GDir) d = NULL;
	g_autofree char *path = NULL;
	g_autofree char *renamed = NULL;
	const char *name;

	g_assert_true(pcn_queue_put(dir, rcpts, "Subject: x\r\n\r\n.dot\r\n", NULL));
	d = g_dir_open(dir, 0, NULL);
	name = g_dir_read_name(d);
	g_assert_nonnull(name);
	g_assert_cmpuint(pcn_queue_attempts(name), ==, 0);
	renamed = pcn_queue_renamed(name, 3);
	g_assert_cmpuint(pcn_queue_attempts(renamed), ==, 3);
	path = g_build_filename(dir, name, NULL);
	g_assert_true(pcn_queue_read(path, got, &message, NULL));
	g_assert_cmpuint(got->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(got, 1), ==, "b@x.test");
	g_assert_cmpmem(g_bytes_get_data(message, NULL), g_bytes_get_size(message),
			"Subject: x\r\n\r\n.dot\r\n", 20);
	g_unlink(path);
	g_rmdir(dir);
}

static void
count_log(int priority, const char *message)
{
	(void)priority;
	(void)message;
}

/* Nothing listens on the relay: attempts are counted in the file name,
 * and after max_attempts the file is kept in failed/, not lost. */
static void
test_worker_gives_up(void)
{
	g_autofree char *dir = g_dir_make_tmp("notify-worker-XXXXXX", NULL);
	g_autofree char *failed = g_build_filename(dir, "failed", NULL);
	const char *const rcpts[] = { "a@x.test", NULL };
	PcnSenderConfig config = { dir, "/bin/false", "127.0.0.1:1", 1, 2 };
	PcnWorker *worker;
	guint waited = 0;
	g_autoptr(GDir) d = NULL;
	const char *name = NULL;

	g_assert_true(pcn_queue_put(dir, rcpts, "Subject: x\r\n\r\nx\r\n", NULL));
	worker = pcn_worker_start(&config, count_log);
	while (!g_file_test(failed, G_FILE_TEST_IS_DIR) && waited++ < 100)
		g_usleep(100000);
	pcn_worker_stop(worker);
	d = g_dir_open(failed, 0, NULL);
	g_assert_nonnull(d);
	name = g_dir_read_name(d);
	g_assert_nonnull(name);
	g_assert_cmpuint(pcn_queue_attempts(name), ==, 2);
	remove_set(dir);
}

/* The sendmail transport gets -i, the null sender and the recipients, and
 * the message on its standard input; the queue file goes once sent. */
static void
test_worker_sendmail(void)
{
	g_autofree char *dir = g_dir_make_tmp("notify-sendmail-XXXXXX", NULL);
	g_autofree char *script = g_build_filename(dir, "sendmail", NULL);
	g_autofree char *args = g_build_filename(dir, "args", NULL);
	g_autofree char *input = g_build_filename(dir, "input", NULL);
	g_autofree char *queue = g_build_filename(dir, "queue", NULL);
	g_autofree char *text = g_strdup_printf("#!/bin/sh\necho \"$@\" > '%s'\ncat > '%s'\n", args,
						input);
	const char *const rcpts[] = { "a@x.test", "b@x.test", NULL };
	PcnSenderConfig config = { queue, script, "", 60, 3 };
	g_autofree char *got_args = NULL;
	g_autofree char *got_input = NULL;
	PcnWorker *worker;
	guint waited = 0;

	g_file_set_contents(script, text, -1, NULL);
	g_chmod(script, 0755);
	g_assert_true(pcn_queue_put(queue, rcpts, "Subject: y\r\n\r\n.line\r\n", NULL));
	worker = pcn_worker_start(&config, count_log);
	while (!g_file_test(input, G_FILE_TEST_EXISTS) && waited++ < 100)
		g_usleep(100000);
	g_usleep(200000);
	pcn_worker_stop(worker);
	g_assert_true(g_file_get_contents(args, &got_args, NULL, NULL));
	g_assert_true(g_file_get_contents(input, &got_input, NULL, NULL));
	g_assert_cmpstr(got_args, ==, "-i -f <> -- a@x.test b@x.test\n");
	g_assert_cmpstr(got_input, ==, "Subject: y\r\n\r\n.line\r\n");
	{
		g_autoptr(GDir) d = g_dir_open(queue, 0, NULL);

		g_assert_null(g_dir_read_name(d));
	}
	remove_set(dir);
}

static guint
open_fds(void)
{
	g_autoptr(GDir) d = g_dir_open("/proc/self/fd", 0, NULL);
	guint n = 0;

	while (d != NULL && g_dir_read_name(d) != NULL)
		n++;
	return n;
}

/* GLib's worker thread drops its last hold on a child (and what it
 * owns) a moment after pcn_sendmail() returns: waits up to 5 s for the
 * count to come down to want. */
static guint
open_fds_settled(guint want)
{
	gint64 end = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
	guint n;

	while ((n = open_fds()) > want && g_get_monotonic_time() < end)
		g_usleep(10000);
	return n;
}

/* A sendmail that exits without reading its input (a failing MTA; in the
 * soak, /bin/true) breaks the pipe: the attempt fails with its status, and
 * costs no descriptor.  g_subprocess_communicate() left a main context (an
 * eventfd) behind on that path now and then (a race with the child's
 * exit: a few in a hundred), for good. */
static void
test_sendmail_broken_pipe(void)
{
	const char *const rcpts[] = { "a@x.test", NULL };
	/* More than a pipe holds: the write meets the closed end every time. */
	gsize size = 1024 * 1024;
	g_autoptr(GBytes) message = g_bytes_new_take(g_malloc0(size), size);
	guint before;

	g_assert_true(g_file_test("/proc/self/fd", G_FILE_TEST_IS_DIR));
	/* The first child starts GLib's worker thread, which keeps its own;
	 * the default main context (one more) comes with a wait that finds the
	 * child still running, sooner or later. */
	g_assert_false(pcn_sendmail("/bin/false", "", rcpts, message, NULL));
	g_main_context_default();
	before = open_fds();
	for (guint i = 0; i < 300; i++) {
		g_autoptr(GError) error = NULL;

		g_assert_false(pcn_sendmail("/bin/false", "", rcpts, message, &error));
		g_assert_nonnull(error);
	}
	g_assert_cmpuint(open_fds_settled(before), <=, before);
}

/* An address with a line break would add a "to" line (a recipient of the
 * attacker's choice) and, through a relay, an SMTP command: refused. */
static void
test_queue_refuses_addresses(void)
{
	g_autofree char *dir = g_dir_make_tmp("notify-queue-XXXXXX", NULL);
	const char *const injected[] = { "a@x.test\nto victim@y.test", NULL };
	const char *const bracket[] = { "a@x.test>\r\nRCPT TO:<victim@y.test", NULL };
	const char *const empty[] = { "", NULL };
	g_autoptr(GError) error = NULL;
	g_autoptr(GDir) d = NULL;

	g_assert_false(pcn_queue_put(dir, injected, "Subject: x\r\n\r\nx\r\n", &error));
	g_assert_nonnull(strstr(error->message, "refusing recipient 1"));
	g_assert_false(pcn_queue_put(dir, bracket, "Subject: x\r\n\r\nx\r\n", NULL));
	g_assert_false(pcn_queue_put(dir, empty, "Subject: x\r\n\r\nx\r\n", NULL));
	d = g_dir_open(dir, 0, NULL);
	g_assert_null(g_dir_read_name(d));
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_mime_init();
	for (guint i = 0; i < G_N_ELEMENTS(template_errors); i++) {
		g_autofree char *path = g_strdup_printf("/notify/template-error/%s",
							template_errors[i].name);

		g_test_add_data_func(path, &template_errors[i], test_template_error);
	}
	g_test_add_func("/notify/render", test_render);
	g_test_add_func("/notify/render-header-safety", test_render_header_safety);
	g_test_add_func("/notify/loop-mark", test_loop_mark);
	g_test_add_func("/notify/ids-random", test_ids_random);
	g_test_add_func("/notify/subject-decoded", test_subject_decoded);
	g_test_add_func("/notify/builtin", test_builtin);
	g_test_add_func("/notify/shipped-dir", test_shipped_dir);
	g_test_add_func("/notify/queue-file", test_queue_file);
	g_test_add_func("/notify/queue-refuses-addresses", test_queue_refuses_addresses);
	g_test_add_func("/notify/worker-gives-up", test_worker_gives_up);
	g_test_add_func("/notify/worker-sendmail", test_worker_sendmail);
	g_test_add_func("/notify/sendmail-broken-pipe", test_sendmail_broken_pipe);
	return g_test_run();
}
