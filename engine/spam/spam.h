/*
 * NAME
 *	spam.h - the spam check's pieces (internal to engine/spam/)
 */
#ifndef PC_SPAM_H
#define PC_SPAM_H

#include "../check.h"
#include "rules.h"

/* GTUBE: a message carrying it is always spam (SpamAssassin's test string). */
#define PC_GTUBE "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

void pc_spam_view_init(PcSpamView *view, const PcScan *scan);
void pc_spam_view_clear(PcSpamView *view);
/* The X-Spam-Relays-* pseudo-headers of view from its Received trail,
 * and the envelope sender as SpamAssassin derives it when the MTA's is
 * not known; trusted: trusted_networks (GInetAddressMask *, NULL or
 * empty: SpamAssassin's inference). */
void pc_spam_view_relays(PcSpamView *view, const GPtrArray *trusted);
/* Visible text of an HTML part; links, hidden text and images noted in view. */
char *pc_spam_html_text(const char *html, PcSpamView *view);

/* relay.c: trusted_networks (GInetAddressMask *), and the address DNS
 * lists are asked about (NULL: only our own relays). */
GPtrArray *pc_trusted_new(char *const *ranges, GError **error);
void pc_trusted_free(GPtrArray *trusted);
char *pc_spam_relay(const PcSpamView *view, const char *client, const GPtrArray *trusted);
/* address is one of our relays: trusted, loopback, private or not an address. */
gboolean pc_relay_is_ours(const char *address, const GPtrArray *trusted);

#endif
