/*
 * NAME
 *	auth.h - sender authentication results: SPF, DKIM, DMARC, ARC
 * DESCRIPTION
 *	What the engine's authentication check found about one message
 *	(engine/auth/), as the verdict carries it to the decision step (DMARC
 *	and SPF actions, allow lists that need an authenticated sender,
 *	signed_action) and to the milter (Authentication-Results, the log).
 *	Results are RFC 8601's vocabulary; a DNS failure is temperror, a
 *	result like any other: it never tempfails a message by itself.
 */
#ifndef PORTCULLIS_AUTH_H
#define PORTCULLIS_AUTH_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	PC_AUTH_NONE,
	PC_AUTH_PASS,
	PC_AUTH_FAIL,
	PC_AUTH_SOFTFAIL,
	PC_AUTH_NEUTRAL,
	PC_AUTH_POLICY,		/* DKIM: verified, but not acceptable (l= short) */
	PC_AUTH_TEMPERROR,
	PC_AUTH_PERMERROR,
} PcAuthResult;

typedef struct {
	PcAuthResult result;
	char *domain;		/* d=, lowercased */
	char *selector;		/* s= */
	char *algorithm;	/* a= */
	char *b;		/* b='s first 12 characters (header.b) */
	gboolean whole_body;	/* the body hash covers every byte (no short l=) */
	char *why;		/* short plain reason when not pass */
} PcDkimResult;

typedef struct {
	gboolean local_client;	/* the client is one of ours (trusted_networks,
				 * loopback, private ranges): its mail is
				 * checked, not judged (policy/auth.c) */
	PcAuthResult spf;	/* the MAIL FROM identity (HELO for <>) */
	char *spf_domain;
	char *spf_why;
	PcAuthResult spf_helo;
	char *helo;
	GPtrArray *dkim;	/* PcDkimResult *, in header order */
	char *from_address;	/* RFC5322.From's address; NULL: none or several */
	char *from_domain;	/* its domain, lowercased */
	gboolean from_authenticated;	/* SPF or a whole-body DKIM signature passed
					 * for a domain aligned (relaxed) with it */
	PcAuthResult dmarc;
	char *dmarc_policy;	/* "none", "quarantine", "reject": the record's
				 * p= (sp= below the organizational domain) */
	char *dmarc_disposition;	/* what it asks for this failing message,
					 * after pct= sampling; NULL unless fail */
	char *dmarc_why;
	PcAuthResult arc;
	guint arc_instances;	/* sets in the chain */
	char *arc_sealer;	/* d= of the newest ARC-Seal, when the chain passed */
	char *arc_why;
} PcAuth;

const char *pc_auth_result_name(PcAuthResult result);
PcAuth *pc_auth_new(void);
void pc_auth_free(PcAuth *auth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcAuth, pc_auth_free)

/* TRUE when a DKIM signature that covers the whole body verified for
 * domain or, with relaxed alignment, for a domain sharing its
 * organizational domain (aligned with RFC5322.From, as DMARC says). */
gboolean pc_auth_dkim_aligned(const PcAuth *auth, const char *domain, gboolean strict);

/* A domain from a message as safe text for logs, headers and replies:
 * letters, digits, dots and hyphens, at most 64 (others become '?'). */
char *pc_auth_domain_text(const char *domain);

/* The Authentication-Results value (RFC 8601) for these results, folded
 * with "\n\t"; everything from the message in it is escaped. */
char *pc_auth_header(const PcAuth *auth, const char *authserv_id);

/* The authserv-id an Authentication-Results value names (its first
 * token), or NULL; for removing forged copies of ours. */
char *pc_auth_header_id(const char *value);

/* "spf:pass dkim:pass(example.com) dmarc:pass": the log's auth= value. */
char *pc_auth_describe(const PcAuth *auth);

G_END_DECLS

#endif
