/*
 * NAME
 *	trace.c - the message trace store (trace.h)
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <portcullis/sql.h>

#include "trace.h"

#define PCH_FILE "history.sqlite"

struct _PchStore {
	sqlite3 *db;
	char *path;
};

G_DEFINE_QUARK(pch-error-quark, pch_error)

static const char pch_schema[] =
	"PRAGMA journal_mode=WAL;"
	"CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, time INTEGER, "
	"queue_id TEXT, client TEXT, sender TEXT, recipients TEXT, size INTEGER, grp TEXT, "
	"status TEXT, action TEXT, reply TEXT, reason TEXT, quarantine_id TEXT, "
	"spam_score REAL, spam_tests TEXT, detail TEXT);"
	"CREATE INDEX IF NOT EXISTS messages_time ON messages(time);"
	"CREATE INDEX IF NOT EXISTS messages_queue_id ON messages(queue_id);"
	"CREATE TABLE IF NOT EXISTS rcpts (id INTEGER, rcpt TEXT);"
	"CREATE INDEX IF NOT EXISTS rcpts_id ON rcpts(id);";

/* Columns added since the first schema, each added to a store that lacks it. */
static const char *const pch_added_columns[] = { "ms REAL", "detections TEXT" };

/* The columns in PchEntry order, for every SELECT. */
#define PCH_COLUMNS "id, time, queue_id, client, sender, recipients, size, grp, status, " \
	"action, reply, reason, quarantine_id, spam_score, spam_tests, detail, ms, detections"

static gboolean
pch_fail(GError **error, const PchStore *store)
{
	g_set_error(error, PCH_ERROR, 0, "message history %s: %s", store->path,
		    sqlite3_errmsg(store->db));
	return FALSE;
}

/* ALTER TABLE fails on a column that is there: that is the check. */
static void
pch_upgrade(PchStore *store)
{
	for (guint i = 0; i < G_N_ELEMENTS(pch_added_columns); i++) {
		g_autofree char *sql = g_strdup_printf("ALTER TABLE messages ADD COLUMN %s",
						       pch_added_columns[i]);

		sqlite3_exec(store->db, sql, NULL, NULL, NULL);
	}
}

PchStore *
pch_open(const char *dir, GError **error)
{
	PchStore *store = g_new0(PchStore, 1);

	store->path = g_build_filename(dir, PCH_FILE, NULL);
	if (sqlite3_open_v2(store->path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(store->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(store->db, pch_schema, NULL, NULL, NULL) != SQLITE_OK) {
		pch_fail(error, store);
		pch_close(store);
		return NULL;
	}
	pch_upgrade(store);
	return store;
}

void
pch_close(PchStore *store)
{
	if (store == NULL)
		return;
	sqlite3_close(store->db);
	g_free(store->path);
	g_free(store);
}

void
pch_entry_free(PchEntry *e)
{
	if (e == NULL)
		return;
	g_free(e->queue_id);
	g_free(e->client);
	g_free(e->sender);
	g_strfreev(e->recipients);
	g_free(e->group);
	g_free(e->status);
	g_free(e->action);
	g_free(e->reply);
	g_free(e->reason);
	g_free(e->quarantine_id);
	g_free(e->spam_tests);
	g_free(e->detail);
	g_free(e->detections);
	g_free(e);
}

static void
pch_bind_text(sqlite3_stmt *st, int i, const char *text)
{
	sqlite3_bind_text(st, i, text ? text : "", -1, SQLITE_TRANSIENT);
}

static gboolean
pch_insert(PchStore *store, sqlite3_stmt *msg, sqlite3_stmt *rcpt, PchEntry *e)
{
	g_autofree char *recipients = e->recipients ? g_strjoinv("\n", e->recipients) : NULL;
	const char *text[] = { e->queue_id, e->client, e->sender, recipients };
	const char *more[] = { e->group, e->status, e->action, e->reply, e->reason,
			       e->quarantine_id };

	sqlite3_reset(msg);
	sqlite3_bind_int64(msg, 1, e->time);
	for (guint i = 0; i < G_N_ELEMENTS(text); i++)
		pch_bind_text(msg, 2 + i, text[i]);
	sqlite3_bind_int64(msg, 6, (sqlite3_int64)e->size);
	for (guint i = 0; i < G_N_ELEMENTS(more); i++)
		pch_bind_text(msg, 7 + i, more[i]);
	sqlite3_bind_double(msg, 13, e->spam_score);
	pch_bind_text(msg, 14, e->spam_tests);
	pch_bind_text(msg, 15, e->detail);
	sqlite3_bind_double(msg, 16, e->ms);
	pch_bind_text(msg, 17, e->detections);
	if (sqlite3_step(msg) != SQLITE_DONE)
		return FALSE;
	e->id = sqlite3_last_insert_rowid(store->db);
	for (guint i = 0; e->recipients != NULL && e->recipients[i] != NULL; i++) {
		sqlite3_reset(rcpt);
		sqlite3_bind_int64(rcpt, 1, e->id);
		pch_bind_text(rcpt, 2, e->recipients[i]);
		if (sqlite3_step(rcpt) != SQLITE_DONE)
			return FALSE;
	}
	return TRUE;
}

gboolean
pch_add(PchStore *store, PchEntry *const *entries, guint n, GError **error)
{
	sqlite3_stmt *msg = NULL, *rcpt = NULL;
	gboolean ok;

	ok = sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
	     sqlite3_prepare_v2(store->db, "INSERT INTO messages (time, queue_id, client, sender, "
				"recipients, size, grp, status, action, reply, reason, "
				"quarantine_id, spam_score, spam_tests, detail, ms, detections) VALUES "
				"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &msg, NULL) == SQLITE_OK &&
	     sqlite3_prepare_v2(store->db, "INSERT INTO rcpts (id, rcpt) VALUES (?,?)", -1, &rcpt,
				NULL) == SQLITE_OK;
	for (guint i = 0; ok && i < n; i++)
		ok = pch_insert(store, msg, rcpt, entries[i]);
	if (!ok)
		pch_fail(error, store);
	sqlite3_finalize(msg);
	sqlite3_finalize(rcpt);
	sqlite3_exec(store->db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	return ok;
}

static char *
pch_column(sqlite3_stmt *st, int i)
{
	const unsigned char *text = sqlite3_column_text(st, i);

	return g_strdup(text ? (const char *)text : "");
}

static PchEntry *
pch_row(sqlite3_stmt *st)
{
	PchEntry *e = g_new0(PchEntry, 1);
	g_autofree char *recipients = pch_column(st, 5);

	e->id = sqlite3_column_int64(st, 0);
	e->time = sqlite3_column_int64(st, 1);
	e->queue_id = pch_column(st, 2);
	e->client = pch_column(st, 3);
	e->sender = pch_column(st, 4);
	e->recipients = *recipients ? g_strsplit(recipients, "\n", -1) : g_new0(char *, 1);
	e->size = (guint64)sqlite3_column_int64(st, 6);
	e->group = pch_column(st, 7);
	e->status = pch_column(st, 8);
	e->action = pch_column(st, 9);
	e->reply = pch_column(st, 10);
	e->reason = pch_column(st, 11);
	e->quarantine_id = pch_column(st, 12);
	e->spam_score = sqlite3_column_double(st, 13);
	e->spam_tests = pch_column(st, 14);
	e->detail = pch_column(st, 15);
	e->ms = sqlite3_column_double(st, 16);
	e->detections = pch_column(st, 17);
	return e;
}

static char *
pch_like(const char *value)
{
	return pc_sql_like("%", value, "%");
}

/* The query's own WHERE comes before any subquery's. */
static const char *
pch_where_word(const GString *sql)
{
	return strstr(sql->str, " WHERE ") ? "AND" : "WHERE";
}

/* Appends one condition and remembers its value for binding. */
static void
pch_where(GString *sql, GPtrArray *values, const char *condition, char *value)
{
	g_string_append_printf(sql, " %s %s", pch_where_word(sql), condition);
	g_ptr_array_add(values, value);
}

/* "%@d" and "%.d" for each domain: an address there or in a subdomain. */
static void
pch_where_domains(GString *sql, GPtrArray *values, const char *const *domains)
{
	g_string_append_printf(sql, " %s (0", pch_where_word(sql));
	for (guint i = 0; domains[i] != NULL; i++) {
		g_string_append(sql, " OR sender LIKE ? ESCAPE '\\' OR sender LIKE ? ESCAPE '\\'"
				" OR EXISTS (SELECT 1 FROM rcpts r WHERE r.id = m.id AND"
				" (r.rcpt LIKE ? ESCAPE '\\' OR r.rcpt LIKE ? ESCAPE '\\'))");
		for (guint k = 0; k < 2; k++) {
			g_ptr_array_add(values, pc_sql_like("%@", domains[i], ""));
			g_ptr_array_add(values, pc_sql_like("%.", domains[i], ""));
		}
	}
	g_string_append_c(sql, ')');
}

static GString *
pch_query(const PchFilter *f, GPtrArray *values, const char *columns)
{
	GString *sql = g_string_new(NULL);

	g_string_printf(sql, "SELECT %s FROM messages m", columns);

	if (f->sender)
		pch_where(sql, values, "sender LIKE ? ESCAPE '\\'", pch_like(f->sender));
	if (f->recipient)
		pch_where(sql, values, "EXISTS (SELECT 1 FROM rcpts r WHERE r.id = m.id AND "
			  "r.rcpt LIKE ? ESCAPE '\\')", pch_like(f->recipient));
	if (f->queue_id)
		pch_where(sql, values, "queue_id LIKE ? ESCAPE '\\'", pch_like(f->queue_id));
	if (f->client)
		pch_where(sql, values, "client LIKE ? ESCAPE '\\'", pch_like(f->client));
	if (f->status)
		pch_where(sql, values, "status = ?", g_strdup(f->status));
	if (f->action)
		pch_where(sql, values, "action = ?", g_strdup(f->action));
	if (f->domains)
		pch_where_domains(sql, values, f->domains);
	if (f->since)
		pch_where(sql, values, "time >= ?", g_strdup_printf("%" G_GINT64_FORMAT, f->since));
	if (f->before)
		pch_where(sql, values, "time < ?", g_strdup_printf("%" G_GINT64_FORMAT, f->before));
	g_string_append_printf(sql, " ORDER BY id DESC LIMIT %u OFFSET %u",
			       f->limit ? f->limit : PCH_DEFAULT_LIMIT, f->offset);
	return sql;
}

/* Runs the query of filter for columns; row(st, visit, data) is called
 * for each row until it returns FALSE. */
typedef gboolean (*PchRowFunc)(sqlite3_stmt *st, gpointer visit, gpointer data);

static gboolean
pch_run(PchStore *store, const PchFilter *filter, const char *columns, PchRowFunc row,
	gpointer visit, gpointer data, GError **error)
{
	g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GString) sql = pch_query(filter, values, columns);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(store->db, sql->str, -1, &st, NULL) != SQLITE_OK)
		return pch_fail(error, store);
	for (guint i = 0; i < values->len; i++)
		pch_bind_text(st, (int)i + 1, g_ptr_array_index(values, i));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!row(st, visit, data)) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || pch_fail(error, store);
}

static gboolean
pch_entry_row(sqlite3_stmt *st, gpointer visit, gpointer data)
{
	g_autoptr(PchEntry) e = pch_row(st);

	return ((gboolean (*)(const PchEntry *, gpointer))visit)(e, data);
}

gboolean
pch_search(PchStore *store, const PchFilter *filter,
	   gboolean (*visit)(const PchEntry *entry, gpointer data), gpointer data, GError **error)
{
	return pch_run(store, filter, PCH_COLUMNS, pch_entry_row, (gpointer)visit, data, error);
}

static const char *
pch_text(sqlite3_stmt *st, int i)
{
	const unsigned char *text = sqlite3_column_text(st, i);

	return text ? (const char *)text : "";
}

static gboolean
pch_summary_row(sqlite3_stmt *st, gpointer visit, gpointer data)
{
	PchSummary row = {
		sqlite3_column_int64(st, 0), pch_text(st, 1), pch_text(st, 2), pch_text(st, 3),
		pch_text(st, 4), pch_text(st, 5), sqlite3_column_double(st, 6),
	};

	return ((gboolean (*)(const PchSummary *, gpointer))visit)(&row, data);
}

gboolean
pch_summaries(PchStore *store, gint64 since, const char *const *domains,
	      gboolean (*visit)(const PchSummary *row, gpointer data), gpointer data,
	      GError **error)
{
	const PchFilter f = { .since = since, .domains = domains, .limit = G_MAXUINT };

	return pch_run(store, &f, "time, action, status, sender, client, detections, ms",
		       pch_summary_row, (gpointer)visit, data, error);
}

PchEntry *
pch_get(PchStore *store, gint64 id, GError **error)
{
	sqlite3_stmt *st = NULL;
	PchEntry *e = NULL;
	int rc;

	if (sqlite3_prepare_v2(store->db, "SELECT " PCH_COLUMNS " FROM messages WHERE id = ?", -1,
			       &st, NULL) != SQLITE_OK) {
		pch_fail(error, store);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		e = pch_row(st);
	else if (rc != SQLITE_DONE)
		pch_fail(error, store);
	sqlite3_finalize(st);
	return e;
}

static gboolean
pch_exec_int(PchStore *store, const char *sql, gint64 value, guint *changed)
{
	sqlite3_stmt *st = NULL;
	gboolean ok = sqlite3_prepare_v2(store->db, sql, -1, &st, NULL) == SQLITE_OK;

	if (ok) {
		sqlite3_bind_int64(st, 1, value);
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (ok && changed != NULL)
		*changed += (guint)sqlite3_changes(store->db);
	return ok;
}

gboolean
pch_purge(PchStore *store, guint max_entries, guint max_age_days, guint *removed,
	  GError **error)
{
	guint n = 0;
	gboolean ok;

	ok = sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
	     (max_age_days == 0 ||
	      pch_exec_int(store, "DELETE FROM messages WHERE time < ?",
			   g_get_real_time() / G_USEC_PER_SEC - (gint64)max_age_days * 86400, &n)) &&
	     (max_entries == 0 ||
	      pch_exec_int(store, "DELETE FROM messages WHERE id <= (SELECT id FROM messages "
			   "ORDER BY id DESC LIMIT 1 OFFSET ?)", max_entries, &n)) &&
	     /* ids only grow and purges take the oldest: the rest of rcpts is newer */
	     sqlite3_exec(store->db, "DELETE FROM rcpts WHERE id < (SELECT coalesce(min(id), "
			  "9223372036854775807) FROM messages)", NULL, NULL, NULL) == SQLITE_OK;
	sqlite3_exec(store->db, ok ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
	if (removed != NULL)
		*removed = ok ? n : 0;
	return ok || pch_fail(error, store);
}
