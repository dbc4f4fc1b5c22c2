/*
 * NAME
 *	index.c - SQLite index of a quarantine directory (see index.h)
 * DESCRIPTION
 *	SQLite because listing and filtering is a query: 100,000 entries
 *	come back ordered and filtered in a fraction of a second, where
 *	reading as many .meta files takes seconds.  The index is only a
 *	cache; each list first compares the number of entries on disk with
 *	the number of rows and reconciles when they differ.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <portcullis/sql.h>

#include "index.h"

/* In a subdirectory: SQLite's -wal and -shm files come and go with each
 * connection, and must not change the mtime of the entries' directory. */
#define PCQ_INDEX_DIR ".index"
#define PCQ_INDEX_NAME ".index/index.sqlite"

static const char pcq_schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=NORMAL;"
	"PRAGMA mmap_size=1073741824;"
	"CREATE TABLE IF NOT EXISTS entries (id TEXT PRIMARY KEY, received INTEGER, "
	"queue_id TEXT, sender TEXT, recipients TEXT, grp TEXT, status TEXT, action TEXT, "
	"reason TEXT, size INTEGER, released TEXT, damage TEXT) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS entries_received ON entries(received);"
	"CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER);"
	"CREATE TABLE IF NOT EXISTS rcpts (rcpt TEXT, id TEXT);"
	"CREATE INDEX IF NOT EXISTS rcpts_rcpt ON rcpts(rcpt);"
	"CREATE INDEX IF NOT EXISTS rcpts_id ON rcpts(id);";

static gboolean
pcq_sql_error(GError **error, sqlite3 *db, const char *dir)
{
	g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "quarantine index %s/%s: %s", dir,
		    PCQ_INDEX_NAME, db ? sqlite3_errmsg(db) : "cannot open");
	return FALSE;
}

/* SQLite follows symbolic links: .index must be a real directory of the
 * store's owner (or ours), or a planted ".index -> /etc" would have the
 * caller create and write files there. */
static gboolean
pcq_index_dir_check(const char *dir, const char *sub, GError **error)
{
	GStatBuf top, st;
	const char *why = NULL;

	if (g_mkdir(sub, 0700) != 0 && errno != EEXIST)
		why = g_strerror(errno);
	else if (g_stat(dir, &top) != 0 || g_lstat(sub, &st) != 0)
		why = g_strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "refused: not a directory (a symbolic link?)";
	else if (st.st_uid != top.st_uid && st.st_uid != geteuid())
		why = "refused: not owned by the quarantine's owner";
	if (why != NULL)
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "quarantine index %s: %s", sub,
			    why);
	return why == NULL;
}

static sqlite3 *
pcq_index_open(const char *dir, GError **error)
{
	g_autofree char *path = g_build_filename(dir, PCQ_INDEX_NAME, NULL);
	g_autofree char *sub = g_build_filename(dir, PCQ_INDEX_DIR, NULL);
	sqlite3 *db = NULL;

	if (!pcq_index_dir_check(dir, sub, error))
		return NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, 5000) != SQLITE_OK ||
	    sqlite3_exec(db, pcq_schema, NULL, NULL, NULL) != SQLITE_OK) {
		pcq_sql_error(error, db, dir);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* ",a@x,b@y," lower case, for display; --rcpt looks in table rcpts. */
static char *
pcq_recipients_key(char **recipients)
{
	GString *out = g_string_new(",");

	for (guint i = 0; recipients != NULL && recipients[i] != NULL; i++) {
		g_autofree char *lower = g_ascii_strdown(recipients[i], -1);

		g_string_append_printf(out, "%s,", lower);
	}
	return g_string_free(out, FALSE);
}

static gboolean
pcq_index_run(sqlite3 *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return FALSE;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_TRANSIENT);
	if (b != NULL)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE;
}

/* One row per recipient, indexed: --rcpt is a lookup, not a scan. */
static gboolean
pcq_index_insert_rcpts(sqlite3 *db, const PcqEntry *e)
{
	if (!pcq_index_run(db, "DELETE FROM rcpts WHERE id = ?", e->id, NULL))
		return FALSE;
	for (guint i = 0; e->recipients != NULL && e->recipients[i] != NULL; i++) {
		g_autofree char *lower = g_ascii_strdown(e->recipients[i], -1);

		if (!pcq_index_run(db, "INSERT INTO rcpts VALUES (?, ?)", lower, e->id))
			return FALSE;
	}
	return TRUE;
}

static gboolean
pcq_index_insert(sqlite3 *db, const PcqEntry *e)
{
	static const char sql[] = "INSERT OR REPLACE INTO entries VALUES "
				  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	g_autofree char *rcpts = pcq_recipients_key(e->recipients);
	sqlite3_stmt *st = NULL;
	const char *text[] = { e->id, NULL, e->queue_id, e->sender, rcpts, e->group, e->status,
			       e->action, e->reason, NULL, e->released, e->damage };
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return FALSE;
	for (int i = 0; i < 12; i++)
		if (text[i] != NULL)
			sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, e->received);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)e->size);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && pcq_index_insert_rcpts(db, e);
}

gboolean
pcq_index_add(const char *dir, const PcqEntry *entry, GError **error)
{
	sqlite3 *db = pcq_index_open(dir, error);
	gboolean ok;

	if (db == NULL)
		return FALSE;
	ok = pcq_index_insert(db, entry) || pcq_sql_error(error, db, dir);
	sqlite3_close(db);
	return ok;
}

static gboolean
pcq_index_delete(sqlite3 *db, const char *id)
{
	return pcq_index_run(db, "DELETE FROM rcpts WHERE id = ?", id, NULL) &&
	       pcq_index_run(db, "DELETE FROM entries WHERE id = ?", id, NULL);
}

gboolean
pcq_index_remove(const char *dir, const char *id, GError **error)
{
	sqlite3 *db = pcq_index_open(dir, error);
	gboolean ok;

	if (db == NULL)
		return FALSE;
	ok = pcq_index_delete(db, id) || pcq_sql_error(error, db, dir);
	sqlite3_close(db);
	return ok;
}

/* Entry ids on disk: names of .eml and .meta files. */
static GHashTable *
pcq_disk_ids(const char *dir, GError **error)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	GHashTable *ids;
	const char *name;

	if (d == NULL)
		return NULL;
	ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	while ((name = g_dir_read_name(d)) != NULL) {
		const char *dot = strrchr(name, '.');

		if (*name == '.' || dot == NULL ||
		    (strcmp(dot, ".meta") != 0 && strcmp(dot, ".eml") != 0))
			continue;
		g_hash_table_add(ids, g_strndup(name, dot - name));
	}
	return ids;
}

/* Rows for entries that appeared, none for entries that went. */
static gboolean
pcq_index_reconcile(sqlite3 *db, const char *dir, GHashTable *ids, guint *count)
{
	g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	sqlite3_stmt *st = NULL;
	GHashTableIter iter;
	gpointer id;

	if (sqlite3_prepare_v2(db, "SELECT id FROM entries", -1, &st, NULL) != SQLITE_OK)
		return FALSE;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(st, 0);

		if (g_hash_table_contains(ids, row))
			g_hash_table_add(rows, g_strdup(row));
		else
			g_ptr_array_add(gone, g_strdup(row));
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	for (guint i = 0; i < gone->len; i++)
		pcq_index_delete(db, g_ptr_array_index(gone, i));
	g_hash_table_iter_init(&iter, ids);
	while (g_hash_table_iter_next(&iter, &id, NULL)) {
		g_autoptr(PcqEntry) e = NULL;

		if (g_hash_table_contains(rows, id))
			continue;
		e = pcq_entry_load(dir, id, NULL);
		if (e != NULL)
			pcq_index_insert(db, e);
	}
	if (count != NULL)
		*count = g_hash_table_size(ids);
	return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
}

/* The directory's modification time when the index last matched it. */
static gint64
pcq_dir_stamp(const char *dir)
{
	GStatBuf st;

	if (g_stat(dir, &st) != 0)
		return -1;
	return (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT(1000000000) + st.st_mtim.tv_nsec;
}

static gint64
pcq_index_stamp(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	gint64 stamp = -2;

	if (sqlite3_prepare_v2(db, "SELECT value FROM state WHERE key = 'dir_mtime'", -1, &st,
			       NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		stamp = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return stamp;
}

static void
pcq_index_set_stamp(sqlite3 *db, gint64 stamp)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO state VALUES ('dir_mtime', ?)", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, stamp);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
}

/* Nothing was created, renamed or removed in the directory since the
 * index last matched it: no need to read 200,000 names.  The stamp is
 * taken before reading, so a change during the reconcile is seen next
 * time. */
static gboolean
pcq_index_sync(sqlite3 *db, const char *dir, GError **error)
{
	gint64 stamp = pcq_dir_stamp(dir);
	g_autoptr(GHashTable) ids = NULL;

	if (stamp >= 0 && stamp == pcq_index_stamp(db))
		return TRUE;
	ids = pcq_disk_ids(dir, error);
	if (ids == NULL)
		return FALSE;
	if (!pcq_index_reconcile(db, dir, ids, NULL))
		return pcq_sql_error(error, db, dir);
	pcq_index_set_stamp(db, stamp);
	return TRUE;
}

static char *
pcq_column(sqlite3_stmt *st, int i)
{
	const char *text = (const char *)sqlite3_column_text(st, i);

	return g_strdup(text ? text : "");
}

/* ",a,b," back to {"a", "b"}. */
static char **
pcq_recipients_list(const char *key)
{
	g_auto(GStrv) parts = g_strsplit(key, ",", -1);
	GStrvBuilder *b = g_strv_builder_new();
	char **out;

	for (guint i = 0; parts[i] != NULL; i++)
		if (*parts[i] != '\0')
			g_strv_builder_add(b, parts[i]);
	out = g_strv_builder_end(b);
	g_strv_builder_unref(b);
	return out;
}

static PcqEntry *
pcq_row_entry(sqlite3_stmt *st)
{
	PcqEntry *e = g_new0(PcqEntry, 1);
	g_autofree char *rcpts = pcq_column(st, 4);
	const char *released = (const char *)sqlite3_column_text(st, 10);
	const char *damage = (const char *)sqlite3_column_text(st, 11);

	e->id = pcq_column(st, 0);
	e->received = sqlite3_column_int64(st, 1);
	e->queue_id = pcq_column(st, 2);
	e->sender = pcq_column(st, 3);
	e->recipients = pcq_recipients_list(rcpts);
	e->group = pcq_column(st, 5);
	e->status = pcq_column(st, 6);
	e->action = pcq_column(st, 7);
	e->reason = pcq_column(st, 8);
	e->size = (guint64)sqlite3_column_int64(st, 9);
	e->released = released ? g_strdup(released) : NULL;
	e->damaged = damage != NULL;
	e->damage = damage ? g_strdup(damage) : NULL;
	return e;
}

/* The sender or a recipient at one of domains or a subdomain: two LIKE
 * patterns ("%@d", "%.d") each, bound by pcq_list_query in this order. */
static void
pcq_where_domains(GString *sql, const char *const *domains)
{
	g_string_append(sql, " AND (0");
	for (guint i = 0; domains[i] != NULL; i++)
		g_string_append(sql, " OR sender LIKE ? ESCAPE '\\' OR sender LIKE ? ESCAPE '\\'"
				" OR id IN (SELECT id FROM rcpts WHERE rcpt LIKE ? ESCAPE '\\'"
				" OR rcpt LIKE ? ESCAPE '\\')");
	g_string_append_c(sql, ')');
}

static sqlite3_stmt *
pcq_list_query(sqlite3 *db, const PcqFilter *f)
{
	GString *sql = g_string_new("SELECT * FROM entries WHERE 1");
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (f->since > 0)
		g_string_append(sql, " AND received >= ?");
	if (f->before > 0)
		g_string_append(sql, " AND received < ?");
	if (f->status != NULL)
		g_string_append(sql, " AND status = ?");
	if (f->recipient != NULL)
		g_string_append(sql, " AND id IN (SELECT id FROM rcpts WHERE rcpt = ?)");
	if (f->sender != NULL)
		g_string_append(sql, " AND sender LIKE ? ESCAPE '\\'");
	if (f->domains != NULL)
		pcq_where_domains(sql, f->domains);
	/* Ids start with the time received: their order is the age order, and
	 * the primary key walks it without a sort. */
	g_string_append(sql, f->newest_first ? " ORDER BY id DESC" : " ORDER BY id");
	if (f->limit > 0 || f->offset > 0)
		g_string_append_printf(sql, " LIMIT %d OFFSET %u", f->limit > 0 ? (int)f->limit : -1,
				       f->offset);
	if (sqlite3_prepare_v2(db, sql->str, -1, &st, NULL) != SQLITE_OK)
		st = NULL;
	g_string_free(sql, TRUE);
	if (st == NULL)
		return NULL;
	if (f->since > 0)
		sqlite3_bind_int64(st, ++n, f->since);
	if (f->before > 0)
		sqlite3_bind_int64(st, ++n, f->before);
	if (f->status != NULL)
		sqlite3_bind_text(st, ++n, f->status, -1, SQLITE_TRANSIENT);
	if (f->recipient != NULL)
		sqlite3_bind_text(st, ++n, f->recipient, -1, SQLITE_TRANSIENT);
	if (f->sender != NULL)
		sqlite3_bind_text(st, ++n, pc_sql_like("%", f->sender, "%"), -1, g_free);
	for (guint i = 0; f->domains != NULL && f->domains[i] != NULL; i++) {
		for (guint k = 0; k < 2; k++) {
			sqlite3_bind_text(st, ++n, pc_sql_like("%@", f->domains[i], ""), -1, g_free);
			sqlite3_bind_text(st, ++n, pc_sql_like("%.", f->domains[i], ""), -1, g_free);
		}
	}
	return st;
}

gboolean
pcq_index_list(const char *dir, const PcqFilter *filter,
	       gboolean (*visit)(const PcqEntry *entry, gpointer data), gpointer data,
	       GError **error)
{
	sqlite3 *db = pcq_index_open(dir, error);
	sqlite3_stmt *st;

	if (db == NULL)
		return FALSE;
	if (!pcq_index_sync(db, dir, error) || (st = pcq_list_query(db, filter)) == NULL) {
		if (error != NULL && *error == NULL)
			pcq_sql_error(error, db, dir);
		sqlite3_close(db);
		return FALSE;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		g_autoptr(PcqEntry) e = pcq_row_entry(st);

		if (!visit(e, data))
			break;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return TRUE;
}

gboolean
pcq_index_totals(const char *dir, guint64 *entries, guint64 *bytes, GError **error)
{
	sqlite3 *db = pcq_index_open(dir, error);
	sqlite3_stmt *st = NULL;
	gboolean ok;

	if (db == NULL)
		return FALSE;
	ok = sqlite3_prepare_v2(db, "SELECT count(*), total(size) FROM entries", -1, &st,
				NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
	if (ok) {
		*entries = (guint64)sqlite3_column_int64(st, 0);
		*bytes = (guint64)sqlite3_column_double(st, 1);
	} else {
		pcq_sql_error(error, db, dir);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ok;
}

gboolean
pcq_index_rebuild(const char *dir, guint *count, GError **error)
{
	g_autoptr(GHashTable) ids = pcq_disk_ids(dir, error);
	sqlite3 *db;
	gboolean ok;

	if (ids == NULL || (db = pcq_index_open(dir, error)) == NULL)
		return FALSE;
	ok = sqlite3_exec(db, "DELETE FROM entries; DELETE FROM rcpts", NULL, NULL, NULL) ==
	     SQLITE_OK &&
	     pcq_index_reconcile(db, dir, ids, count);
	if (!ok)
		pcq_sql_error(error, db, dir);
	sqlite3_close(db);
	return ok;
}

typedef struct {
	GPtrArray *ids;		/* oldest first */
	GArray *received;	/* gint64, parallel */
	GArray *sizes;		/* guint64, parallel */
	guint64 total;
} PcqAges;

static gboolean
pcq_collect(const PcqEntry *e, gpointer data)
{
	PcqAges *ages = data;

	g_ptr_array_add(ages->ids, g_strdup(e->id));
	g_array_append_val(ages->received, e->received);
	g_array_append_val(ages->sizes, e->size);
	ages->total += e->size;
	return TRUE;
}

gboolean
pcq_purge(const char *dir, guint max_age_days, guint64 max_size, guint *removed,
	  GError **error)
{
	PcqFilter all = { 0 };
	PcqAges ages = { g_ptr_array_new_with_free_func(g_free),
			 g_array_new(FALSE, FALSE, sizeof(gint64)),
			 g_array_new(FALSE, FALSE, sizeof(guint64)), 0 };
	gint64 cutoff = g_get_real_time() / G_USEC_PER_SEC - (gint64)max_age_days * 86400;
	gboolean ok = pcq_index_list(dir, &all, pcq_collect, &ages, error);

	*removed = 0;
	for (guint i = 0; ok && i < ages.ids->len; i++) {
		const char *id = g_ptr_array_index(ages.ids, i);
		gboolean old = max_age_days > 0 && g_array_index(ages.received, gint64, i) < cutoff;
		gboolean over = max_size > 0 && ages.total > max_size;

		if (!old && !over)
			break;	/* oldest first: nothing later is older */
		if (pcq_delete(dir, id, NULL))
			(*removed)++;
		ages.total -= g_array_index(ages.sizes, guint64, i);
	}
	g_ptr_array_unref(ages.ids);
	g_array_unref(ages.received);
	g_array_unref(ages.sizes);
	return ok;
}
