/*
 * NAME
 *	masks.h - address masks and client networks of policy groups
 * DESCRIPTION
 *	A mask list answers "does this address match any mask?".  Masks:
 *	  user@example.com   that address (case-insensitive)
 *	  *@example.com      anyone at that domain ("@example.com" too)
 *	  example.com        the same as *@example.com
 *	  *.example.com      any address with a glob: * and ? (user@sub.*)
 *	  <>                 the null sender
 *	  re:REGEX           a PCRE regular expression, case-insensitive,
 *	                     searched in the address
 *	  file:PATH          every line of PATH is a mask (# starts a comment)
 *	Exact addresses and domains go in hash tables and globs and regular
 *	expressions are tried in order, so a list of thousands of addresses
 *	costs a lookup, not a scan.
 *
 *	A network list answers "is this client address in any range?":
 *	addresses and CIDR ranges, IPv4 and IPv6 ("192.0.2.7", "10.0.0.0/8",
 *	"2001:db8::/32"); an IPv4-mapped IPv6 client matches IPv4 ranges.
 * DIAGNOSTICS
 *	pc_masks_add() and pc_networks_add() fail with a message naming the
 *	mask (and, for file: masks, the file and line).
 */
#ifndef PC_POLICY_MASKS_H
#define PC_POLICY_MASKS_H

#include <glib.h>

typedef struct _PcMasks PcMasks;

PcMasks *pc_masks_new(void);
/* Lists are shared by the policies that inherit them: reference counted. */
PcMasks *pc_masks_ref(PcMasks *masks);
void pc_masks_unref(PcMasks *masks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PcMasks, pc_masks_unref)
gboolean pc_masks_add(PcMasks *masks, const char *mask, GError **error);
/* address without angle brackets; "" is the null sender. */
gboolean pc_masks_match(const PcMasks *masks, const char *address);

/* An address prepared once for matching against many lists. */
typedef struct {
	const char *text;	/* as given */
	char *lower;
	gsize length;
	const char *domain;	/* in lower, after the last '@'; NULL if none */
} PcAddress;

void pc_address_init(PcAddress *address, const char *text);
void pc_address_clear(PcAddress *address);
gboolean pc_masks_match_address(const PcMasks *masks, const PcAddress *address);
guint pc_masks_count(const PcMasks *masks);

typedef struct _PcNetworks PcNetworks;

PcNetworks *pc_networks_new(void);
PcNetworks *pc_networks_ref(PcNetworks *networks);
void pc_networks_unref(PcNetworks *networks);
gboolean pc_networks_add(PcNetworks *networks, const char *range, GError **error);
gboolean pc_networks_match(const PcNetworks *networks, const char *address);

#endif
