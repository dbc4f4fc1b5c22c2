/*
 * NAME
 *	cond.c - SpamAssassin's conditional blocks in rule files (cond.h)
 */
#include "config.h"

#include <string.h>

#include "cond.h"

/* The SpamAssassin the rules are read as: Debian 12's 4.0.1, on perl 5.36. */
#define PC_COND_VERSION 4.000001
#define PC_COND_PERL_VERSION 5.036000

/* SpamAssassin's default plugins (the loadplugin lines of Debian's .pre files) whose
 * rules are ordinary rule lines and eval: tests.  Left out: the plugins
 * whose own configuration lines define rules (mimeheader, uri_detail,
 * askdns) and those that are not loaded by default.  The sender
 * authentication ones (DKIM, SPF, DMARC) are claimed only when the engine
 * verifies senders ([auth]): otherwise the rule files' definitions for a
 * SpamAssassin without them (__NOT_SPOOFED ...) are the ones to read. */
static const char *const pc_cond_plugins[] = {
	"AutoLearnThreshold", "Bayes", "BodyEval", "Check", "DNSEval",
	"FreeMail", "HTMLEval", "HTTPSMismatch", "HashBL", "HeaderEval", "ImageInfo",
	"MIMEEval", "Pyzor", "Razor2", "RelayEval", "ReplaceTags", "SpamCop", "URIDNSBL",
	"URIEval",
	"VBounce", "WLBLEval", "WelcomeListSubject", NULL,
};

/* Mail::SpamAssassin::Conf features of 4.0.1 (its "sub feature_* { 1 }"). */
static const char *const pc_cond_features[] = {
	"feature_originating_ip_headers", "feature_dns_local_ports_permit_avoid",
	"feature_bayes_auto_learn_on_error", "feature_uri_host_listed",
	"feature_yesno_takes_args", "feature_bug6558_free", "feature_edns",
	"feature_dns_query_restriction", "feature_registryboundaries", "feature_geodb",
	"feature_dns_block_rule", "feature_compile_regexp", "feature_meta_rules_matching",
	"feature_subjprefix", "feature_bayes_stopwords", "feature_get_host",
	"feature_blocklist_welcomelist", "feature_welcomelist_blocklist",
	"feature_header_address_parser", "feature_local_tests_only",
	"feature_header_first_last", "feature_header_match_many", "feature_capture_rules",
	"perl_min_version_5010000", NULL,
};

static const char *const pc_cond_auth_plugins[] = { "DKIM", "SPF", "DMARC", NULL };

static gboolean
pc_cond_listed(const char *const *plugins, const char *name)
{
	for (guint i = 0; plugins[i] != NULL; i++) {
		gsize n = strlen(plugins[i]);

		if (strncmp(name, plugins[i], n) == 0 && name[n + strspn(name + n, " \t")] == '\0')
			return TRUE;
	}
	return FALSE;
}

gboolean
pc_cond_plugin(const char *name, gboolean auth)
{
	static const char prefix[] = "Mail::SpamAssassin::Plugin::";

	name += strspn(name, " \t");
	if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return FALSE;
	name += sizeof(prefix) - 1;
	return pc_cond_listed(pc_cond_plugins, name) ||
	       (auth && pc_cond_listed(pc_cond_auth_plugins, name));
}

/* The has_* methods of the authentication plugins whose eval: tests we
 * have (evals_auth.c). */
static const char *const pc_cond_auth_features[] = {
	"Mail::SpamAssassin::Plugin::SPF::has_check_for_spf_errors",
	"Mail::SpamAssassin::Plugin::DKIM::has_arc", NULL,
};

/* can(NAME): a Conf feature we have.  Other plugins' has_* methods name
 * eval: tests we do not claim, so the rules they guard are not read. */
static gboolean
pc_cond_can(const char *name, gboolean auth)
{
	static const char prefix[] = "Mail::SpamAssassin::Conf::";

	return (strncmp(name, prefix, sizeof(prefix) - 1) == 0 &&
		g_strv_contains(pc_cond_features, name + sizeof(prefix) - 1)) ||
	       (auth && g_strv_contains(pc_cond_auth_features, name));
}

typedef struct {
	const char *p;
	gboolean bad;		/* a token we do not know: the whole condition is false */
	gboolean auth;		/* the sender authentication plugins are there */
} PcCond;

static double pc_cond_or(PcCond *c);

static void
pc_cond_blank(PcCond *c)
{
	c->p += strspn(c->p, " \t");
}

static gboolean
pc_cond_take(PcCond *c, const char *token)
{
	gsize n = strlen(token);

	pc_cond_blank(c);
	if (strncmp(c->p, token, n) != 0)
		return FALSE;
	/* a word operator must end there: "not" is not "nothing" */
	if (g_ascii_isalpha(token[0]) && (g_ascii_isalnum(c->p[n]) || c->p[n] == '_'))
		return FALSE;
	c->p += n;
	return TRUE;
}

/* "(NAME)" after plugin, can or has: the name, or NULL. */
static char *
pc_cond_argument(PcCond *c)
{
	const char *start, *end;

	if (!pc_cond_take(c, "("))
		return NULL;
	pc_cond_blank(c);
	start = c->p;
	end = strchr(start, ')');
	if (end == NULL)
		return NULL;
	c->p = end + 1;
	return g_strstrip(g_strndup(start, end - start));
}

static double
pc_cond_primary(PcCond *c)
{
	g_autofree char *name = NULL;
	char *end = NULL;
	double v;

	if (pc_cond_take(c, "(")) {
		v = pc_cond_or(c);
		if (!pc_cond_take(c, ")"))
			c->bad = TRUE;
		return v;
	}
	if (pc_cond_take(c, "version"))
		return PC_COND_VERSION;
	if (pc_cond_take(c, "perl_version"))
		return PC_COND_PERL_VERSION;
	if (pc_cond_take(c, "local_tests_only"))
		return 0;
	if (pc_cond_take(c, "plugin")) {
		name = pc_cond_argument(c);
		c->bad |= name == NULL;
		return name != NULL && pc_cond_plugin(name, c->auth);
	}
	if (pc_cond_take(c, "can") || pc_cond_take(c, "has")) {
		name = pc_cond_argument(c);
		c->bad |= name == NULL;
		return name != NULL && pc_cond_can(name, c->auth);
	}
	pc_cond_blank(c);
	v = g_ascii_strtod(c->p, &end);
	if (end == c->p || !g_ascii_isdigit(*c->p)) {
		c->bad = TRUE;
		return 0;
	}
	c->p = end;
	return v;
}

static double
pc_cond_not(PcCond *c)
{
	if (pc_cond_take(c, "!") || pc_cond_take(c, "not"))
		return pc_cond_not(c) == 0;
	return pc_cond_primary(c);
}

static double
pc_cond_compare(PcCond *c)
{
	double a = pc_cond_not(c);

	/* two-character operators first: "<=" is not "<" then "=" */
	if (pc_cond_take(c, "=="))
		return a == pc_cond_not(c);
	if (pc_cond_take(c, "!="))
		return a != pc_cond_not(c);
	if (pc_cond_take(c, ">="))
		return a >= pc_cond_not(c);
	if (pc_cond_take(c, "<="))
		return a <= pc_cond_not(c);
	if (pc_cond_take(c, ">"))
		return a > pc_cond_not(c);
	if (pc_cond_take(c, "<"))
		return a < pc_cond_not(c);
	return a;
}

static double
pc_cond_and(PcCond *c)
{
	double v = pc_cond_compare(c);

	while (!c->bad && (pc_cond_take(c, "&&") || pc_cond_take(c, "and")))
		v = (pc_cond_compare(c) != 0) && v != 0;
	return v;
}

static double
pc_cond_or(PcCond *c)
{
	double v = pc_cond_and(c);

	while (!c->bad && (pc_cond_take(c, "||") || pc_cond_take(c, "or")))
		v = (pc_cond_and(c) != 0) || v != 0;
	return v;
}

gboolean
pc_cond_if(const char *expr, gboolean auth)
{
	PcCond c = { expr, FALSE, auth };
	double v = pc_cond_or(&c);

	pc_cond_blank(&c);
	return !c.bad && *c.p == '\0' && v != 0;
}
