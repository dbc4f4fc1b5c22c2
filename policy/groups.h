/*
 * NAME
 *	groups.h - which policy applies to a (sender, recipient) pair
 * DESCRIPTION
 *	A group is a set of conditions and the policy that applies when they
 *	hold: senders and recipients (mask lists, see masks.h), clients
 *	(networks) and whether the client logged in (SASL).  A condition
 *	that is not set holds for everyone.  Among the groups that match,
 *	the highest priority wins, and on equal priority the one defined
 *	first; when none matches, the default policy applies.
 *
 *	The group's policy is the default policy with the group's own keys
 *	applied on top (built by the configuration loader, which owns it).
 */
#ifndef PC_POLICY_GROUPS_H
#define PC_POLICY_GROUPS_H

#include <portcullis/policy.h>
#include "masks.h"

typedef struct {
	char *name;
	char *file;		/* where it is defined, for messages */
	guint line;
	gint priority;
	guint order;		/* definition order */
	PcMasks *senders;	/* NULL: any */
	PcMasks *recipients;	/* NULL: any */
	PcNetworks *clients;	/* NULL: any */
	gint authenticated;	/* -1: any; 0: only without login; 1: only with */
	PcPolicy policy;
} PcGroup;

typedef struct {
	const char *sender;		/* "" for <> */
	const char *recipient;
	const char *client_address;
	gboolean authenticated;
} PcEnvelope;

PcGroup *pc_group_new(const char *name, const char *file, guint line, guint order);
/* Frees the conditions and the group; the policy is the caller's to clear first. */
void pc_group_free_conditions(PcGroup *group);

/* TRUE when two policies make the engine scan the same way (checks,
 * modes, overrides, filter), so one verdict serves both. */
gboolean pc_policy_same_scan(const PcPolicy *a, const PcPolicy *b);

/* Orders groups by priority (highest first), then definition order. */
void pc_groups_sort(GPtrArray *groups);
/* The first group of a sorted array that matches, or NULL (the default). */
const PcGroup *pc_groups_match(const GPtrArray *groups, const PcEnvelope *envelope);

#endif
