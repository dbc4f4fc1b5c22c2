/*
 * NAME
 *	received.h - a message's Received trail as SpamAssassin's relay records
 * DESCRIPTION
 *	pc_relays_parse() reads the Received headers, topmost (newest) first,
 *	the way SpamAssassin 4.0.1 does (Message/Metadata/Received.pm): each
 *	line is recognised as one of the MTA formats SpamAssassin knows and
 *	becomes a relay (ip, rdns, helo, by, ident, envfrom, id, auth), is
 *	skipped (local handovers, fetchmail/getmail markers, qmail-scanner
 *	notes), or counts as unparseable.  The relays are split into trusted
 *	and untrusted, internal and external: by trusted_networks and
 *	internal_networks when given (127/8 and ::1 always in both), or else
 *	by SpamAssassin's inference (a private address or an authenticated
 *	handover extends trust).  pc_relays_text() is the X-Spam-Relays-*
 *	pseudo-header text of one list, byte for byte as SpamAssassin writes
 *	it.  Only GLib and GIO: no view, no engine.
 */
#ifndef PC_SPAM_RECEIVED_H
#define PC_SPAM_RECEIVED_H

#include <gio/gio.h>

/* Received values read, at most (SpamAssassin reads all: a hostile
 * message may carry thousands; the ones past this are the oldest). */
#define PC_RELAYS_MAX_HEADERS 256
/* Bytes of one value read, at most: SpamAssassin's MAX_HEADER_VALUE_LENGTH. */
#define PC_RELAYS_MAX_VALUE 8192

typedef struct {
	char *ip, *rdns, *helo, *by, *ident, *envfrom, *id, *auth;
	gboolean msa, intl;
} PcRelay;

typedef struct {
	GPtrArray *trusted, *untrusted, *internal, *external;	/* PcRelay *, not owned */
	guint unparseable;		/* lines no format matched */
	GPtrArray *all;			/* owns every PcRelay, also those a fetcher marker dropped */
} PcRelays;

/* received: the Received values, unfolded, topmost first, as in the
 * message; then, if wanted, the lines pc_relays_originating() makes.
 * trusted, internal: GInetAddressMask * lists; NULL or empty for both
 * means SpamAssassin's inference; one alone stands for both. */
PcRelays *pc_relays_parse(char *const *received, guint n, const GPtrArray *trusted,
			  const GPtrArray *internal);
void pc_relays_free(PcRelays *r);
/* "[ ip=1.2.3.4 rdns=h helo=h by=b ident= envfrom= intl=0 id=X auth= msa=0 ] [ ... ]";
 * "" for an empty list. */
char *pc_relays_text(const GPtrArray *list);
/* check_all_trusted (ALL_TRUSTED): trusted relays, no untrusted, none unparseable. */
gboolean pc_relays_all_trusted(const PcRelays *r);
/* check_no_relays (NO_RELAYS): no relay and nothing unparseable. */
gboolean pc_relays_none(const PcRelays *r);
/* SpamAssassin's originating_ip_headers (10_default_prefs.cf), NULL-ended:
 * the last value of each, if it holds an address, is one more Received
 * line, "from X-Originating-IP: ADDR", after the real ones. */
extern const char *const pc_relays_originating_headers[];
char *pc_relays_originating(const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcRelays, pc_relays_free)

#endif
