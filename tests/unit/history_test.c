/*
 * NAME
 *	history_test.c - the message trace store (history/trace.h)
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "trace.h"

static PchEntry *
entry(gint64 time, const char *qid, const char *sender, const char *rcpt, const char *status,
      const char *action)
{
	PchEntry *e = g_new0(PchEntry, 1);

	e->time = time;
	e->queue_id = g_strdup(qid);
	e->client = g_strdup("mx.example[192.0.2.1]");
	e->sender = g_strdup(sender);
	e->recipients = g_strsplit(rcpt, ",", -1);
	e->status = g_strdup(status);
	e->action = g_strdup(action);
	e->reply = g_strdup(strcmp(action, "reject") == 0 ? "550 5.7.1 virus found" : "");
	e->detail = g_strdup("size=100 time=1.0ms");
	return e;
}

static gboolean
collect(const PchEntry *e, gpointer data)
{
	g_ptr_array_add(data, g_strdup(e->queue_id));
	return TRUE;
}

/* The queue ids found, newest first, joined by spaces. */
static char *
found(PchStore *store, const PchFilter *filter)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GError) error = NULL;

	g_assert_true(pch_search(store, filter, collect, ids, &error));
	g_assert_no_error(error);
	g_ptr_array_add(ids, NULL);
	return g_strjoinv(" ", (char **)ids->pdata);
}

static PchStore *
fill(char **dir)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	PchEntry *e[] = {
		entry(now - 40 * 86400, "OLD", "a@old.example", "x@here.example", "clean", "accept"),
		entry(now - 60, "Q1", "alice@example.org", "bob@here.example", "clean", "accept"),
		entry(now - 30, "Q2", "mallory@evil.example", "bob@here.example,carol@here.example",
		      "infected", "reject"),
		entry(now, "Q3", "100%_sure@odd.example", "carol@here.example", "spam", "accept"),
	};
	g_autoptr(GError) error = NULL;
	PchStore *store;

	*dir = g_dir_make_tmp("history-XXXXXX", NULL);
	store = pch_open(*dir, &error);
	g_assert_no_error(error);
	g_assert_true(pch_add(store, e, G_N_ELEMENTS(e), &error));
	g_assert_cmpint(e[3]->id, >, e[0]->id);
	for (guint i = 0; i < G_N_ELEMENTS(e); i++)
		pch_entry_free(e[i]);
	return store;
}

static void
cleanup(char *dir)
{
	g_autofree char *db = g_build_filename(dir, "history.sqlite", NULL);
	g_autofree char *wal = g_strconcat(db, "-wal", NULL);
	g_autofree char *shm = g_strconcat(db, "-shm", NULL);

	g_unlink(db);
	g_unlink(wal);
	g_unlink(shm);
	g_rmdir(dir);
	g_free(dir);
}

static void
test_search(void)
{
	char *dir;
	g_autoptr(PchStore) store = fill(&dir);
	struct {
		PchFilter filter;
		const char *want;
	} cases[] = {
		{ { 0 }, "Q3 Q2 Q1 OLD" },
		{ { .sender = "EXAMPLE.ORG" }, "Q1" },
		{ { .recipient = "carol@" }, "Q3 Q2" },
		{ { .status = "infected" }, "Q2" },
		{ { .action = "accept", .limit = 2 }, "Q3 Q1" },
		{ { .action = "accept", .limit = 2, .offset = 2 }, "OLD" },
		{ { .queue_id = "q2" }, "Q2" },
		{ { .client = "192.0.2.1" }, "Q3 Q2 Q1 OLD" },
		/* LIKE's own characters are taken literally */
		{ { .sender = "100%_" }, "Q3" },
		{ { .sender = "%" }, "Q3" },
		{ { .sender = "_" }, "Q3" },
		{ { .since = g_get_real_time() / G_USEC_PER_SEC - 45 }, "Q3 Q2" },
		{ { .before = g_get_real_time() / G_USEC_PER_SEC - 45 }, "Q1 OLD" },
		/* a domain administrator's records: an address there or below */
		{ { .domains = (const char *const[]){ "HERE.example", NULL } }, "Q3 Q2 Q1 OLD" },
		{ { .domains = (const char *const[]){ "org", NULL } }, "Q1" },
		{ { .domains = (const char *const[]){ "evil.example", "odd.example", NULL } },
		  "Q3 Q2" },
		{ { .domains = (const char *const[]){ "vil.example", NULL } }, "" },
		{ { .domains = (const char *const[]){ "here.example", NULL }, .status = "spam",
		    .limit = 1 }, "Q3" },
		{ { .domains = (const char *const[]){ "old.example", NULL }, .limit = 1 }, "OLD" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = found(store, &cases[i].filter);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
	pch_close(g_steal_pointer(&store));
	cleanup(dir);
}

static void
test_get(void)
{
	char *dir;
	g_autoptr(PchStore) store = fill(&dir);
	g_autoptr(GError) error = NULL;
	g_autoptr(PchEntry) e = pch_get(store, 3, &error);

	g_assert_no_error(error);
	g_assert_nonnull(e);
	g_assert_cmpstr(e->queue_id, ==, "Q2");
	g_assert_cmpstr(e->reply, ==, "550 5.7.1 virus found");
	g_assert_cmpuint(g_strv_length(e->recipients), ==, 2);
	g_assert_cmpstr(e->recipients[1], ==, "carol@here.example");
	g_assert_null(pch_get(store, 99, &error));
	g_assert_no_error(error);
	pch_close(g_steal_pointer(&store));
	cleanup(dir);
}

static void
test_purge(void)
{
	char *dir;
	g_autoptr(PchStore) store = fill(&dir);
	g_autoptr(GError) error = NULL;
	g_autofree char *left = NULL;
	g_autofree char *carol = NULL;
	guint removed = 0;

	g_assert_true(pch_purge(store, 0, 30, &removed, &error));
	g_assert_cmpuint(removed, ==, 1);
	g_assert_true(pch_purge(store, 2, 0, &removed, &error));
	g_assert_cmpuint(removed, ==, 1);
	left = found(store, &(PchFilter){ 0 });
	g_assert_cmpstr(left, ==, "Q3 Q2");
	/* the purged rows' recipients went with them */
	carol = found(store, &(PchFilter){ .recipient = "bob@" });
	g_assert_cmpstr(carol, ==, "Q2");
	pch_close(g_steal_pointer(&store));
	cleanup(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/history/search", test_search);
	g_test_add_func("/history/get", test_get);
	g_test_add_func("/history/purge", test_purge);
	return g_test_run();
}
