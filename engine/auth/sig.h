/*
 * NAME
 *	sig.h - what DKIM-Signature, ARC-Message-Signature and ARC-Seal
 *	share: the key in DNS, the hash of canonical headers, the body hash,
 *	RSA and Ed25519 verification
 */
#ifndef PC_AUTH_SIG_H
#define PC_AUTH_SIG_H

#include <portcullis/auth.h>
#include "../dns/lookup.h"

/* One message as the signature checks see it. */
typedef struct {
	GPtrArray *fields;	/* PcAuthField *, in order (header.h) */
	const guint8 *body;
	gsize body_len;
	PcDnsLookupFunc lookup;
	gpointer lookup_data;
	gint64 now;		/* seconds since the epoch: t= and x= */
	GArray *bodies;		/* PcBodyHash: the body hashed once per
				 * canonicalization and l=, however many
				 * signatures ask; NULL: no memo */
} PcAuthMessage;

typedef struct {
	gboolean relaxed;
	guint64 limit;
	guint64 length;		/* canonical bytes in all */
	guint8 hash[32];
} PcBodyHash;

/* Why a signature did not verify, and the result that makes. */
typedef struct {
	PcAuthResult result;
	char *why;
} PcSigOutcome;

/* The canonical header data signed by a DKIM-Signature or
 * ARC-Message-Signature: the fields h= names, each taken bottom-up
 * (RFC 6376 5.4.2), then the signature field itself without b=. */
GString *pc_sig_header_data(const PcAuthMessage *m, guint self, const char *h, gboolean relaxed);

/* a= is one we verify (rsa-sha256, ed25519-sha256); *ed25519 gets which. */
gboolean pc_sig_algorithm(GHashTable *tags, gboolean *ed25519, PcSigOutcome *out);

/* Checks a= (bh= is in its hash), then bh= against the body hashed as
 * c= and l= say; *whole gets whether every body byte was hashed. */
gboolean pc_sig_body_ok(const PcAuthMessage *m, GHashTable *tags, gboolean relaxed_body,
			gboolean *whole, PcSigOutcome *out);

/* Fetches s._domainkey.d, checks the key record against a=, and
 * verifies b= over data.  TRUE on pass; otherwise out says why. */
gboolean pc_sig_verify(const PcAuthMessage *m, GHashTable *tags, const GString *data,
		       PcSigOutcome *out);

/* c= as (header relaxed, body relaxed); FALSE when malformed. */
gboolean pc_sig_canon(const char *c, gboolean *header_relaxed, gboolean *body_relaxed);

/* Sets out (first reason wins) and returns FALSE. */
gboolean pc_sig_fail(PcSigOutcome *out, PcAuthResult result, const char *why);

#endif
