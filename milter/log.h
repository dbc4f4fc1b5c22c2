/*
 * NAME
 *	log.h - the daemon's log: syslog, or stderr in the foreground
 * DESCRIPTION
 *	pcm_log() tests the level itself, so callers never wrap it in "is
 *	logging on?" checks.  pcm_msg_log() prefixes the MTA queue id, so
 *	every line about a message can be found with one grep.
 * THREAD SAFETY
 *	Any thread.  The level may change on config reload (atomic).
 */
#ifndef PCM_LOG_H
#define PCM_LOG_H

#include <glib.h>
#include <syslog.h>

void pcm_log_open(gboolean to_stderr, const char *facility);
void pcm_log_set_level(int priority);
gboolean pcm_log_enabled(int priority);
void pcm_log(int priority, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
int pcm_log_facility_by_name(const char *name);

/* At most one line per interval for a condition that may hold for every
 * message; the next line that passes says how many were left out.  Static
 * storage, zeroed, is ready to use. */
typedef struct {
	GMutex lock;
	gint64 next_us;
	guint left_out;
} PcmLogLimit;

void pcm_log_limited(PcmLogLimit *limit, guint interval_s, int priority, const char *fmt,
		     ...) G_GNUC_PRINTF(4, 5);

#define pcm_msg_log(msg, prio, fmt, ...) \
	pcm_log((prio), "%s: " fmt, (msg)->queue_id, ##__VA_ARGS__)

#endif
