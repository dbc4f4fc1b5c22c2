/*
 * NAME
 *	arc.c - ARC chain validation (RFC 8617 5.2)
 * DESCRIPTION
 *	A chain passes when its sets are numbered 1..N with one
 *	ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results each,
 *	the newest seal does not say cv=fail, the newest message signature
 *	verifies, and every seal verifies with cv=none on the first and
 *	cv=pass on the others.  Older message signatures may fail: a
 *	forwarder that changed the message is what ARC is for.
 */
#include "config.h"

#include <string.h>

#include "auth.h"
#include "header.h"

enum { PC_ARC_SEAL, PC_ARC_AMS, PC_ARC_AAR, PC_ARC_KINDS };

static const char *const pc_arc_names[PC_ARC_KINDS] = {
	"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results",
};

/* An ARC field's instance: i= in a tag list, or "i=N;" first in AAR. */
static guint
pc_arc_instance(const PcAuthField *f, int kind)
{
	const char *v = pc_auth_field_value(f);
	g_autoptr(GHashTable) tags = NULL;
	guint64 i = 0;

	if (kind == PC_ARC_AAR) {
		const char *semi = strchr(v, ';');
		g_autofree char *first = semi ? g_strndup(v, (gsize)(semi - v)) : NULL;

		tags = first ? pc_auth_tags(first) : NULL;
	} else {
		tags = pc_auth_tags(v);
	}
	if (tags == NULL || !g_hash_table_contains(tags, "i") ||
	    !g_ascii_string_to_unsigned(g_hash_table_lookup(tags, "i"), 10, 1,
					PC_ARC_MAX_INSTANCES, &i, NULL))
		return 0;
	return (guint)i;
}

/* sets[(i - 1) * PC_ARC_KINDS + kind] = field index + 1; FALSE (with why)
 * when the structure is broken. */
static gboolean
pc_arc_collect(const PcAuthMessage *m, guint *sets, guint *n, const char **why)
{
	*n = 0;
	for (guint f = 0; f < m->fields->len; f++) {
		const PcAuthField *field = g_ptr_array_index(m->fields, f);

		for (int k = 0; k < PC_ARC_KINDS; k++) {
			guint i;

			if (g_ascii_strcasecmp(field->name, pc_arc_names[k]) != 0)
				continue;
			if ((i = pc_arc_instance(field, k)) == 0)
				return (*why = "malformed or out-of-range i="), FALSE;
			if (sets[(i - 1) * PC_ARC_KINDS + k] != 0)
				return (*why = "two ARC fields of one kind share an instance"), FALSE;
			sets[(i - 1) * PC_ARC_KINDS + k] = f + 1;
			*n = MAX(*n, i);
		}
	}
	for (guint s = 0; s < *n * PC_ARC_KINDS; s++)
		if (sets[s] == 0)
			return (*why = "the chain has a gap"), FALSE;
	return TRUE;
}

static const PcAuthField *
pc_arc_field(const PcAuthMessage *m, const guint *sets, guint i, int kind)
{
	return g_ptr_array_index(m->fields, sets[(i - 1) * PC_ARC_KINDS + kind] - 1);
}

/* RFC 8617 4.1.2: a message signature must not sign the seals. */
static gboolean
pc_arc_signs_seal(const char *h)
{
	g_auto(GStrv) names = g_strsplit(h, ":", -1);

	for (char **n = names; *n != NULL; n++)
		if (g_ascii_strcasecmp(g_strstrip(*n), "ARC-Seal") == 0)
			return TRUE;
	return FALSE;
}

static gboolean
pc_arc_ams_ok(const PcAuthMessage *m, const guint *sets, guint n, PcSigOutcome *out)
{
	guint self = sets[(n - 1) * PC_ARC_KINDS + PC_ARC_AMS] - 1;
	g_autoptr(GHashTable) tags = pc_auth_tags(pc_auth_field_value(g_ptr_array_index(m->fields,
										       self)));
	const char *h = tags ? g_hash_table_lookup(tags, "h") : NULL;
	g_autoptr(GString) data = NULL;
	gboolean hr, br, whole;

	if (h == NULL || pc_arc_signs_seal(h))
		return pc_sig_fail(out, PC_AUTH_FAIL, "ARC-Message-Signature malformed");
	if (!pc_sig_canon(g_hash_table_lookup(tags, "c"), &hr, &br))
		return pc_sig_fail(out, PC_AUTH_FAIL, "ARC-Message-Signature malformed c=");
	if (!pc_sig_body_ok(m, tags, br, &whole, out))
		return FALSE;
	data = pc_sig_header_data(m, self, h, hr);
	return pc_sig_verify(m, tags, data, out);
}

/* Seal i signs sets 1..i, each as AAR, AMS, AS, relaxed; its own b= empty. */
static gboolean
pc_arc_seal_ok(const PcAuthMessage *m, const guint *sets, guint i, PcSigOutcome *out)
{
	const PcAuthField *seal = pc_arc_field(m, sets, i, PC_ARC_SEAL);
	g_autoptr(GHashTable) tags = pc_auth_tags(pc_auth_field_value(seal));
	g_autoptr(GString) data = g_string_new(NULL);
	g_autofree char *stripped = pc_auth_strip_b(seal->raw);
	const char *cv = tags ? g_hash_table_lookup(tags, "cv") : NULL;

	if (cv == NULL || g_hash_table_contains(tags, "h"))
		return pc_sig_fail(out, PC_AUTH_FAIL, "ARC-Seal malformed");
	if (strcmp(cv, i == 1 ? "none" : "pass") != 0)
		return pc_sig_fail(out, PC_AUTH_FAIL, "ARC-Seal has the wrong cv=");
	for (guint j = 1; j <= i; j++) {
		pc_auth_canon_header(data, pc_arc_field(m, sets, j, PC_ARC_AAR)->raw, TRUE, TRUE);
		pc_auth_canon_header(data, pc_arc_field(m, sets, j, PC_ARC_AMS)->raw, TRUE, TRUE);
		if (j < i)
			pc_auth_canon_header(data, pc_arc_field(m, sets, j, PC_ARC_SEAL)->raw,
					     TRUE, TRUE);
	}
	pc_auth_canon_header(data, stripped, TRUE, FALSE);
	return pc_sig_verify(m, tags, data, out);
}

static gboolean
pc_arc_chain_ok(const PcAuthMessage *m, const guint *sets, guint n, PcSigOutcome *out)
{
	g_autoptr(GHashTable) last = pc_auth_tags(
		pc_auth_field_value(pc_arc_field(m, sets, n, PC_ARC_SEAL)));
	const char *cv = last ? g_hash_table_lookup(last, "cv") : NULL;

	if (cv != NULL && strcmp(cv, "fail") == 0)
		return pc_sig_fail(out, PC_AUTH_FAIL, "the newest seal says cv=fail");
	if (!pc_arc_ams_ok(m, sets, n, out))
		return FALSE;
	for (guint i = n; i >= 1; i--)
		if (!pc_arc_seal_ok(m, sets, i, out))
			return FALSE;
	return TRUE;
}

static char *
pc_arc_sealer(const PcAuthMessage *m, const guint *sets, guint n)
{
	g_autoptr(GHashTable) tags = pc_auth_tags(
		pc_auth_field_value(pc_arc_field(m, sets, n, PC_ARC_SEAL)));

	return g_ascii_strdown(g_hash_table_lookup(tags, "d"), -1);
}

void
pc_arc_verify(const PcAuthMessage *m, PcAuth *auth)
{
	g_autofree guint *sets = g_new0(guint, PC_ARC_MAX_INSTANCES * PC_ARC_KINDS);
	PcSigOutcome out = { PC_AUTH_PASS, NULL };
	const char *why = NULL;
	guint n = 0;

	if (!pc_arc_collect(m, sets, &n, &why))
		pc_sig_fail(&out, PC_AUTH_FAIL, why);
	else if (n == 0)
		out.result = PC_AUTH_NONE;
	else if (pc_arc_chain_ok(m, sets, n, &out))
		auth->arc_sealer = pc_arc_sealer(m, sets, n);
	/* a key that cannot be fetched is temperror; anything else broken, fail */
	if (out.result == PC_AUTH_PERMERROR)
		out.result = PC_AUTH_FAIL;
	auth->arc = out.result;
	auth->arc_instances = n;
	auth->arc_why = out.why;
}
