/*
 * NAME
 *	auth.h - what sender authentication results mean for a policy
 * DESCRIPTION
 *	Pure functions of the verdict's PcAuth and the policy, for decide.c:
 *	the action a DMARC or SPF failure asks for, whether an authenticated
 *	allow list holds, whether a DKIM signature earns signed_action.
 */
#ifndef PC_POLICY_AUTH_H
#define PC_POLICY_AUTH_H

#include <portcullis/policy.h>
#include <portcullis/verdict.h>

/* IGNORE, TAG, QUARANTINE or REJECT (never HONOUR); *why gets the log's
 * reason ("DMARC policy of example.com (p=reject)") when not IGNORE.  Mail
 * from a client of ours or a logged-in sender (authenticated) is IGNORE:
 * outgoing mail is signed after us. */
PcAuthAction pc_auth_wanted(const PcPolicy *policy, const PcAuth *auth, gboolean authenticated,
			    char **why);

/* The From address is on auth_allow_senders and authenticated. */
gboolean pc_auth_allowed(const PcPolicy *policy, const PcAuth *auth);

/* A DKIM signature over the whole body verified for a signed_domains
 * domain (or below one). */
gboolean pc_auth_signed_verified(const PcPolicy *policy, const PcAuth *auth);

#endif
