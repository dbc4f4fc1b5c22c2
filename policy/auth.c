/*
 * NAME
 *	auth.c - sender authentication results against a policy
 */
#include "config.h"

#include <string.h>

#include "auth.h"
#include "masks.h"

/* domain is one of domains or below one of them. */
static gboolean
pc_domain_listed(char *const *domains, const char *domain)
{
	gsize n = domain ? strlen(domain) : 0;

	for (char *const *d = domains; d != NULL && *d != NULL && n > 0; d++) {
		gsize m = strlen(*d);

		if (g_ascii_strcasecmp(domain, *d) == 0 ||
		    (n > m && domain[n - m - 1] == '.' && g_ascii_strcasecmp(domain + n - m, *d) == 0))
			return TRUE;
	}
	return FALSE;
}

static PcAuthAction
pc_auth_dmarc_wanted(const PcPolicy *policy, const PcAuth *auth)
{
	if (auth->dmarc != PC_AUTH_FAIL || auth->dmarc_disposition == NULL)
		return PC_AUTH_ACT_IGNORE;
	if (strcmp(auth->dmarc_disposition, "reject") == 0)
		return policy->dmarc_reject_action == PC_AUTH_ACT_HONOUR
			       ? PC_AUTH_ACT_REJECT : (PcAuthAction)policy->dmarc_reject_action;
	if (strcmp(auth->dmarc_disposition, "quarantine") == 0)
		return policy->dmarc_quarantine_action == PC_AUTH_ACT_HONOUR
			       ? PC_AUTH_ACT_QUARANTINE
			       : (PcAuthAction)policy->dmarc_quarantine_action;
	return PC_AUTH_ACT_IGNORE;
}

PcAuthAction
pc_auth_wanted(const PcPolicy *policy, const PcAuth *auth, gboolean authenticated, char **why)
{
	PcAuthAction dmarc, spf;
	g_autofree char *from = NULL;

	/* our own users' and relays' mail: it is signed (if at all) after us,
	 * on its way out, so its DMARC result here says nothing */
	if (auth == NULL || auth->local_client || authenticated)
		return PC_AUTH_ACT_IGNORE;
	dmarc = pc_auth_dmarc_wanted(policy, auth);
	spf = auth->spf == PC_AUTH_FAIL ? (PcAuthAction)policy->spf_fail_action : PC_AUTH_ACT_IGNORE;
	if (dmarc == PC_AUTH_ACT_IGNORE && spf == PC_AUTH_ACT_IGNORE)
		return PC_AUTH_ACT_IGNORE;
	/* a forwarder we trust vouches for what it received */
	if (auth->arc == PC_AUTH_PASS && pc_domain_listed(policy->arc_trusted_sealers,
							  auth->arc_sealer))
		return PC_AUTH_ACT_IGNORE;
	if (dmarc >= spf) {
		from = pc_auth_domain_text(auth->from_domain);
		*why = g_strdup_printf("DMARC policy of %s (p=%s)", from, auth->dmarc_disposition);
		return dmarc;
	}
	from = pc_auth_domain_text(auth->spf_domain);
	*why = g_strdup_printf("SPF fail for %s", from);
	return spf;
}

gboolean
pc_auth_allowed(const PcPolicy *policy, const PcAuth *auth)
{
	PcAddress from;
	gboolean allowed;

	if (auth == NULL || !auth->from_authenticated || auth->from_address == NULL ||
	    policy->auth_allow_senders == NULL)
		return FALSE;
	pc_address_init(&from, auth->from_address);
	allowed = pc_masks_match_address(policy->auth_allow_senders, &from);
	pc_address_clear(&from);
	return allowed;
}

gboolean
pc_auth_signed_verified(const PcPolicy *policy, const PcAuth *auth)
{
	for (guint i = 0; auth != NULL && auth->dkim != NULL && i < auth->dkim->len; i++) {
		const PcDkimResult *r = g_ptr_array_index(auth->dkim, i);

		if (r->result == PC_AUTH_PASS && r->whole_body &&
		    pc_domain_listed(policy->signed_domains, r->domain))
			return TRUE;
	}
	return FALSE;
}
