/*
 * NAME
 *	daemon.h - process plumbing: socket file, detaching, pidfile, user
 * DIAGNOSTICS
 *	Every function returns FALSE with a GError naming the file or user and
 *	the system error; main() prints it and exits 1.
 */
#ifndef PCM_DAEMON_H
#define PCM_DAEMON_H

#include <glib.h>
#include "conf.h"

/* Opens the milter socket (removing a stale unix socket file) and applies
 * socket_mode and socket_group to a unix socket. */
gboolean pcm_daemon_open_socket(const PcmConfig *conf, GError **error);
/* The file of a unix:/local: socket specification, or NULL for inet. */
char *pcm_daemon_unix_path(const char *socket);
/* Removes the unix socket at path unless something listens there: after
 * our listener stopped, a live socket is a successor's (a restart). */
void pcm_daemon_unlink_dead_socket(const char *path);
/* Forks into the background; the parent exits once pcm_daemon_ready() or
 * exits 1 if the child dies first.  No threads may exist yet. */
gboolean pcm_daemon_detach(GError **error);
void pcm_daemon_ready(void);
gboolean pcm_daemon_write_pidfile(const char *path, GError **error);
gboolean pcm_daemon_drop_privileges(const char *user, GError **error);
/* Started as root with a run user: files made before the drop (the
 * release key) are made for that user. */
void pcm_daemon_files_for_user(const char *user);
/* Spool (and, if used, quarantine) directories writable by this process;
 * make: create the scratch and notification queue when missing (not -t). */
gboolean pcm_daemon_check_dirs(const PcmConfig *conf, gboolean make, GError **error);

#endif
