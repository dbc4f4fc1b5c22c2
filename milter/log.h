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

/* Renders untrusted text (addresses, names, reasons: anything a sender
 * chose) for one field of a log line, so it can neither end the line nor
 * fake another field: '"' and '\\' are escaped, controls become \n, \r,
 * \t or \xNN, as do C1 controls, line separators and invalid UTF-8 (byte
 * by byte), and the result is cut after PCM_LOG_FIELD_MAX bytes with
 * "...".  A bare field (no quotes around it) also has its spaces as
 * \x20, so it stays one word. */
#define PCM_LOG_FIELD_MAX 400
void pcm_log_append(GString *out, const char *text, gboolean bare);
char *pcm_log_str(const char *text, gboolean bare);

/* log_id is the queue id already rendered by pcm_log_str(). */
#define pcm_msg_log(msg, prio, fmt, ...) \
	pcm_log((prio), "%s: " fmt, (msg)->log_id, ##__VA_ARGS__)

#endif
