/*
 * NAME
 *	history_cmd.c - portcullisctl history: search the message trace
 * DESCRIPTION
 *	Reads [history] dir (history/trace.h) as its owner.  Every value a
 *	sender or client chose goes through pcc_text() (terminal) or
 *	pcc_json_string() (JSON) on its way out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "trace.h"

const char pcc_history_help[] =
	"    history [--sender TEXT] [--rcpt TEXT] [--queue-id TEXT] [--client TEXT]\n"
	"            [--status S] [--action A] [--since T] [--before T]\n"
	"            [--limit N] [--offset N] [--json]\n"
	"        The message trace ([history] dir), newest first: record number, time\n"
	"        (UTC), queue id, action, status, sender and recipients; then the\n"
	"        reply and reason of a message that was not accepted. Text options\n"
	"        match case-insensitively anywhere (--sender example.org); status\n"
	"        and action exactly; T as for quarantine list. 100 records unless\n"
	"        --limit says otherwise. --json prints a JSON array.\n"
	"    history show NUMBER\n"
	"        Everything recorded about one message, with its log line's text.\n";

typedef struct {
	gboolean json;
	guint count;
} PccHistoryList;

static int
pcc_history_fail(const GError *error)
{
	pcc_print_error(error->message);
	return PCC_ERROR;
}

static int
pcc_history_usage(const char *what)
{
	g_autofree char *shown = pcc_text(what);

	fprintf(stderr, "portcullisctl: history: %s (see portcullisctl --help)\n", shown);
	return PCC_USAGE;
}

static void
pcc_history_json(GString *out, const PchEntry *e)
{
	const char *keys[] = { "queue_id", "client", "sender", "group", "status", "action",
			       "reply", "reason", "quarantine_id", "spam_tests", "detail" };
	const char *values[] = { e->queue_id, e->client, e->sender, e->group, e->status,
				 e->action, e->reply, e->reason, e->quarantine_id, e->spam_tests,
				 e->detail };

	g_string_append_printf(out, "{\"id\":%" G_GINT64_FORMAT ",\"time\":%" G_GINT64_FORMAT
			       ",\"size\":%" G_GUINT64_FORMAT ",\"spam_score\":%.1f", e->id,
			       e->time, e->size, e->spam_score);
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		g_string_append_printf(out, ",\"%s\":", keys[i]);
		pcc_json_string(out, values[i]);
	}
	g_string_append(out, ",\"recipients\":[");
	for (guint i = 0; e->recipients[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		pcc_json_string(out, e->recipients[i]);
	}
	g_string_append(out, "]}");
}

static void
pcc_history_line(const PchEntry *e)
{
	g_autofree char *when = pcc_time(e->time);
	g_autofree char *joined = g_strjoinv(",", e->recipients);
	g_autofree char *qid = pcc_text(e->queue_id);
	g_autofree char *sender = pcc_text(e->sender);
	g_autofree char *rcpts = pcc_text(joined);

	printf("%-8" G_GINT64_FORMAT " %s  %-12s %-10s %-11s <%s> -> %s\n", e->id, when, qid,
	       e->action, e->status, sender, rcpts);
	if (*e->reply != '\0' || *e->reason != '\0') {
		g_autofree char *reply = pcc_text(e->reply);
		g_autofree char *reason = pcc_text(e->reason);

		printf("         %s%s%s\n", reply, *e->reply && *e->reason ? "; " : "", reason);
	}
}

static gboolean
pcc_history_one(const PchEntry *e, gpointer data)
{
	PccHistoryList *list = data;

	if (list->json) {
		g_autoptr(GString) out = g_string_new(list->count ? ",\n " : "[");

		pcc_history_json(out, e);
		fputs(out->str, stdout);
	} else {
		pcc_history_line(e);
	}
	list->count++;
	return TRUE;
}

/* One option and its value; FALSE when a is not one of them. */
static gboolean
pcc_history_option(const char *a, const char *v, gint64 now, PchFilter *f)
{
	const struct {
		const char *name;
		const char **field;
	} text[] = {
		{ "--sender", &f->sender }, { "--rcpt", &f->recipient }, { "--queue-id", &f->queue_id },
		{ "--client", &f->client }, { "--status", &f->status }, { "--action", &f->action },
	};

	for (guint i = 0; i < G_N_ELEMENTS(text); i++)
		if (strcmp(a, text[i].name) == 0) {
			*text[i].field = v;
			return TRUE;
		}
	if (strcmp(a, "--since") == 0)
		return pcc_parse_time(v, now, &f->since);
	if (strcmp(a, "--before") == 0)
		return pcc_parse_time(v, now, &f->before);
	if (strcmp(a, "--limit") == 0)
		return (f->limit = (guint)strtoul(v, NULL, 10)) > 0;
	if (strcmp(a, "--offset") == 0) {
		f->offset = (guint)strtoul(v, NULL, 10);
		return TRUE;
	}
	return FALSE;
}

static int
pcc_history_list(PchStore *store, int argc, char **argv)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	PchFilter filter = { 0 };
	PccHistoryList list = { 0 };
	g_autoptr(GError) error = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			list.json = TRUE;
		} else if (i + 1 >= argc || !pcc_history_option(argv[i], argv[i + 1], now, &filter)) {
			g_autofree char *what = g_strdup_printf("bad option or value: %s", argv[i]);

			return pcc_history_usage(what);
		} else {
			i++;
		}
	}
	if (!pch_search(store, &filter, pcc_history_one, &list, &error))
		return pcc_history_fail(error);
	if (list.json)
		puts(list.count ? "]" : "[]");
	return PCC_OK;
}

static int
pcc_history_show(PchStore *store, const char *number)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PchEntry) e = pch_get(store, g_ascii_strtoll(number, NULL, 10), &error);
	const char *labels[] = { "Queue id", "Client", "Sender", "Group", "Status", "Action",
				 "Reply", "Reason", "Quarantine", "Spam rules", "Log" };

	if (e == NULL && error != NULL)
		return pcc_history_fail(error);
	if (e == NULL) {
		fprintf(stderr, "portcullisctl: history: no record %s\n", number);
		return PCC_NOT_FOUND;
	}
	const char *values[] = { e->queue_id, e->client, e->sender, e->group, e->status, e->action,
				 e->reply, e->reason, e->quarantine_id, e->spam_tests, e->detail };
	g_autofree char *when = pcc_time(e->time);

	printf("Record:     %" G_GINT64_FORMAT "\nTime:       %s UTC\nSize:       %" G_GUINT64_FORMAT
	       "\nSpam score: %.1f\n", e->id, when, e->size, e->spam_score);
	for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
		g_autofree char *shown = pcc_text(values[i]);

		printf("%-11s %s\n", labels[i], shown);
	}
	puts("Recipients:");
	for (guint i = 0; e->recipients[i] != NULL; i++) {
		g_autofree char *shown = pcc_text(e->recipients[i]);

		printf("  %s\n", shown);
	}
	return PCC_OK;
}

int
pcc_history(const PcmConfig *conf, int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PchStore) store = NULL;

	if (*conf->history_dir == '\0') {
		fprintf(stderr, "portcullisctl: history: [history] dir is empty: no history is kept\n");
		return PCC_ERROR;
	}
	if (!pcc_become_owner("history dir", conf->history_dir, &error))
		return pcc_history_fail(error);
	store = pch_open(conf->history_dir, &error);
	if (store == NULL)
		return pcc_history_fail(error);
	if (argc >= 1 && strcmp(argv[0], "show") == 0)
		return argc == 2 ? pcc_history_show(store, argv[1])
				 : pcc_history_usage("show takes one record number");
	return pcc_history_list(store, argc, argv);
}
