/*
 * NAME
 *	control.h - the control socket: portcullisctl talks to the daemon
 * DESCRIPTION
 *	A unix stream socket ([milter] control_socket, mode 0660, the daemon's
 *	group).  A client sends one line and reads the answer until the
 *	daemon closes: its first line is "ok" or "error: WHY", the rest is
 *	text for a person (or JSON).  Requests:
 *	  status [json]          version, uptime, database, rules, Bayes, in
 *	                         flight, connections, the last reload (json:
 *	                         version, uptime, the database's version and
 *	                         age, signatures, in flight, connections)
 *	  stats [json]           the message counters (stats.h)
 *	  reload [config|signatures|policy]  waits for the reload and says what was
 *	                         loaded or why it failed
 *	  drain                  stop taking connections, finish the open
 *	                         ones, exit (as SIGTERM)
 *	Peers are checked with SO_PEERCRED besides the file's mode: root, the
 *	daemon's user, or a member of its group.
 */
#ifndef PCM_CONTROL_H
#define PCM_CONTROL_H

#include <glib.h>

#include "conf.h"

/* Listens on conf->control_socket (nothing when empty); FALSE with error
 * when the socket cannot be made. */
gboolean pcm_control_start(const PcmConfig *conf, GError **error);
void pcm_control_stop(void);

#endif
