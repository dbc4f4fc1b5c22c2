/*
 * NAME
 *	results.c - PcAuth: names, lifetime, the log's summary
 */
#include "config.h"

#include <string.h>

#include <portcullis/auth.h>

const char *
pc_auth_result_name(PcAuthResult result)
{
	static const char *const names[] = {
		[PC_AUTH_NONE] = "none",	     [PC_AUTH_PASS] = "pass",
		[PC_AUTH_FAIL] = "fail",	     [PC_AUTH_SOFTFAIL] = "softfail",
		[PC_AUTH_NEUTRAL] = "neutral",	     [PC_AUTH_POLICY] = "policy",
		[PC_AUTH_TEMPERROR] = "temperror", [PC_AUTH_PERMERROR] = "permerror",
	};

	return (guint)result < G_N_ELEMENTS(names) ? names[result] : "none";
}

PcAuth *
pc_auth_new(void)
{
	return g_new0(PcAuth, 1);
}

void
pc_auth_free(PcAuth *auth)
{
	if (auth == NULL)
		return;
	g_free(auth->spf_domain);
	g_free(auth->spf_why);
	g_free(auth->helo);
	if (auth->dkim != NULL)
		g_ptr_array_unref(auth->dkim);
	g_free(auth->from_address);
	g_free(auth->from_domain);
	g_free(auth->arc_sealer);
	g_free(auth->dmarc_policy);
	g_free(auth->dmarc_disposition);
	g_free(auth->dmarc_why);
	g_free(auth->arc_why);
	g_free(auth);
}

/* Domains come from a sender's tags and headers. */
static void
pc_auth_append_domain(GString *out, const char *domain)
{
	for (const char *p = domain ? domain : ""; *p != '\0' && p - domain < 64; p++)
		g_string_append_c(out, g_ascii_isalnum(*p) || *p == '.' || *p == '-' ? *p : '?');
}

char *
pc_auth_domain_text(const char *domain)
{
	GString *out = g_string_new(NULL);

	pc_auth_append_domain(out, domain);
	return g_string_free(out, FALSE);
}

char *
pc_auth_describe(const PcAuth *auth)
{
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, "spf:%s", pc_auth_result_name(auth->spf));
	if (auth->dkim == NULL || auth->dkim->len == 0)
		g_string_append(out, " dkim:none");
	for (guint i = 0; auth->dkim != NULL && i < auth->dkim->len; i++) {
		const PcDkimResult *r = g_ptr_array_index(auth->dkim, i);

		g_string_append_printf(out, " dkim:%s(", pc_auth_result_name(r->result));
		pc_auth_append_domain(out, r->domain);
		g_string_append_c(out, ')');
	}
	g_string_append_printf(out, " dmarc:%s", pc_auth_result_name(auth->dmarc));
	if (auth->arc != PC_AUTH_NONE)
		g_string_append_printf(out, " arc:%s", pc_auth_result_name(auth->arc));
	return g_string_free(out, FALSE);
}

/* header.b= and the like: base64 and tag characters only. */
static void
pc_auth_append_token(GString *out, const char *text, gsize max)
{
	for (const char *p = text ? text : ""; *p != '\0' && (gsize)(p - text) < max; p++)
		g_string_append_c(out, g_ascii_isalnum(*p) || strchr("+/=-._", *p) ? *p : '?');
}

/* " (why)": SPF's reasons quote DNS records, which hold any byte. */
static void
pc_auth_append_comment(GString *out, const char *why)
{
	if (why == NULL)
		return;
	g_string_append(out, " (");
	for (const char *p = why; *p != '\0' && p - why < 80; p++)
		g_string_append_c(out, g_ascii_isprint(*p) && !strchr("()\\", *p) ? *p : '?');
	g_string_append_c(out, ')');
}

static void
pc_auth_header_spf(GString *out, const PcAuth *auth)
{
	g_string_append_printf(out, ";\n\tspf=%s", pc_auth_result_name(auth->spf));
	if (auth->spf != PC_AUTH_NONE)
		pc_auth_append_comment(out, auth->spf_why);
	if (auth->spf_domain != NULL) {
		g_string_append(out, " smtp.mailfrom=");
		pc_auth_append_domain(out, auth->spf_domain);
	}
	if (auth->helo != NULL && auth->spf_helo != PC_AUTH_NONE) {
		g_string_append_printf(out, ";\n\tspf=%s smtp.helo=",
				       pc_auth_result_name(auth->spf_helo));
		pc_auth_append_domain(out, auth->helo);
	}
}

static void
pc_auth_header_dkim(GString *out, const PcDkimResult *r)
{
	g_string_append_printf(out, ";\n\tdkim=%s", pc_auth_result_name(r->result));
	pc_auth_append_comment(out, r->why);
	if (r->domain != NULL) {
		g_string_append(out, " header.d=");
		pc_auth_append_domain(out, r->domain);
	}
	if (r->selector != NULL) {
		g_string_append(out, " header.s=");
		pc_auth_append_domain(out, r->selector);
	}
	if (r->b != NULL) {
		g_string_append(out, " header.b=");
		pc_auth_append_token(out, r->b, 12);
	}
}

char *
pc_auth_header(const PcAuth *auth, const char *authserv_id)
{
	GString *out = g_string_new(NULL);

	pc_auth_append_domain(out, authserv_id);
	pc_auth_header_spf(out, auth);
	if (auth->dkim == NULL || auth->dkim->len == 0)
		g_string_append(out, ";\n\tdkim=none");
	for (guint i = 0; auth->dkim != NULL && i < auth->dkim->len; i++)
		pc_auth_header_dkim(out, g_ptr_array_index(auth->dkim, i));
	g_string_append_printf(out, ";\n\tdmarc=%s", pc_auth_result_name(auth->dmarc));
	if (auth->dmarc_disposition != NULL)
		g_string_append_printf(out, " (p=%s dis=%s)", auth->dmarc_policy,
				       auth->dmarc_disposition);
	else if (auth->dmarc_policy != NULL)
		g_string_append_printf(out, " (p=%s)", auth->dmarc_policy);
	if (auth->from_domain != NULL) {
		g_string_append(out, " header.from=");
		pc_auth_append_domain(out, auth->from_domain);
	}
	if (auth->arc != PC_AUTH_NONE)
		g_string_append_printf(out, ";\n\tarc=%s (%u set%s)", pc_auth_result_name(auth->arc),
				       auth->arc_instances, auth->arc_instances == 1 ? "" : "s");
	return g_string_free(out, FALSE);
}

/* Past white space and comments (RFC 5322 CFWS: comments nest and hold
 * quoted pairs); NULL when a comment is left open. */
static const char *
pc_auth_skip_cfws(const char *p)
{
	guint depth = 0;

	for (; *p != '\0'; p++) {
		if (depth > 0 && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (depth == 0 && !g_ascii_isspace(*p))
			return p;
	}
	return depth == 0 ? p : NULL;
}

/* A quoted-string's content, quoted pairs undone; NULL when unterminated. */
static char *
pc_auth_unquote(const char *p)
{
	g_autoptr(GString) out = g_string_new(NULL);

	for (p++; *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (*p == '\0')
			return NULL;
		g_string_append_c(out, *p);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

/* Parsed as a reader that honours RFC 5322 would (Python's authres,
 * dkimpy's ARC sealer): an id we miss in a forged copy is one they trust. */
char *
pc_auth_header_id(const char *value)
{
	const char *p = pc_auth_skip_cfws(value);
	char *id;
	gsize n;

	if (p == NULL)
		return NULL;
	if (*p == '"') {
		id = pc_auth_unquote(p);
		if (id != NULL && *id == '\0')
			g_clear_pointer(&id, g_free);
		return id;
	}
	n = strcspn(p, " \t\r\n;()\"");
	return n > 0 ? g_strndup(p, n) : NULL;
}
