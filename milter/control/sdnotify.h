/*
 * NAME
 *	sdnotify.h - telling systemd how the daemon is (sd_notify(3)'s protocol)
 * SYNOPSIS
 *	pcm_notify("READY=1\nSTATUS=%s", summary);
 *	pcm_watchdog_start(healthy);  ...  pcm_watchdog_stop();
 * DESCRIPTION
 *	With Type=notify, systemd passes NOTIFY_SOCKET (a unix datagram
 *	socket, "@" for the abstract namespace) and reads "KEY=VALUE" lines
 *	from it: READY=1 once the milter socket listens and the engine is
 *	loaded, RELOADING=1 and READY=1 around reloads, STATUS= a line for
 *	`systemctl status`, WATCHDOG=1 to say the daemon still works.  With
 *	WatchdogSec=, systemd sets WATCHDOG_USEC; WATCHDOG=1 is then sent every
 *	half of it, but only while healthy() says the milter listener and the
 *	engine answer, so a hung daemon is restarted.  Without NOTIFY_SOCKET
 *	(not under systemd) nothing is sent.  The protocol is small enough
 *	that libsystemd is not needed for it.
 */
#ifndef PCM_SDNOTIFY_H
#define PCM_SDNOTIFY_H

#include <glib.h>

void pcm_notify(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* The same with a STATUS= line saying what runs (pcm_status_line()). */
void pcm_notify_status(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* "scanning: ClamAV 1.4.6, database 27100 (8.7M signatures), ..." */
char *pcm_status_line(void);
void pcm_watchdog_start(gboolean (*healthy)(void));
void pcm_watchdog_stop(void);

#endif
