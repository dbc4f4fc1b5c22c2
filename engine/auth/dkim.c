/*
 * NAME
 *	dkim.c - DKIM-Signature verification (RFC 6376, RFC 8463, RFC 8301)
 * DESCRIPTION
 *	Every signature is checked, up to PC_DKIM_MAX_SIGNATURES.  l= is
 *	honoured as the RFC says but the result remembers that some body was
 *	not covered: text appended after signing is what l= lets anyone add,
 *	so such a signature counts for nothing that grants trust (DMARC
 *	alignment, authenticated allow lists, signed_action).
 */
#include "config.h"

#include <string.h>

#include "auth.h"
#include "header.h"

static void
pc_dkim_result_free(gpointer data)
{
	PcDkimResult *r = data;

	g_free(r->domain);
	g_free(r->selector);
	g_free(r->algorithm);
	g_free(r->b);
	g_free(r->why);
	g_free(r);
}

/* i= must be the signing domain or below it (RFC 6376 3.5). */
static gboolean
pc_dkim_identity_ok(const char *i, const char *d)
{
	const char *at = i ? strrchr(i, '@') : NULL;
	gsize il, dl;

	if (i == NULL)
		return TRUE;
	if (at == NULL)
		return FALSE;
	il = strlen(at + 1);
	dl = strlen(d);
	return g_ascii_strcasecmp(at + 1, d) == 0 ||
	       (il > dl && at[il - dl] == '.' && g_ascii_strcasecmp(at + 1 + il - dl, d) == 0);
}

static gboolean
pc_dkim_h_has_from(const char *h)
{
	g_auto(GStrv) names = g_strsplit(h, ":", -1);

	for (char **n = names; *n != NULL; n++)
		if (g_ascii_strcasecmp(g_strstrip(*n), "from") == 0)
			return TRUE;
	return FALSE;
}

/* The tags RFC 6376 3.5 requires, and the times. */
static gboolean
pc_dkim_tags_ok(const PcAuthMessage *m, GHashTable *tags, PcSigOutcome *out)
{
	const char *v = g_hash_table_lookup(tags, "v");
	const char *h = g_hash_table_lookup(tags, "h");
	const char *d = g_hash_table_lookup(tags, "d");
	const char *x = g_hash_table_lookup(tags, "x");
	const char *t = g_hash_table_lookup(tags, "t");
	guint64 xv, tv = 0;

	if (v == NULL || strcmp(v, "1") != 0)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "v= is not 1");
	if (h == NULL || d == NULL || !pc_dkim_h_has_from(h))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "h= does not sign From");
	if (!pc_dkim_identity_ok(g_hash_table_lookup(tags, "i"), d))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "i= is not within d=");
	if (t != NULL && !g_ascii_string_to_unsigned(t, 10, 0, G_MAXINT64, &tv, NULL))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "malformed t=");
	if (x != NULL && !g_ascii_string_to_unsigned(x, 10, 0, G_MAXINT64, &xv, NULL))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "malformed x=");
	if (x != NULL && xv < tv)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "x= is before t=");
	if (x != NULL && (gint64)xv < m->now)
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "signature expired");
	return TRUE;
}

static gboolean
pc_dkim_check(const PcAuthMessage *m, guint self, GHashTable *tags, PcDkimResult *r,
	      PcSigOutcome *out)
{
	gboolean hr, br;
	g_autoptr(GString) data = NULL;

	if (!pc_dkim_tags_ok(m, tags, out))
		return FALSE;
	if (!pc_sig_canon(g_hash_table_lookup(tags, "c"), &hr, &br))
		return pc_sig_fail(out, PC_AUTH_PERMERROR, "malformed c=");
	if (!pc_sig_body_ok(m, tags, br, &r->whole_body, out))
		return FALSE;
	data = pc_sig_header_data(m, self, g_hash_table_lookup(tags, "h"), hr);
	return pc_sig_verify(m, tags, data, out);
}

static char *
pc_dkim_tag(GHashTable *tags, const char *name, gsize max)
{
	const char *v = tags ? g_hash_table_lookup(tags, name) : NULL;

	return v ? g_strndup(v, max) : NULL;
}

static PcDkimResult *
pc_dkim_one(const PcAuthMessage *m, guint self)
{
	const PcAuthField *f = g_ptr_array_index(m->fields, self);
	g_autoptr(GHashTable) tags = pc_auth_tags(pc_auth_field_value(f));
	PcDkimResult *r = g_new0(PcDkimResult, 1);
	PcSigOutcome out = { PC_AUTH_PASS, NULL };

	r->domain = pc_dkim_tag(tags, "d", 253);
	for (char *c = r->domain; c != NULL && *c != '\0'; c++)
		*c = g_ascii_tolower(*c);
	r->selector = pc_dkim_tag(tags, "s", 253);
	r->algorithm = pc_dkim_tag(tags, "a", 32);
	r->b = pc_dkim_tag(tags, "b", 12);
	if (tags == NULL)
		pc_sig_fail(&out, PC_AUTH_PERMERROR, "malformed tag list");
	else if (pc_dkim_check(m, self, tags, r, &out) && !r->whole_body)
		pc_sig_fail(&out, PC_AUTH_POLICY, "l= leaves part of the body unsigned");
	r->result = out.result;
	r->why = out.why;
	return r;
}

void
pc_dkim_verify(const PcAuthMessage *m, PcAuth *auth)
{
	if (auth->dkim == NULL)
		auth->dkim = g_ptr_array_new_with_free_func(pc_dkim_result_free);
	for (guint i = 0; i < m->fields->len; i++) {
		const PcAuthField *f = g_ptr_array_index(m->fields, i);

		if (g_ascii_strcasecmp(f->name, "DKIM-Signature") != 0)
			continue;
		if (auth->dkim->len == PC_DKIM_MAX_SIGNATURES)
			break;
		g_ptr_array_add(auth->dkim, pc_dkim_one(m, i));
	}
}
