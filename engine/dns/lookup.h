/*
 * NAME
 *	lookup.h - one DNS question, asked synchronously, as checks see it
 * SYNOPSIS
 *	status = lookup(data, PC_DNS_TXT, "example.com", records);
 * DESCRIPTION
 *	Sender authentication (SPF, DKIM, DMARC, ARC) is written against
 *	this one function type, so the same code runs on the engine's
 *	c-ares resolver and cache (resolver.h) in the daemon and on a fixed
 *	table in unit tests.
 *	records gets the answer's records as strings (char *, owned by the
 *	array, which must have g_free as its free function):
 *	  A, AAAA  the addresses in text form ("192.0.2.1", "2001:db8::1")
 *	  TXT      each record's character-strings joined with nothing
 *	           between them (RFC 7208 3.3, RFC 6376 3.6.2.2)
 *	  MX       the exchange names, lowest preference first
 *	  PTR      the names
 *	Names are asked as given, without a trailing dot and without the
 *	search list.  CNAMEs are followed by the server.
 */
#ifndef PC_DNS_LOOKUP_H
#define PC_DNS_LOOKUP_H

#include <glib.h>

typedef enum {
	PC_DNS_A,
	PC_DNS_AAAA,
	PC_DNS_TXT,
	PC_DNS_MX,
	PC_DNS_PTR,
} PcDnsType;

typedef enum {
	PC_DNS_ANSWER,		/* records given; none when the name has only
				 * other types (NODATA) */
	PC_DNS_NXDOMAIN,	/* no such name; records empty */
	PC_DNS_ERROR,		/* timeout, SERVFAIL, refused, malformed
				 * answer or deadline passed: a retry may
				 * succeed (temperror) */
} PcDnsStatus;

typedef PcDnsStatus (*PcDnsLookupFunc)(gpointer data, PcDnsType type, const char *name,
				       GPtrArray *records);

#endif
