/*
 * NAME
 *	resolver.h - DNS list lookups: asynchronous, cached, with a deadline
 * SYNOPSIS
 *	r = pc_resolver_new(servers, timeout_ms, &error);
 *	pc_resolver_start(r, "2.0.0.127.bl.example");	(any thread, no wait)
 *	pc_resolver_wait(r, names, deadline, answers);	(any thread)
 *	pc_resolver_start_type(r, PC_DNS_TXT, "_dmarc.example.com");
 *	status = pc_resolver_lookup(r, PC_DNS_TXT, name, deadline, records);
 *	pc_resolver_free(r);
 *	r = pc_resolver_acquire(servers, timeout_ms, &error);	(shared)
 *	pc_resolver_release(r);
 * DESCRIPTION
 *	One thread owns a c-ares channel (c-ares before 1.23 is not thread
 *	safe) and sends the queries (A for DNS lists; TXT, MX, PTR, AAAA too
 *	for sender authentication) that scanning threads ask for; answers
 *	go to a cache shared by every message.  Asking for a name already
 *	cached or in flight costs a hash lookup, so lookups can be started as
 *	soon as the milter knows the data (client address at connect, sender
 *	at MAIL FROM) and waited for at the end of the message.
 *	An answer is kept for its TTL (1 minute to 1 hour), "no such name"
 *	for 5 minutes, and a failure (timeout, refused, server failure) for
 *	30 seconds, so a list that is down costs one wait, not one per message.
 *	servers: "ip[:port],..." (c-ares' form); NULL or "": /etc/resolv.conf.
 *	timeout_ms is c-ares' wait per try (two tries).
 */
#ifndef PC_DNS_RESOLVER_H
#define PC_DNS_RESOLVER_H

#include <glib.h>

#include "lookup.h"

typedef struct _PcResolver PcResolver;

PcResolver *pc_resolver_new(const char *servers, guint timeout_ms, GError **error);
void pc_resolver_free(PcResolver *resolver);

/* The process's resolver for these servers and timeout, made on first use
 * and freed at the last release: engines that replace each other (reloads)
 * share its cache. */
PcResolver *pc_resolver_acquire(const char *servers, guint timeout_ms, GError **error);
void pc_resolver_release(PcResolver *resolver);

/* Sends the query unless name is cached or in flight. */
void pc_resolver_start(PcResolver *resolver, const char *name);

/* Starts every name and waits until each is answered or deadline (the
 * monotonic clock, µs) passes.  answers gets name -> the A records as
 * "127.0.0.2 127.0.0.4" ("" for no such name) for every name answered in
 * time; a name missing from it timed out or failed.  Returns how many
 * are missing. */
guint pc_resolver_wait(PcResolver *resolver, GPtrArray *names, gint64 deadline,
		       GHashTable *answers);

/* Sends a query of any type unless it is cached or in flight. */
void pc_resolver_start_type(PcResolver *resolver, PcDnsType type, const char *name);

/* One question, answered from the cache or waited for until deadline (a
 * deadline passed is PC_DNS_ERROR); records as lookup.h says. */
PcDnsStatus pc_resolver_lookup(PcResolver *resolver, PcDnsType type, const char *name,
			       gint64 deadline, GPtrArray *records);

/* pc_resolver_lookup() as a PcDnsLookupFunc: data is a PcResolverLookup. */
typedef struct {
	PcResolver *resolver;
	gint64 deadline;
	gint64 *waited_us;	/* time spent in lookups is added here; may be NULL */
} PcResolverLookup;
PcDnsStatus pc_resolver_lookup_func(gpointer data, PcDnsType type, const char *name,
				    GPtrArray *records);

/* "4.3.2.1" for 1.2.3.4, nibbles for IPv6; NULL when not an address. */
char *pc_resolver_reverse(const char *address);

#endif
