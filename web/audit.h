/*
 * NAME
 *	audit.h - the web console's audit log: who did what, when
 * DESCRIPTION
 *	One JSON object a line, appended with O_APPEND in one write:
 *	{"time": UNIX, "user": NAME, "action": "release", "what": "ID to
 *	a@x", "result": "ok" | why it failed}.  The console opens the log
 *	before it acts and refuses to act when it cannot (an action nobody
 *	can account for is not done); a line that cannot be written after
 *	the act goes to the console's own log instead.
 */
#ifndef PCW_AUDIT_H
#define PCW_AUDIT_H

#include <glib.h>

typedef struct _PcwAudit PcwAudit;

/* Opens path for appending (made 0640, its directory 0750, when missing);
 * path "" is no audit log: a PcwAudit that writes nothing.  NULL and
 * error when it cannot be opened. */
PcwAudit *pcw_audit_open(const char *path, GError **error);
void pcw_audit_write(PcwAudit *audit, gint64 now, const char *user, const char *action,
		     const char *what, const char *result);
void pcw_audit_close(PcwAudit *audit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcwAudit, pcw_audit_close)

/* The last lines (at most limit, from the last megabyte), newest first. */
char **pcw_audit_tail(const char *path, guint limit, GError **error);

#endif
