/*
 * NAME
 *	callbacks.h - the libmilter callback table
 */
#ifndef PCM_CALLBACKS_H
#define PCM_CALLBACKS_H

#include <glib.h>
#include <libmilter/mfapi.h>

extern struct smfiDesc pcm_milter_desc;

/* What portcullis asks of the MTA: header and body edits; no reply before end of
 * message (the MTA need not wait at each step); no DATA or unknown-command
 * events.  Shared with the benchmark's null milter, so that its floor is
 * measured on the same protocol traffic. */
#define PCM_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_CHGBODY | SMFIF_QUARANTINE)
#define PCM_NOREPLY (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | \
		     SMFIP_NR_HDR | SMFIP_NR_EOH | SMFIP_NR_BODY)
/* Only the events that carry what is scanned or logged: no DATA, no unknown
 * commands, no end-of-headers (the first body chunk or end-of-message says
 * it); each event is a packet and a wakeup for the MTA and for us. */
#define PCM_STEPS (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_HDR_LEADSPC | PCM_NOREPLY)

/* Messages between MAIL FROM and end-of-message/abort right now. */
guint pcm_messages_in_flight(void);

/* MTA connections negotiated and not yet closed. */
guint pcm_connections_open(void);

/* Shutdown, first step: messages already started go on; any message that
 * starts from now on is tempfailed at end of message.  (Debian's libmilter
 * runs a worker pool that abandons open sessions at smfi_stop(), so that
 * call must wait until the connections are closed: counting messages is not
 * enough, since the MTA's MAIL FROM may still be unread in the socket.) */
void pcm_stop_accepting(void);

#endif
