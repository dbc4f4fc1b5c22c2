/*
 * NAME
 *	auth.h - the engine's sender authentication, inside the engine
 * DESCRIPTION
 *	dkim.c, arc.c and dmarc.c each take the message as sig.h's
 *	PcAuthMessage and add their results to a PcAuth; auth.c is the check
 *	that runs them (and SPF, spf.c) with DNS from the engine's resolver.
 */
#ifndef PC_AUTH_AUTH_H
#define PC_AUTH_AUTH_H

#include <portcullis/auth.h>
#include "../check.h"
#include "sig.h"

/* Most DKIM signatures and ARC sets looked at: each costs a DNS
 * question and a public-key operation, and a sender chooses how many. */
#define PC_DKIM_MAX_SIGNATURES 8
#define PC_ARC_MAX_INSTANCES 50
/* Header fields read: signatures can only cover what is read. */
#define PC_AUTH_MAX_FIELDS 1000

void pc_dkim_verify(const PcAuthMessage *m, PcAuth *auth);
void pc_arc_verify(const PcAuthMessage *m, PcAuth *auth);
/* Needs auth->spf and auth->dkim; sets from_domain and the dmarc fields. */
void pc_dmarc_evaluate(const PcAuthMessage *m, PcAuth *auth);

/* The DMARC records a message's From will need. */
void pc_dmarc_record_names(GPtrArray *fields, GPtrArray *names);

/* Names the key lookups of every DKIM signature, the DMARC records and the
 * ARC keys will ask, so they can start as soon as the header is in. */
void pc_auth_header_names(const guint8 *data, gsize len, GPtrArray *txt_names);

extern const PcCheck pc_check_auth;

#endif
