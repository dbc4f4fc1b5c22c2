/*
 * NAME
 *	client.h - asking the daemon over its control socket (control.h)
 * DESCRIPTION
 *	portcullisctl and portcullis-web send their requests through this.
 */
#ifndef PCM_CLIENT_H
#define PCM_CLIENT_H

#include <glib.h>

/* Sends request to the socket at path; *answer gets the text after the
 * status line.  TRUE when that line was "ok"; otherwise error has the
 * daemon's reason, or why it could not be asked. */
gboolean pcm_control_ask(const char *path, const char *request, GString *answer,
			 GError **error);

#endif
