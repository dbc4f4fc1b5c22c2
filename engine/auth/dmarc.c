/*
 * NAME
 *	dmarc.c - DMARC (RFC 7489): the From domain's policy and alignment
 * DESCRIPTION
 *	The record is looked up at _dmarc.<From domain>, then at the
 *	organizational domain (the public suffix list, as for URLs).  The
 *	message passes when SPF passed for an aligned domain or a DKIM
 *	signature over the whole body verified for one.  dmarc_policy says
 *	what the domain asks for a failing message after sp= and pct=; what
 *	is done about it is the policy's (dmarc_reject_action ...).
 */
#include "config.h"

#include <gmime/gmime.h>
#include <string.h>

#include "auth.h"
#include "header.h"
#include "../spam/url.h"

/* The one From field's one address; NULL otherwise (RFC 7489 6.6.1: no
 * single author domain, no DMARC). */
static char *
pc_dmarc_from_address(GPtrArray *fields)
{
	const PcAuthField *from = NULL;
	InternetAddressList *list;
	InternetAddress *ia;
	const char *addr, *at;
	char *address = NULL;

	for (guint i = 0; i < fields->len; i++) {
		const PcAuthField *f = g_ptr_array_index(fields, i);

		if (g_ascii_strcasecmp(f->name, "From") != 0)
			continue;
		if (from != NULL)
			return NULL;
		from = f;
	}
	if (from == NULL || (list = internet_address_list_parse(NULL,
								 pc_auth_field_value(from))) == NULL)
		return NULL;
	if (internet_address_list_length(list) == 1 &&
	    INTERNET_ADDRESS_IS_MAILBOX(ia = internet_address_list_get_address(list, 0)) &&
	    (addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia))) != NULL &&
	    (at = strrchr(addr, '@')) != NULL && at[1] != '\0' && strlen(at + 1) <= 253 &&
	    strlen(addr) <= 512)
		address = g_strdup(addr);
	g_object_unref(list);
	return address;
}

static char *
pc_dmarc_from_domain(GPtrArray *fields)
{
	g_autofree char *address = pc_dmarc_from_address(fields);

	return address ? g_ascii_strdown(strrchr(address, '@') + 1, -1) : NULL;
}

/* The one "v=DMARC1" record at _dmarc.domain as tags; *status says how the
 * lookup went: NXDOMAIN-like when there is no v=DMARC1 record, so the
 * organizational domain is asked next (RFC 7489 6.6.3 step 3).  Several
 * records, or a malformed one, are an answer without tags: discovery
 * ends there (step 5), it does not fall back to the organizational
 * domain. */
static GHashTable *
pc_dmarc_record(const PcAuthMessage *m, const char *domain, PcDnsStatus *status)
{
	g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *name = g_strdup_printf("_dmarc.%s", domain);
	GHashTable *found = NULL;
	guint seen = 0;

	*status = m->lookup(m->lookup_data, PC_DNS_TXT, name, records);
	for (guint i = 0; i < records->len && *status == PC_DNS_ANSWER; i++) {
		const char *r = records->pdata[i];

		if (g_ascii_strncasecmp(r, "v=DMARC1", 8) != 0 || (r[8] != ';' && r[8] != '\0' &&
								   !g_ascii_isspace(r[8])))
			continue;
		if (seen++ > 0) {	/* more than one: as if none (RFC 7489 6.6.3) */
			g_clear_pointer(&found, g_hash_table_unref);
			break;
		}
		found = pc_auth_tags(r);
	}
	if (seen == 0 && *status == PC_DNS_ANSWER)
		*status = PC_DNS_NXDOMAIN;
	return found;
}

static gboolean
pc_dmarc_aligned(const char *a, const char *b, gboolean strict)
{
	g_autofree char *oa = NULL, *ob = NULL;

	if (a == NULL || b == NULL)
		return FALSE;
	if (g_ascii_strcasecmp(a, b) == 0)
		return TRUE;
	if (strict)
		return FALSE;
	oa = pc_url_registrable(a);
	ob = pc_url_registrable(b);
	return g_ascii_strcasecmp(oa, ob) == 0;
}

gboolean
pc_auth_dkim_aligned(const PcAuth *auth, const char *domain, gboolean strict)
{
	for (guint i = 0; auth->dkim != NULL && i < auth->dkim->len; i++) {
		const PcDkimResult *r = g_ptr_array_index(auth->dkim, i);

		if (r->result == PC_AUTH_PASS && r->whole_body &&
		    pc_dmarc_aligned(r->domain, domain, strict))
			return TRUE;
	}
	return FALSE;
}

static gboolean
pc_dmarc_policy_ok(const char *p)
{
	return p != NULL && (strcmp(p, "none") == 0 || strcmp(p, "quarantine") == 0 ||
			     strcmp(p, "reject") == 0);
}

/* The record's policy for this domain: sp= below the organizational
 * domain (RFC 7489 6.3). */
static const char *
pc_dmarc_policy(GHashTable *tags, gboolean subdomain)
{
	const char *sp = g_hash_table_lookup(tags, "sp");

	return subdomain && pc_dmarc_policy_ok(sp) ? sp : g_hash_table_lookup(tags, "p");
}

/* What a failing message gets after pct= sampling (RFC 7489 6.6.4): one
 * step milder when the message falls outside the percentage. */
static const char *
pc_dmarc_disposition(GHashTable *tags, const char *policy)
{
	const char *pct = g_hash_table_lookup(tags, "pct");
	guint64 percent = 100;

	if (pct != NULL && !g_ascii_string_to_unsigned(pct, 10, 0, 100, &percent, NULL))
		percent = 100;
	if ((guint64)g_random_int_range(0, 100) >= percent)
		return strcmp(policy, "reject") == 0 ? "quarantine" : "none";
	return policy;
}

static void
pc_dmarc_set(PcAuth *auth, PcAuthResult result, const char *policy, const char *why)
{
	auth->dmarc = result;
	g_free(auth->dmarc_policy);
	auth->dmarc_policy = g_strdup(policy);
	g_clear_pointer(&auth->dmarc_disposition, g_free);
	g_free(auth->dmarc_why);
	auth->dmarc_why = g_strdup(why);
}

void
pc_dmarc_evaluate(const PcAuthMessage *m, PcAuth *auth)
{
	g_autofree char *org = NULL;
	g_autoptr(GHashTable) tags = NULL;
	PcDnsStatus status;
	gboolean strict_dkim, strict_spf, subdomain = FALSE;
	const char *policy;

	g_free(auth->from_address);
	g_free(auth->from_domain);
	auth->from_address = pc_dmarc_from_address(m->fields);
	auth->from_domain = auth->from_address ? g_ascii_strdown(strrchr(auth->from_address, '@') + 1, -1)
					       : NULL;
	if (auth->from_domain == NULL) {
		pc_dmarc_set(auth, PC_AUTH_NONE, NULL, "no single From domain");
		return;
	}
	auth->from_authenticated =
		pc_auth_dkim_aligned(auth, auth->from_domain, FALSE) ||
		(auth->spf == PC_AUTH_PASS && pc_dmarc_aligned(auth->spf_domain, auth->from_domain,
							       FALSE));
	org = pc_url_registrable(auth->from_domain);
	tags = pc_dmarc_record(m, auth->from_domain, &status);
	if (tags == NULL && status == PC_DNS_NXDOMAIN && strcmp(org, auth->from_domain) != 0) {
		tags = pc_dmarc_record(m, org, &status);
		subdomain = TRUE;
	}
	if (status == PC_DNS_ERROR) {
		pc_dmarc_set(auth, PC_AUTH_TEMPERROR, NULL, "DMARC record lookup failed");
		return;
	}
	if (tags == NULL) {
		pc_dmarc_set(auth, PC_AUTH_NONE, NULL, "no DMARC record");
		return;
	}
	if (!pc_dmarc_policy_ok(g_hash_table_lookup(tags, "p"))) {
		pc_dmarc_set(auth, PC_AUTH_PERMERROR, NULL, "DMARC record has no valid p=");
		return;
	}
	strict_dkim = g_strcmp0(g_hash_table_lookup(tags, "adkim"), "s") == 0;
	strict_spf = g_strcmp0(g_hash_table_lookup(tags, "aspf"), "s") == 0;
	policy = pc_dmarc_policy(tags, subdomain);
	if (pc_auth_dkim_aligned(auth, auth->from_domain, strict_dkim) ||
	    (auth->spf == PC_AUTH_PASS &&
	     pc_dmarc_aligned(auth->spf_domain, auth->from_domain, strict_spf))) {
		pc_dmarc_set(auth, PC_AUTH_PASS, policy, NULL);
		return;
	}
	pc_dmarc_set(auth, PC_AUTH_FAIL, policy, "neither SPF nor DKIM aligned with From passed");
	auth->dmarc_disposition = g_strdup(pc_dmarc_disposition(tags, policy));
}

void
pc_dmarc_record_names(GPtrArray *fields, GPtrArray *names)
{
	g_autofree char *domain = pc_dmarc_from_domain(fields);
	g_autofree char *org = domain ? pc_url_registrable(domain) : NULL;

	if (domain == NULL)
		return;
	g_ptr_array_add(names, g_strdup_printf("_dmarc.%s", domain));
	if (strcmp(org, domain) != 0)
		g_ptr_array_add(names, g_strdup_printf("_dmarc.%s", org));
}
