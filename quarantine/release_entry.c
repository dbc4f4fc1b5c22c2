/*
 * NAME
 *	release_entry.c - releasing a quarantine entry (release_entry.h)
 */
#include "config.h"

#include <time.h>

#include "release_entry.h"
#include "index.h"
#include "notify.h"
#include "release.h"

/* The mark line, then the stored bytes, into sendmail_path's stdin. */
static gboolean
pcq_reinject(const PcqReleaseTarget *t, const PcqEntry *e, const char *const *rcpts,
	     GBytes *key, gint64 now, GError **error)
{
	g_autoptr(GMappedFile) map = pcq_map_file(t->dir, e->id, ".eml", error);
	g_autoptr(GBytes) input = NULL;
	g_autofree char *mark = NULL;
	GString *text;

	if (map == NULL)
		return FALSE;
	mark = pcq_release_mark(key, e->id, now, rcpts,
				(const guint8 *)g_mapped_file_get_contents(map),
				g_mapped_file_get_length(map));
	text = g_string_new(NULL);
	g_string_printf(text, "%s: %s\r\n", PCQ_RELEASE_HEADER, mark);
	g_string_append_len(text, g_mapped_file_get_contents(map), g_mapped_file_get_length(map));
	input = g_string_free_to_bytes(text);
	return pcn_deliver(t->sendmail_path, t->relay, e->sender, rcpts, input, error);
}

/* "2026-12-04 10:00:00 UTC to a@x,b@y", as portcullisctl shows it. */
static char *
pcq_released_text(gint64 now, const char *const *rcpts)
{
	time_t when = (time_t)now;
	g_autofree char *list = g_strjoinv(",", (char **)rcpts);
	struct tm tm;
	char stamp[32] = "?";

	if (gmtime_r(&when, &tm) != NULL)
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	return g_strdup_printf("%s UTC to %s", stamp, list);
}

gboolean
pcq_release_entry(const PcqReleaseTarget *target, PcqEntry *entry,
		  const char *const *recipients, gint64 now, char **warning, GError **error)
{
	const char *const *rcpts = recipients ? recipients : (const char *const *)entry->recipients;
	g_autoptr(GBytes) key = NULL;
	g_autoptr(GError) record = NULL;

	if (entry->damaged) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_DAMAGED, "%s is damaged (%s); not released",
			    entry->id, entry->damage);
		return FALSE;
	}
	if (rcpts == NULL || rcpts[0] == NULL) {
		g_set_error(error, PCQ_ERROR, PCQ_ERROR_FAILED, "%s: no recipient to release to",
			    entry->id);
		return FALSE;
	}
	key = pcq_release_key_load(target->key_file, FALSE, error);
	if (key == NULL || !pcq_reinject(target, entry, rcpts, key, now, error))
		return FALSE;
	/* every release is kept: a recipient's digest leaves out only theirs */
	{
		g_autofree char *text = pcq_released_text(now, rcpts);
		char *all = entry->released ? g_strconcat(entry->released, "; ", text, NULL)
					    : g_steal_pointer(&text);

		g_free(entry->released);
		entry->released = all;
	}
	if ((!pcq_entry_save(target->dir, entry, &record) ||
	     !pcq_index_add(target->dir, entry, &record)) && warning != NULL)
		*warning = g_strdup_printf("released, but not recorded: %s", record->message);
	return TRUE;
}
