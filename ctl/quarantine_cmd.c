/*
 * NAME
 *	quarantine_cmd.c - portcullisctl quarantine list|show|release|delete|purge|reindex
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "index.h"
#include "release_entry.h"
#include "store.h"

const char pcc_quarantine_help[] =
	"    quarantine list [--since T] [--before T] [--status S] [--rcpt ADDR]\n"
	"                    [--limit N] [--json] [--ids]\n"
	"        One line per entry, oldest first: id, time received (UTC), status,\n"
	"        action, size, sender and recipients; released entries say so and\n"
	"        damaged ones (a file missing or unreadable) show status DAMAGED and\n"
	"        why. T is a time (2026-11-22, 2026-11-22T10:00, in UTC) or an age\n"
	"        (30m, 2h, 3d, 1w). --json prints a JSON array; --ids only the ids.\n"
	"    quarantine show ID\n"
	"        The entry's metadata (envelope, client, HELO, group, findings,\n"
	"        action), the message's header block and its MIME object tree.\n"
	"    quarantine release ID [--to ADDR]...\n"
	"        Delivers the message as stored to its original recipients (or to\n"
	"        the --to addresses) through [notify] relay or sendmail_path, with a\n"
	"        release mark that the daemon verifies, so it is not scanned or\n"
	"        quarantined again. The entry stays, marked released, until deleted\n"
	"        or purged.\n"
	"    quarantine delete ID...\n"
	"        Removes entries.\n"
	"    quarantine purge [--older-than T] [--max-size SIZE]\n"
	"        Removes entries older than T and then the oldest until the total is\n"
	"        at most SIZE (K, M, G); by default [quarantine] max_age and max_size.\n"
	"    quarantine reindex\n"
	"        Rebuilds .index/index.sqlite from the entry files.\n";

static int
pcc_fail(const GError *error)
{
	g_autofree char *message = pcc_text(error->message);

	fprintf(stderr, "portcullisctl: quarantine: %s\n", message);
	return g_error_matches(error, PCQ_ERROR, PCQ_ERROR_NOT_FOUND) ? PCC_NOT_FOUND : PCC_ERROR;
}

static int
pcc_usage(const char *what)
{
	g_autofree char *shown = pcc_text(what);

	fprintf(stderr, "portcullisctl: quarantine: %s (see portcullisctl quarantine --help)\n",
		shown);
	return PCC_USAGE;
}

gboolean
pcc_parse_time(const char *text, gint64 now, gint64 *out)
{
	static const struct { char unit; gint64 seconds; } units[] = {
		{ 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
	};
	g_autofree char *iso = NULL;
	g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
	g_autoptr(GDateTime) dt = NULL;
	char *end = NULL;
	guint64 n = g_ascii_strtoull(text, &end, 10);

	for (guint i = 0; g_ascii_isdigit(*text) && i < G_N_ELEMENTS(units); i++)
		if (end[0] == units[i].unit && end[1] == '\0') {
			*out = now - (gint64)n * units[i].seconds;
			return TRUE;
		}
	iso = strchr(text, 'T') ? g_strdup(text) : g_strconcat(text, "T00:00", NULL);
	dt = g_date_time_new_from_iso8601(iso, utc);
	if (dt == NULL) {
		g_autofree char *seconds = g_strconcat(iso, ":00", NULL);

		dt = g_date_time_new_from_iso8601(seconds, utc);
	}
	if (dt == NULL)
		return FALSE;
	*out = g_date_time_to_unix(dt);
	return TRUE;
}

/* gmtime_r: GDateTime's formatter costs more than the rest of a list line. */
char *
pcc_time(gint64 t)
{
	time_t when = (time_t)t;
	struct tm tm;
	char buf[32];

	if (gmtime_r(&when, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return g_strdup("?");
	return g_strdup(buf);
}

static char **
pcc_text_list(char **list)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; list != NULL && list[i] != NULL; i++)
		g_ptr_array_add(out, pcc_text(list[i]));
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* Each field of "PATH\tDECLARED\t..." escaped, the tabs between them kept. */
static char **
pcc_text_objects(char **objects)
{
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; objects != NULL && objects[i] != NULL; i++) {
		g_auto(GStrv) fields = g_strsplit(objects[i], "\t", -1);
		g_auto(GStrv) shown = pcc_text_list(fields);

		g_ptr_array_add(out, g_strjoinv("\t", shown));
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* A copy of e fit for a terminal: every text field through pcc_text. */
static PcqEntry *
pcc_entry_text(const PcqEntry *e)
{
	PcqEntry *t = g_new0(PcqEntry, 1);

	t->received = e->received;
	t->size = e->size;
	t->damaged = e->damaged;
	t->id = pcc_text(e->id);
	t->queue_id = pcc_text(e->queue_id);
	t->client_address = pcc_text(e->client_address);
	t->client_name = pcc_text(e->client_name);
	t->helo = pcc_text(e->helo);
	t->sender = pcc_text(e->sender);
	t->recipients = pcc_text_list(e->recipients);
	t->group = pcc_text(e->group);
	t->status = pcc_text(e->status);
	t->action = pcc_text(e->action);
	t->reason = pcc_text(e->reason);
	t->findings = pcc_text_list(e->findings);
	t->objects = pcc_text_objects(e->objects);
	t->released = e->released ? pcc_text(e->released) : NULL;
	t->damage = e->damage ? pcc_text(e->damage) : NULL;
	return t;
}

typedef struct {
	gboolean json;
	gboolean ids;
	guint count;
} PccList;

static void
pcc_json_entry(GString *out, const PcqEntry *e)
{
	const char *keys[] = { "id", "queue_id", "sender", "group", "status", "action", "reason" };
	const char *values[] = { e->id, e->queue_id, e->sender, e->group,
				 e->damaged ? "damaged" : e->status, e->action, e->reason };

	g_string_append_c(out, '{');
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		pcc_json_string(out, keys[i]);
		g_string_append_c(out, ':');
		pcc_json_string(out, values[i]);
		g_string_append_c(out, ',');
	}
	g_string_append_printf(out, "\"received\":%" G_GINT64_FORMAT ",\"size\":%" G_GUINT64_FORMAT
			       ",\"recipients\":[", e->received, e->size);
	for (guint i = 0; e->recipients != NULL && e->recipients[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		pcc_json_string(out, e->recipients[i]);
	}
	g_string_append(out, "],\"released\":");
	if (e->released)
		pcc_json_string(out, e->released);
	else
		g_string_append(out, "null");
	g_string_append(out, ",\"damage\":");
	if (e->damage)
		pcc_json_string(out, e->damage);
	else
		g_string_append(out, "null");
	g_string_append_c(out, '}');
}

static void
pcc_list_line(const PcqEntry *entry)
{
	g_autoptr(PcqEntry) e = pcc_entry_text(entry);
	g_autofree char *when = pcc_time(e->received);
	g_autofree char *rcpts = g_strjoinv(",", e->recipients);

	printf("%-40s %s  %-11s %-10s %9" G_GUINT64_FORMAT "  <%s> -> %s%s%s\n", e->id, when,
	       e->damaged ? "DAMAGED" : e->status, e->action, e->size, e->sender, rcpts,
	       e->released ? "  released " : "", e->released ? e->released : "");
	if (e->damaged)
		printf("    damaged: %s\n", e->damage);
}

static gboolean
pcc_list_one(const PcqEntry *entry, gpointer data)
{
	PccList *list = data;

	if (list->ids) {
		g_autofree char *id = pcc_text(entry->id);

		printf("%s\n", id);
	} else if (list->json) {
		g_autoptr(GString) out = g_string_new(list->count ? ",\n " : "[");

		pcc_json_entry(out, entry);
		fputs(out->str, stdout);
	} else {
		pcc_list_line(entry);
	}
	list->count++;
	return TRUE;
}

static int
pcc_list(const PcmConfig *conf, int argc, char **argv)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	PcqFilter filter = { 0 };
	PccList list = { 0 };
	g_autoptr(GError) error = NULL;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--json") == 0) {
			list.json = TRUE;
		} else if (strcmp(a, "--ids") == 0) {
			list.ids = TRUE;
		} else if (v != NULL && strcmp(a, "--since") == 0 && pcc_parse_time(v, now, &filter.since)) {
			i++;
		} else if (v != NULL && strcmp(a, "--before") == 0 &&
			   pcc_parse_time(v, now, &filter.before)) {
			i++;
		} else if (v != NULL && strcmp(a, "--status") == 0) {
			filter.status = argv[++i];
		} else if (v != NULL && strcmp(a, "--rcpt") == 0) {
			filter.recipient = argv[++i];
		} else if (v != NULL && strcmp(a, "--limit") == 0) {
			filter.limit = (guint)atoi(argv[++i]);
		} else {
			g_autofree char *what = g_strdup_printf("list: bad option or value: %s%s%s",
								a, v ? " " : "", v ? v : "");
			return pcc_usage(what);
		}
	}
	g_autofree char *rcpt = filter.recipient ? g_ascii_strdown(filter.recipient, -1) : NULL;

	filter.recipient = rcpt;
	if (!pcq_index_list(conf->quarantine_dir, &filter, pcc_list_one, &list, &error))
		return pcc_fail(error);
	if (list.json)
		puts(list.count ? "]" : "[]");
	return PCC_OK;
}

/* Up to the first empty line of the stored message. */
static void
pcc_show_headers(const char *dir, const char *id)
{
	g_autoptr(GMappedFile) map = pcq_map_file(dir, id, ".eml", NULL);
	const char *data = map ? g_mapped_file_get_contents(map) : NULL;
	gsize len = map ? g_mapped_file_get_length(map) : 0;

	puts("\nHeaders:");
	for (gsize i = 0, start = 0; data != NULL && i < len; i++) {
		g_autofree char *line = NULL;
		g_autofree char *shown = NULL;

		if (data[i] != '\n')
			continue;
		if (i == start || (i == start + 1 && data[start] == '\r'))
			break;
		line = g_strndup(data + start, i - start - (data[i - 1] == '\r'));
		shown = pcc_text(line);
		printf("  %s\n", shown);
		start = i + 1;
	}
}

static void
pcc_show_list(const char *title, char **items)
{
	printf("\n%s:\n", title);
	for (guint i = 0; items != NULL && items[i] != NULL; i++)
		printf("  %s\n", items[i]);
}

/* "PATH\tDECLARED\tDETECTED\tSIZE\tSTATUS\tNAME", indented by depth. */
static void
pcc_show_objects(char **objects)
{
	puts("\nObjects:");
	for (guint i = 0; objects != NULL && objects[i] != NULL; i++) {
		guint depth = 0;
		g_auto(GStrv) f = pcq_object_fields(objects[i], &depth);

		if (f == NULL)
			continue;
		printf("  %*s%-6s %-28s %-24s %10s  %-11s %s\n", (int)depth * 2, "", f[0], f[1],
		       *f[2] ? f[2] : "-", f[3], f[4], f[5]);
	}
}

static int
pcc_show(const PcmConfig *conf, int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(PcqEntry) stored = NULL;
	g_autoptr(PcqEntry) e = NULL;
	g_autofree char *when = NULL;
	g_autofree char *rcpts = NULL;

	if (argc != 1)
		return pcc_usage("show takes one ID");
	stored = pcq_entry_load(conf->quarantine_dir, argv[0], &error);
	if (stored == NULL)
		return pcc_fail(error);
	e = pcc_entry_text(stored);
	when = pcc_time(e->received);
	rcpts = e->recipients ? g_strjoinv(", ", e->recipients) : g_strdup("");
	printf("Id:          %s\n", e->id);
	if (e->damaged)
		printf("DAMAGED:     %s\n", e->damage);
	printf("Received:    %s UTC\nQueue id:    %s\nClient:      %s [%s], HELO %s\n"
	       "Sender:      <%s>\nRecipients:  %s\nGroup:       %s\nStatus:      %s\n"
	       "Action:      %s\nReason:      %s\nSize:        %" G_GUINT64_FORMAT "\n",
	       when, e->queue_id ? e->queue_id : "", e->client_name ? e->client_name : "",
	       e->client_address ? e->client_address : "", e->helo ? e->helo : "",
	       e->sender ? e->sender : "", rcpts, e->group ? e->group : "",
	       e->status ? e->status : "", e->action ? e->action : "",
	       e->reason ? e->reason : "", e->size);
	if (e->released)
		printf("Released:    %s\n", e->released);
	pcc_show_list("Findings", e->findings);
	pcc_show_headers(conf->quarantine_dir, stored->id);
	pcc_show_objects(e->objects);
	return PCC_OK;
}

static int
pcc_release(const PcmConfig *conf, int argc, char **argv)
{
	PcqReleaseTarget target = { conf->quarantine_dir, conf->release_key_file,
				    conf->sendmail_path, conf->notify_relay };
	g_autoptr(GError) error = NULL;
	g_autoptr(PcqEntry) e = NULL;
	g_autoptr(GStrvBuilder) to = g_strv_builder_new();
	g_auto(GStrv) rcpts = NULL;
	g_autofree char *warning = NULL;
	g_autofree char *list = NULL;
	g_autofree char *shown = NULL;
	g_autofree char *shown_id = NULL;
	const char *id = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			g_strv_builder_add(to, argv[++i]);
		else if (id == NULL && argv[i][0] != '-')
			id = argv[i];
		else
			return pcc_usage("release takes one ID and --to ADDR options");
	}
	if (id == NULL)
		return pcc_usage("release takes one ID");
	rcpts = g_strv_builder_end(to);
	e = pcq_entry_load(conf->quarantine_dir, id, &error);
	if (e == NULL || !pcq_release_entry(&target, e, rcpts[0] ? (const char *const *)rcpts : NULL,
					    g_get_real_time() / G_USEC_PER_SEC, &warning, &error))
		return pcc_fail(error);
	if (warning != NULL) {
		g_autofree char *message = pcc_text(warning);

		fprintf(stderr, "portcullisctl: quarantine: %s\n", message);
	}
	list = g_strjoinv(",", rcpts[0] ? rcpts : e->recipients);
	shown = pcc_text(list);
	shown_id = pcc_text(e->id);
	printf("%s: released to %s\n", shown_id, shown);
	return PCC_OK;
}

static int
pcc_delete(const PcmConfig *conf, int argc, char **argv)
{
	int rc = PCC_OK;

	if (argc < 1)
		return pcc_usage("delete takes at least one ID");
	for (int i = 0; i < argc; i++) {
		g_autoptr(GError) error = NULL;
		g_autofree char *shown = pcc_text(argv[i]);

		if (pcq_delete(conf->quarantine_dir, argv[i], &error))
			printf("%s: deleted\n", shown);
		else
			rc = MAX(rc, pcc_fail(error));
	}
	return rc;
}

static int
pcc_purge(const PcmConfig *conf, int argc, char **argv)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC, older = 0;
	guint days = conf->quarantine_max_age;
	guint64 max_size = conf->quarantine_max_size;
	g_autoptr(GError) error = NULL;
	guint removed = 0;

	for (int i = 0; i < argc; i++) {
		char *end = NULL;

		if (strcmp(argv[i], "--older-than") == 0 && i + 1 < argc &&
		    pcc_parse_time(argv[i + 1], now, &older)) {
			days = (guint)MAX((now - older + 86399) / 86400, 0);
			i++;
		} else if (strcmp(argv[i], "--max-size") == 0 && i + 1 < argc) {
			max_size = g_ascii_strtoull(argv[++i], &end, 10);
			max_size <<= *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
		} else {
			return pcc_usage("purge takes --older-than T and --max-size SIZE");
		}
	}
	if (!pcq_purge(conf->quarantine_dir, days, max_size, &removed, &error))
		return pcc_fail(error);
	printf("%u entries removed\n", removed);
	return PCC_OK;
}

static int
pcc_reindex(const PcmConfig *conf, int argc, char **argv)
{
	g_autoptr(GError) error = NULL;
	guint count = 0;

	(void)argv;
	if (argc != 0)
		return pcc_usage("reindex takes no arguments");
	if (!pcq_index_rebuild(conf->quarantine_dir, &count, &error))
		return pcc_fail(error);
	printf("%u entries indexed\n", count);
	return PCC_OK;
}

int
pcc_quarantine(const PcmConfig *conf, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const PcmConfig *, int, char **);
	} commands[] = {
		{ "list", pcc_list }, { "show", pcc_show }, { "release", pcc_release },
		{ "delete", pcc_delete }, { "purge", pcc_purge }, { "reindex", pcc_reindex },
	};

	g_autoptr(GError) error = NULL;

	if (argc < 1)
		return pcc_usage("which command? list, show, release, delete, purge, reindex");
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		if (!pcc_become_owner("quarantine_dir", conf->quarantine_dir, &error))
			return pcc_fail(error);
		return commands[i].run(conf, argc - 1, argv + 1);
	}
	return pcc_usage("unknown command");
}
