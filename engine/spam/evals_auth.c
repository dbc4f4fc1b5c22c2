/*
 * NAME
 *	evals_auth.c - the eval: tests of SpamAssassin's DKIM, SPF and DMARC
 *	plugins, over the engine's own results (engine/auth/)
 * DESCRIPTION
 *	Each answers as the plugin does from the same results:
 *	  check_dkim_signed([D...])        a DKIM-Signature (of a domain D)
 *	  check_dkim_valid([D...])         one verified (of a domain D)
 *	  check_dkim_valid_author_sig([D...])  one verified for the From domain
 *	  check_dkim_valid_envelopefrom()  one verified for the envelope sender's
 *	  check_for_spf_X(), check_for_spf_helo_X()  the MAIL FROM or HELO
 *	                                   result is X
 *	  check_dmarc_pass/reject/quarantine/none/missing()
 *	  check_arc_signed(), check_arc_valid()
 *	A message checked without authentication (no results) hits none.
 */
#include "config.h"

#include <string.h>

#include "evals_auth.h"
#include "rules.h"

/* "verified" as SpamAssassin's DKIM plugin means it: pass, with a short
 * l= still counting (it only warns), unlike DMARC here. */
static gboolean
pc_auth_dkim_matches(const PcSpamView *v, char *const *domains, gboolean verified,
		     const char *only)
{
	for (guint i = 0; v->auth && v->auth->dkim && i < v->auth->dkim->len; i++) {
		const PcDkimResult *r = g_ptr_array_index(v->auth->dkim, i);
		gboolean listed = domains == NULL || domains[0] == NULL;

		if (verified && r->result != PC_AUTH_PASS && r->result != PC_AUTH_POLICY)
			continue;
		if (only != NULL && g_ascii_strcasecmp(r->domain ? r->domain : "", only) != 0)
			continue;
		for (char *const *d = domains; !listed && d && *d; d++)
			listed = g_ascii_strcasecmp(r->domain ? r->domain : "", *d) == 0;
		if (listed)
			return TRUE;
	}
	return FALSE;
}

gboolean
pc_auth_eval_dkim_signed(const PcMsgArgs *a, const PcSpamView *v)
{
	return pc_auth_dkim_matches(v, a->args, FALSE, NULL);
}

gboolean
pc_auth_eval_dkim_valid(const PcMsgArgs *a, const PcSpamView *v)
{
	return pc_auth_dkim_matches(v, a->args, TRUE, NULL);
}

gboolean
pc_auth_eval_dkim_author(const PcMsgArgs *a, const PcSpamView *v)
{
	return v->auth && v->auth->from_domain &&
	       pc_auth_dkim_matches(v, a->args, TRUE, v->auth->from_domain);
}

gboolean
pc_auth_eval_dkim_envfrom(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->sender_domain && pc_auth_dkim_matches(v, NULL, TRUE, v->sender_domain);
}

/* check_for_spf_helo_fail: the word after the prefix names the result. */
gboolean
pc_auth_eval_spf(const PcMsgArgs *a, const PcSpamView *v)
{
	const char *want = a->name + strlen("check_for_spf_");
	gboolean helo = g_str_has_prefix(want, "helo_");

	if (v->auth == NULL)
		return FALSE;
	if (helo)
		want += strlen("helo_");
	return strcmp(pc_auth_result_name(helo ? v->auth->spf_helo : v->auth->spf), want) == 0;
}

/* SpamAssassin's DMARC plugin: pass, or a failure under each policy; no
 * record at all is "missing". */
gboolean
pc_auth_eval_dmarc(const PcMsgArgs *a, const PcSpamView *v)
{
	const char *want = a->name + strlen("check_dmarc_");
	const PcAuth *auth = v->auth;

	if (auth == NULL)
		return FALSE;
	if (strcmp(want, "pass") == 0)
		return auth->dmarc == PC_AUTH_PASS;
	if (strcmp(want, "missing") == 0)
		return auth->dmarc == PC_AUTH_NONE;
	return auth->dmarc == PC_AUTH_FAIL && g_strcmp0(auth->dmarc_policy, want) == 0;
}

gboolean
pc_auth_eval_arc_signed(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->auth && v->auth->arc_instances > 0;
}

gboolean
pc_auth_eval_arc_valid(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->auth && v->auth->arc == PC_AUTH_PASS;
}
