/*
 * NAME
 *	spf.h - Sender Policy Framework (RFC 7208): check_host()
 * SYNOPSIS
 *	PcSpfRequest req = { ip, sender, helo, receiver, lookup, data };
 *	result = pc_spf_check_mailfrom(&req, &domain, &why);
 *	result = pc_spf_check_helo(&req, &why);
 *	name = pc_spf_result_name(result);
 * DESCRIPTION
 *	Evaluates the SPF record of the MAIL FROM or HELO identity for a
 *	client address.  DNS is asked only through request->lookup (see
 *	dns/lookup.h), each name and type at most once per evaluation, so
 *	the daemon can run a check once with a blocking lookup to fill its
 *	cache and again with every answer cached, and get the same result.
 *	Everything but exp= is implemented: exp= is checked for syntax and
 *	never fetched.  %{p} expands to "unknown" (RFC 7208 7.3 allows it
 *	and discourages the macro).
 *	The limits of RFC 7208 4.6.4 apply (10 DNS-querying terms, 2 void
 *	lookups, 10 MX and PTR names); records, terms, nesting and macro
 *	output are bounded too, so a hostile record or sender costs little.
 */
#ifndef PC_AUTH_SPF_H
#define PC_AUTH_SPF_H

#include <glib.h>

#include "../dns/lookup.h"

typedef enum {
	PC_SPF_NONE,
	PC_SPF_NEUTRAL,
	PC_SPF_PASS,
	PC_SPF_FAIL,
	PC_SPF_SOFTFAIL,
	PC_SPF_TEMPERROR,
	PC_SPF_PERMERROR,
} PcSpfResult;

typedef struct {
	const char *ip;		/* client address in text, IPv4 or IPv6 (a
				 * v4-mapped ::ffff:a.b.c.d is IPv4) */
	const char *sender;	/* MAIL FROM address without <>, "" for the
				 * null sender */
	const char *helo;	/* HELO/EHLO argument as given (may be junk,
				 * an address literal, NULL) */
	const char *receiver;	/* our host name for %{r}; NULL: "unknown" */
	PcDnsLookupFunc lookup;
	gpointer data;
} PcSpfRequest;

/* check_host() for the MAIL FROM identity; for the null sender, the HELO
 * identity as postmaster@helo (RFC 7208 2.4).  domain (may be NULL) gets
 * the domain checked, lowercased, or NULL when there was none to check.
 * why (may be NULL) gets a short, plain reason for logs, e.g.
 * "ip4:192.0.2.0/24 matched", "no SPF record", "more than 10 DNS
 * lookups", "void lookup limit", "DNS error for example.com TXT".
 * Free both with g_free. */
PcSpfResult pc_spf_check_mailfrom(const PcSpfRequest *request, char **domain, char **why);

/* check_host() for the HELO identity; PC_SPF_NONE when helo is not a
 * domain name (address literal, single label, junk). */
PcSpfResult pc_spf_check_helo(const PcSpfRequest *request, char **why);

/* "none" "neutral" "pass" "fail" "softfail" "temperror" "permerror"
 * (the RFC 8601 names). */
const char *pc_spf_result_name(PcSpfResult result);

#endif
