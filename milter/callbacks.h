/*
 * NAME
 *	callbacks.h - the libmilter callback table
 */
#ifndef PCM_CALLBACKS_H
#define PCM_CALLBACKS_H

#include <glib.h>
#include <libmilter/mfapi.h>

extern struct smfiDesc pcm_milter_desc;

/* Messages between MAIL FROM and end-of-message/abort right now. */
guint pcm_messages_in_flight(void);

/* Shutdown, first step: messages already started go on; any message that
 * starts from now on is tempfailed at end of headers.  (Debian's libmilter
 * runs a worker pool that abandons open sessions at smfi_stop(), so that
 * call must wait until nothing is in flight.) */
void pcm_stop_accepting(void);

#endif
