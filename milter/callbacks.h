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

#endif
