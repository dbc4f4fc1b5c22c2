/*
 * Unit tests for the spam rules (engine/spam/): each rule construct of the
 * SpamAssassin syntax we read, meta expressions, errors with file:line,
 * HTML reduced to text, and GTUBE through the whole engine.
 */
#include "config.h"

#include <string.h>
#include <clamav.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <glib/gstdio.h>

#include <portcullis/learn.h>
#include <portcullis/rescore.h>

#include "cases.h"
#include "dns/resolver.h"
#include "spam/bayes.h"
#include "spam/evals_msg.h"
#include "spam/expr.h"
#include "spam/prefilter.h"
#include "spam/rules.h"
#include "spam/spam.h"
#include "spam/url.h"

/* A hand-made view: two Subject-less headers... as listed below. */
static void
test_view(PcSpamView *v)
{
	static const char *const names[] = { "From", "To", "Subject", "Received", "Received", "Cc",
		"Resent-Message-Id", NULL };
	static const char *const values[] = {
		"\"Cheap Meds\" <sales@pharma.example>", "you@example.com",
		"Make money fast", "from a by b", "from c by d", "me@example.com",
		"<1$2@list.example>", NULL,
	};
	static const char *const raw[] = {
		"\"Cheap Meds\" <sales@pharma.example>", "you@example.com",
		"=?utf-8?q?Make_money_fast?=", "from a by b", "from c by d", "me@example.com",
		"<1$2@list.example>", NULL,
	};
	static const char *const body[] = {
		"Make money fast", "Buy viagra now. viagra viagra viagra.", "Click below", NULL,
	};
	static const char *const rawbody[] = { "<p>Buy <b>viagra</b> now.</p>", NULL };
	static const char *const uris[] = { "http://pharma.example/buy?x=1", NULL };
	static const char full[] = "From: x\r\n\r\nBuy viagra now.\r\n";

	v->header_names = pc_test_strings(names);
	v->header_values = pc_test_strings(values);
	v->header_raw = pc_test_strings(raw);
	v->body = pc_test_strings(body);
	v->rawbody = pc_test_strings(rawbody);
	v->uris = pc_test_strings(uris);
	v->full = full;
	v->full_len = strlen(full);
	/* what the resolver answered; down.test never answers */
	v->relay_address = g_strdup("192.0.2.55");
	v->envelope_from = g_strdup("bounce-17@pharma.example");
	v->sender_domain = g_strdup("pharma.example");
	v->uri_domains = pc_test_strings((const char *const[]){ "pharma.example", NULL });
	v->dns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	g_hash_table_insert(v->dns, g_strdup("55.2.0.192.bl.test"), g_strdup("127.0.0.2 127.0.0.4"));
	g_hash_table_insert(v->dns, g_strdup("55.2.0.192.quiet.test"), g_strdup(""));
	g_hash_table_insert(v->dns, g_strdup("pharma.example.dbl.test"), g_strdup("127.0.1.2"));
	g_hash_table_insert(v->dns, g_strdup("pharma.example.uribl.test"), g_strdup("127.0.0.8"));
	g_hash_table_insert(v->dns, g_strdup("55.2.0.192.wild.test"), g_strdup("10.0.0.1"));
	v->hidden_chars = 12;
	v->link_mismatches = 1;
	v->images = 1;
	v->words = 7;
	v->recipients = 3;
}

typedef struct {
	const char *name;
	const char *rules;
	double score;		/* expected total */
	const char *hits;	/* expected hit names, "," separated, in rule order */
} RuleCase;

static const RuleCase rule_cases[] = {
	{ "header", "header A Subject =~ /money/\nscore A 2.5\n", 2.5, "A" },
	{ "header-flags", "header A Subject =~ /MONEY/i\n", 1.0, "A" },
	{ "header-case-miss", "header A Subject =~ /MONEY/\n", 0, "" },
	{ "header-negated", "header A To !~ /example\\.org/\n", 1.0, "A" },
	{ "header-addr", "header A From:addr =~ /^sales\\@pharma\\.example$/\n", 1.0, "A" },
	{ "header-name", "header A From:name =~ /^Cheap Meds$/\n", 1.0, "A" },
	{ "header-raw", "header A Subject:raw =~ /=\\?utf-8\\?q\\?/\n", 1.0, "A" },
	{ "header-decoded-not-raw", "header A Subject =~ /=\\?utf-8/\n", 0, "" },
	{ "header-multiple-values", "header A Received =~ /from c by d/\n", 1.0, "A" },
	{ "header-all", "header A ALL =~ /^To: you\\@/m\n", 1.0, "A" },
	{ "header-if-unset", "header A X-Mailer =~ /^none$/ [if-unset: none]\n", 1.0, "A" },
	{ "header-unset-no-hit", "header A X-Mailer =~ /.*/\n", 0, "" },
	{ "exists", "header A exists:Received\nheader B exists:X-Nope\n", 1.0, "A" },
	{ "body", "body A /buy viagra/i\n", 1.0, "A" },
	{ "body-subject-first", "body A /^Make money fast$/\n", 1.0, "A" },
	{ "body-no-markup", "body A /<b>/\n", 0, "" },
	{ "rawbody", "rawbody A /<b>viagra<\\/b>/\n", 1.0, "A" },
	{ "full", "full A /^From: x\\r$/m\n", 1.0, "A" },
	{ "uri", "uri A m{^https?://pharma\\.example/}\n", 1.0, "A" },
	{ "delimiters", "body A m!viagra!\nbody B m{Click\\s+below}\nbody C m(now)\n", 3.0,
	  "A,B,C" },
	/* multiple counts every match for metas; the score is added once */
	{ "multiple", "body __A /viagra/\ntflags __A multiple\nmeta B __A == 4\n", 1.0, "B" },
	{ "maxhits", "body __A /viagra/\ntflags __A multiple maxhits=2\nmeta B __A == 2\n"
	  "score B 0.5\n", 0.5, "B" },
	{ "meta-and", "header __A Subject =~ /money/\nbody __B /viagra/\nmeta C __A && __B\n"
	  "score C 4\n", 4.0, "C" },
	{ "meta-not", "body __A /viagra/\nmeta C !__A\n", 0, "" },
	{ "meta-arith", "body __A /viagra/\ntflags __A multiple\nbody __B /nothing/\n"
	  "meta C (__A + __B * 10) > 3\n", 1.0, "C" },
	{ "meta-of-meta", "body __A /viagra/\nmeta __M __A\nmeta C __M || X\nbody X /zzz/\n",
	  1.0, "C" },
	{ "score-before-rule", "score A 3\nbody A /viagra/\ndescribe A Mentions viagra\n", 3.0,
	  "A" },
	{ "negative-score", "body A /viagra/\nscore A -2\n", -2.0, "A" },
	{ "four-scores", "body A /viagra/\nscore A 0 1.5 0 2.25\n", 2.25, "A" },
	{ "blank-runs", "body \t  A\t /viagra/\n", 1.0, "A" },
	{ "eval-skipped", "body A eval:check_stuff()\nbody B /viagra/\n", 1.0, "B" },
	{ "redefined", "body A /nothing/\nbody A /viagra/\n", 1.0, "A" },
	/* DNS lists: answers as in test_view */
	{ "rbl", "header A eval:check_rbl('t', 'bl.test.')\nscore A 2.5\n", 2.5, "A" },
	{ "rbl-sub", "header __A eval:check_rbl('t', 'bl.test.')\n"
	  "header B eval:check_rbl_sub('t', '127.0.0.4')\n"
	  "header C eval:check_rbl_sub('t', '127.0.0.3')\n", 1.0, "B" },
	{ "rbl-mask", "header __A eval:check_rbl('t', 'bl.test')\n"
	  "header B eval:check_rbl_sub('t', '4')\nheader C eval:check_rbl_sub('t', '8')\n", 1.0,
	  "B" },
	{ "rbl-regex", "header __A eval:check_rbl('t', 'bl.test.')\n"
	  "header B eval:check_rbl_sub('t', '^127\\.0\\.0\\.[34]$')\n", 1.0, "B" },
	{ "rbl-third-argument", "header A eval:check_rbl('t', 'bl.test.', '127.0.0.2')\n"
	  "header B eval:check_rbl('u', 'bl.test.', '127.0.0.9')\n", 1.0, "A" },
	{ "rbl-not-listed", "header A eval:check_rbl('q', 'quiet.test.')\n", 0, "" },
	{ "rbl-no-answer", "header A eval:check_rbl('d', 'down.test.')\n", 0, "" },
	{ "rbl-not-loopback-answer", "header A eval:check_rbl('w', 'wild.test.')\n", 0, "" },
	{ "rbl-envfrom", "header A eval:check_rbl_envfrom('e', 'dbl.test.')\n", 1.0, "A" },
	{ "urirhssub", "urirhssub U uribl.test. A 8\nbody U eval:check_uridnsbl('U')\n"
	  "urirhssub V uribl.test. A 2\nscore U 2\n", 2.0, "U" },
	{ "urirhsbl", "urirhsbl U uribl.test. A\n", 1.0, "U" },
	{ "meta-on-lists", "header __A eval:check_rbl('t', 'bl.test.')\n"
	  "urirhsbl __U uribl.test. A\nmeta BOTH __A && __U\n", 1.0, "BOTH" },
	/* checks of the message, counts as in test_view */
	{ "hidden-text", "body A eval:check_hidden_text(10)\nbody B eval:check_hidden_text(20)\n",
	  1.0, "A" },
	{ "link-mismatch", "body A eval:check_link_mismatch()\n", 1.0, "A" },
	{ "image-only", "body A eval:check_image_only(10)\nbody B eval:check_image_only(5)\n",
	  1.0, "A" },
	{ "many-recipients", "header A eval:check_many_recipients(3)\n"
	  "header B eval:check_many_recipients(4)\n", 1.0, "A" },
	/* SpamAssassin's conditional blocks, entered as 4.0.1 with its default
	 * plugins would, less the plugins whose lines we do not read (cond.h) */
	{ "ifplugin-provided", "ifplugin Mail::SpamAssassin::Plugin::HeaderEval\n"
	  "body A /viagra/\nendif\n", 1.0, "A" },
	{ "ifplugin-missing-else", "ifplugin Mail::SpamAssassin::Plugin::MIMEHeader\n"
	  "body A /viagra/\nelse\nbody B /viagra/\nendif\n", 1.0, "B" },
	{ "if-not-plugin", "if !plugin(Mail::SpamAssassin::Plugin::DKIM)\n"
	  "body A /viagra/\nendif\n", 1.0, "A" },
	{ "if-version", "if (version >= 4.000000)\nbody A /viagra/\nendif\n"
	  "if (version >= 4.001000)\nbody B /viagra/\nendif\n", 1.0, "A" },
	{ "if-can", "if can(Mail::SpamAssassin::Conf::feature_bug6558_free)\nbody A /viagra/\n"
	  "endif\nif can(Mail::SpamAssassin::Plugin::BodyEval::has_check_body_length)\n"
	  "body B /viagra/\nendif\n", 1.0, "A" },
	{ "if-nested", "ifplugin Mail::SpamAssassin::Plugin::MIMEHeader\n"
	  "if (version >= 3.000000)\nbody A /viagra/\nendif\nelse\nbody B /viagra/\nendif\n",
	  1.0, "B" },
	{ "if-operators", "if (version >= 4 && !plugin(Mail::SpamAssassin::Plugin::MIMEHeader)) "
	  "or can(Nope)\nbody A /viagra/\nendif\nif not (perl_version > 5)\nbody B /viagra/\n"
	  "endif\n", 1.0, "A" },
	{ "if-unknown-word", "if (frobnicate)\nbody A /viagra/\nendif\nif version >=\n"
	  "body B /viagra/\nendif\n", 0, "" },
	/* a meta naming a rule we do not run is dropped, not run with it as 0 */
	{ "meta-missing-dropped", "body __B /viagra/\nmeta A __B && !__MISSING\n", 0, "" },
	{ "meta-dropped-chain", "body __B /viagra/\nmeta __C __B && __MISSING\n"
	  "meta A __B || __C\nmeta D __B\n", 1.0, "D" },
	/* SpamAssassin's pseudo-headers */
	{ "pseudo-tocc", "header A ToCc =~ /^you\\@example\\.com, me\\@example\\.com$/\n"
	  "header B exists:ToCc\n", 2.0, "A,B" },
	{ "pseudo-messageid", "header A MESSAGEID =~ /\\$2\\@list/\n", 1.0, "A" },
	{ "pseudo-envelopefrom", "header A EnvelopeFrom =~ /^bounce-\\d+\\@/\n"
	  "header B EnvelopeFrom:addr =~ /pharma/\n", 2.0, "A,B" },
	/* a rule scored 0 is not run, as in SpamAssassin: a meta reads it as 0 */
	{ "score-zero-not-run", "body A /viagra/\nscore A 0\nmeta B !A\n", 1.0, "B" },
	/* SpamAssassin's scores for rules without one */
	{ "default-scores", "body T_A /viagra/\nbody B /viagra/\ntflags B nice\n"
	  "body C /viagra/\n", 0.01, "T_A,B,C" },
};

static void
test_rule_case(gconstpointer data)
{
	const RuleCase *c = data;
	PcRuleSet *rs = pc_rules_new();
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) hits = g_array_new(FALSE, FALSE, sizeof(PcRuleHit));
	g_autoptr(GString) names = g_string_new(NULL);
	PcSpamView v = { 0 };
	double score;

	test_view(&v);
	g_assert_true(pc_rules_parse(rs, "t.cf", c->rules, FALSE, &error));
	g_assert_no_error(error);
	g_assert_true(pc_rules_finish(rs, FALSE, &error));
	score = pc_rules_run(rs, &v, PC_SCORE_NET_BAYES, hits);
	for (guint i = 0; i < hits->len; i++)
		g_string_append_printf(names, "%s%s", i ? "," : "",
				       g_array_index(hits, PcRuleHit, i).name);
	g_assert_cmpfloat_with_epsilon(score, c->score, 1e-9);
	g_assert_cmpstr(names->str, ==, c->hits);
	pc_spam_view_clear(&v);
	pc_rules_free(rs);
}

typedef struct {
	const char *name;
	const char *rules;
	gboolean strict;
	const char *error;	/* after "t.cf:" */
} RuleError;

static const RuleError rule_errors[] = {
	{ "bad-regex", "# c\nbody A /(unclosed/\n", TRUE, "2: A: bad pattern /(unclosed/" },
	{ "unterminated", "body A /abc\n", TRUE, "1: A: unterminated pattern" },
	{ "bad-flag", "body A /abc/q\n", TRUE, "1: A: unknown pattern flag 'q'" },
	{ "header-syntax", "header A Subject ~ /x/\n", TRUE, "1: A: expected HEADER =~" },
	{ "bad-score", "score A lots\n", TRUE, "1: A: score is not a number" },
	{ "meta-syntax", "body B /x/\nmeta A B &&\n", TRUE, "2: A: meta expression" },
	{ "meta-unknown", "meta A B && C\nbody B /x/\n", TRUE, "1: A: meta names unknown rule C" },
	{ "meta-cycle", "meta A B\nmeta B A\n", TRUE, "1: A: meta rules depend on each other" },
	{ "unsupported-strict", "lang de describe A x\n", TRUE, "1: unsupported line" },
	{ "eval-unknown-strict", "body A eval:check_stuff()\n", TRUE,
	  "1: A: unknown eval function check_stuff" },
	{ "eval-arguments", "header A eval:check_rbl('x')\n", TRUE,
	  "1: A: check_rbl takes 2 to 3 arguments" },
	{ "eval-syntax", "header A eval:check_rbl\n", TRUE, "1: A: expected eval:function" },
	{ "rbl-sub-no-set", "header A eval:check_rbl_sub('nope', '127.0.0.2')\n", TRUE,
	  "1: A: no check_rbl defines set 'nope'" },
	{ "rbl-bad-answer-pattern", "header A eval:check_rbl('x', 'z.', '127(')\n", TRUE,
	  "1: A: bad answer pattern" },
	{ "urirhssub-syntax", "urirhssub A uribl.test.\n", TRUE, "1: A: expected ZONE A SUB" },
};

static void
test_rule_error(gconstpointer data)
{
	const RuleError *c = data;
	PcRuleSet *rs = pc_rules_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *expect = g_strdup_printf("t.cf:%s", c->error);

	if (pc_rules_parse(rs, "t.cf", c->rules, c->strict, &error))
		pc_rules_finish(rs, c->strict, &error);
	g_assert_nonnull(error);
	if (!g_str_has_prefix(error->message, expect))
		g_error("got \"%s\", expected a start of \"%s\"", error->message, expect);
	pc_rules_free(rs);
}

/* SpamAssassin's four score columns: the set decides which one counts; a
 * single value counts in all four. */
static void
test_score_sets(void)
{
	PcRuleSet *rs = pc_rules_new();
	PcSpamView v = { 0 };

	test_view(&v);
	g_assert_true(pc_rules_parse(rs, "t.cf", "body A /viagra/\nscore A 1 2 3 4\n"
				     "body B /viagra/\nscore B 0.5\n"
				     "body C /viagra/\nscore C 0 0 1 1\n", TRUE, NULL));
	g_assert_true(pc_rules_finish(rs, TRUE, NULL));
	g_assert_cmpfloat(pc_rules_run(rs, &v, PC_SCORE_LOCAL, NULL), ==, 1.5);
	g_assert_cmpfloat(pc_rules_run(rs, &v, PC_SCORE_NET, NULL), ==, 2.5);
	g_assert_cmpfloat(pc_rules_run(rs, &v, PC_SCORE_BAYES, NULL), ==, 4.5);
	g_assert_cmpfloat(pc_rules_run(rs, &v, PC_SCORE_NET_BAYES, NULL), ==, 5.5);
	pc_spam_view_clear(&v);
	pc_rules_free(rs);
}

/* Lenient (an installed SpamAssassin set): what we cannot run is counted. */
static void
test_rules_lenient(void)
{
	PcRuleSet *rs = pc_rules_new();
	const char *text =
		"ifplugin Mail::SpamAssassin::Plugin::Foo\n"
		"body A eval:foo()\n"
		"endif\n"
		"lang de describe B Text\n"
		"meta M A || B\n"
		"body   \t B /viagra/\n"
		"body C /(unclosed/\n"
		"score B 0 1 0 1\n";
	PcSpamView v = { 0 };

	test_view(&v);
	g_assert_true(pc_rules_parse(rs, "sa.cf", text, FALSE, NULL));
	g_assert_true(pc_rules_finish(rs, FALSE, NULL));
	g_assert_cmpuint(pc_rules_count(rs), ==, 2);
	/* A (a block for a plugin we lack), lang, C; M is dropped for A */
	g_assert_cmpuint(pc_rules_unsupported(rs), ==, 3);
	g_assert_cmpuint(pc_rules_dropped(rs), ==, 1);
	g_assert_cmpfloat(pc_rules_run(rs, &v, PC_SCORE_NET_BAYES, NULL), ==, 1.0);
	pc_spam_view_clear(&v);
	pc_rules_free(rs);
}

/* The queries a rule set makes for a view: each once, reversed IPv4 and
 * IPv6, the sender's domain, the URL domains; none without a target. */
static void
test_dns_names(void)
{
	PcRuleSet *rs = pc_rules_new();
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *v6 = pc_resolver_reverse("2001:db8::1");
	PcSpamView v = { 0 };

	test_view(&v);
	g_assert_true(pc_rules_parse(rs, "t.cf",
				     "header A eval:check_rbl('t', 'bl.test.')\n"
				     "header B eval:check_rbl_sub('t', '127.0.0.4')\n"
				     "header C eval:check_rbl_envfrom('e', 'DBL.test.')\n"
				     "urirhssub U uribl.test. A 8\n"
				     "body X /x/\n", TRUE, NULL));
	g_assert_true(pc_rules_finish(rs, TRUE, NULL));
	g_assert_true(pc_rules_uses_dns(rs));
	pc_rules_dns_names(rs, &v, names, NULL);
	g_assert_cmpuint(names->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "55.2.0.192.bl.test");
	g_assert_cmpstr(g_ptr_array_index(names, 1), ==, "pharma.example.dbl.test");
	g_assert_cmpstr(g_ptr_array_index(names, 2), ==, "pharma.example.uribl.test");
	g_assert_cmpstr(v6, ==, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
	g_assert_null(pc_resolver_reverse("not-an-address"));
	g_clear_pointer(&v.relay_address, g_free);
	g_ptr_array_set_size(names, 0);
	pc_rules_dns_names(rs, &v, names, NULL);
	g_assert_cmpuint(names->len, ==, 2);
	pc_spam_view_clear(&v);
	pc_rules_free(rs);
}

/* The relay DNS lists are asked about: the client unless it is ours, then
 * the first Received address that is not. */
static void
test_relay(void)
{
	static const char *const names[] = { "Received", "Received", "Received", NULL };
	static const char *const values[] = {
		"from mx1.corp.example (mx1.corp.example [198.51.100.7]) by mx2 (Postfix)",
		"from gw (gw [10.1.2.3]) by mx1.corp.example",
		"from sender.example (unknown [IPv6:2001:db8::25]) by gw with ESMTP",
		NULL,
	};
	PcSpamView v = { .header_names = pc_test_strings(names),
			 .header_values = pc_test_strings(values) };
	char *trusted_list[] = { "198.51.100.0/24", NULL };
	g_autoptr(GError) error = NULL;
	GPtrArray *trusted = pc_trusted_new(trusted_list, &error);
	GPtrArray *none = pc_trusted_new(NULL, NULL);
	char *bad[] = { "300.1.2.3/8", NULL };
	static const struct {
		const char *client;
		gboolean trusted;	/* with 198.51.100.0/24, or none */
		const char *relay;
	} cases[] = {
		{ "203.0.113.9", TRUE, "203.0.113.9" },
		{ "127.0.0.1", TRUE, "2001:db8::25" },
		{ "127.0.0.1", FALSE, "198.51.100.7" },
		{ "198.51.100.7", TRUE, "2001:db8::25" },
	};

	g_assert_no_error(error);
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *r = pc_spam_relay(&v, cases[i].client,
						   cases[i].trusted ? trusted : none);

		g_assert_cmpstr(r, ==, cases[i].relay);
	}
	g_assert_null(pc_trusted_new(bad, &error));
	g_assert_nonnull(strstr(error->message, "300.1.2.3/8"));
	pc_trusted_free(trusted);
	pc_trusted_free(none);
	g_ptr_array_unref(v.header_names);
	g_ptr_array_unref(v.header_values);
}

static double
lookup(const char *name, gpointer data)
{
	(void)data;
	return strcmp(name, "A") == 0 ? 2 : strcmp(name, "B") == 0 ? 1 : 0;
}

static void
test_expr(void)
{
	static const struct { const char *text; double value; } cases[] = {
		{ "A", 2 }, { "!A", 0 }, { "!Z", 1 }, { "A && B", 1 }, { "A && Z", 0 },
		{ "Z || B", 1 }, { "A + B * 3", 5 }, { "(A + B) * 3", 9 }, { "A - B - 1", 0 },
		{ "A / Z", 0 }, { "A > 1 && B >= 1 && Z < 1 && A == 2 && B != 2 && Z <= 0", 1 },
		{ "-A + 3", 1 }, { "1.5 * A", 3 }, { "A || Z && Z", 1 }, { "!(A && B)", 0 },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		PcExpr *e = pc_expr_parse(cases[i].text, NULL);

		g_assert_nonnull(e);
		if (pc_expr_eval(e, lookup, NULL) != cases[i].value)
			g_error("%s: %g, expected %g", cases[i].text, pc_expr_eval(e, lookup, NULL),
				cases[i].value);
		pc_expr_free(e);
	}
	g_assert_null(pc_expr_parse("A &&", NULL));
	g_assert_null(pc_expr_parse("(A", NULL));
	g_assert_null(pc_expr_parse("A B", NULL));
}

static void
test_html(void)
{
	PcSpamView v = { .uris = g_ptr_array_new_with_free_func(g_free) };
	g_autofree char *text = pc_spam_html_text(
		"<html><head><title>T</title><style>p{color:red}</style>"
		"<script>var hidden = 1;</script></head><body><p>Hello <b>world</b></p>"
		"<div>Click <a href=\"http://x.example/a\">here</a></div></body></html>", &v);

	g_assert_nonnull(strstr(text, "Hello world"));
	g_assert_nonnull(strstr(text, "Click here"));
	g_assert_null(strstr(text, "hidden"));
	g_assert_null(strstr(text, "color"));
	g_assert_null(strstr(text, "<"));
	g_assert_nonnull(strstr(text, "world\n\n"));
	g_assert_cmpuint(v.uris->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(v.uris, 0), ==, "http://x.example/a");
	g_assert_cmpuint(v.hidden_chars, ==, 0);
	g_assert_cmpuint(v.link_mismatches, ==, 0);
	g_assert_cmpuint(v.images, ==, 0);
	g_ptr_array_unref(v.uris);
}

/* Text the reader cannot see is counted and kept out of the text; links
 * that name another domain than their target; images. */
static void
test_html_tricks(void)
{
	static const struct {
		const char *html;
		guint hidden, mismatches, images;
		const char *absent;	/* must not be in the visible text */
	} cases[] = {
		{ "<p>Hi<span style=\"display: none\">lorem ipsum</span></p>", 10, 0, 0, "lorem" },
		{ "<div style='visibility:hidden'>abc</div>ok", 3, 0, 0, "abc" },
		{ "<p style=\"font-size:0px\">tiny</p>x", 4, 0, 0, "tiny" },
		{ "<p style=\"font-size:12px\">big</p>", 0, 0, 0, NULL },
		{ "<font color=\"#FFF\">white</font> on white", 5, 0, 0, "white<" },
		{ "<body bgcolor=black><font color=black>same</font></body>", 4, 0, 0, "same" },
		{ "<body bgcolor=black><font color=white>seen</font></body>", 0, 0, 0, NULL },
		{ "<td style=\"background-color:#123456;color:#123456\">x y</td>", 2, 0, 0, "x y" },
		{ "<a href=\"http://evil.example/login\">https://www.paypal.com/</a>", 0, 1, 0, NULL },
		{ "<a href=\"http://login.bank.co.uk/x\">www.bank.co.uk</a>", 0, 0, 0, NULL },
		{ "<a href=\"http://t.example/c\">Click here</a>", 0, 0, 0, NULL },
		{ "<img src=a.png><img src=b.png><p>Buy</p>", 0, 0, 2, NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		PcSpamView v = { .uris = g_ptr_array_new_with_free_func(g_free) };
		g_autofree char *text = pc_spam_html_text(cases[i].html, &v);

		g_test_message("case %u: %s", i, cases[i].html);
		g_assert_cmpuint(v.hidden_chars, ==, cases[i].hidden);
		g_assert_cmpuint(v.link_mismatches, ==, cases[i].mismatches);
		g_assert_cmpuint(v.images, ==, cases[i].images);
		if (cases[i].absent != NULL)
			g_assert_null(strstr(text, cases[i].absent));
		g_ptr_array_unref(v.uris);
	}
}

/* The whole engine: GTUBE is spam; a rules_dir is loaded and scored; a
 * policy below the threshold says probable. */
static void
test_engine_spam(void)
{
	g_autofree char *dir = g_dir_make_tmp("spam-test-XXXXXX", NULL);
	g_autofree char *cf = g_build_filename(dir, "10-test.cf", NULL);
	g_autofree char *sigs = g_build_filename(g_getenv("top_srcdir"), "tests/data/sigs", NULL);
	PcEngineOptions options = { .database_dir = sigs, .tmp_dir = dir, .max_scan_size = 1 << 26,
				    .max_file_size = 1 << 26, .max_recursion = 8,
				    .max_files = 100, .max_scan_time_ms = 60000,
				    .max_mime_depth = 20, .spam_rules_dir = dir };
	PcPolicy policy = { .av = TRUE, .spam = TRUE, .spam_threshold = 5,
			    .probable_threshold = 3 };
	const char gtube[] = "Subject: t\r\n\r\n" PC_GTUBE "\r\n";
	const char html[] = "Subject: offer\r\nContent-Type: text/html; charset=iso-8859-1\r\n"
			    "\r\n<p>Cheap <b>p\xe9nis</b> pills</p>\r\n";
	PcInput in = { (const guint8 *)gtube, strlen(gtube), -1, NULL, NULL, NULL, 0 };
	PcEngine *engine;
	PcVerdict *v;
	g_autoptr(GError) error = NULL;

	g_file_set_contents(cf, "body PILLS /cheap p\xc3\xa9nis pills/i\nscore PILLS 3.5\n", -1, NULL);
	engine = pc_engine_new(&options, &error);
	g_assert_no_error(error);
	g_assert_nonnull(engine);
	v = pc_engine_scan(engine, &in, &policy);
	g_assert_cmpint(v->status, ==, PC_STATUS_SPAM);
	g_assert_cmpstr(v->spam_tests, ==, "GTUBE");
	pc_verdict_free(v);
	in = (PcInput){ (const guint8 *)html, strlen(html), -1, NULL, NULL, NULL, 0 };
	v = pc_engine_scan(engine, &in, &policy);
	g_assert_true(v->spam_scanned);
	g_assert_cmpfloat(v->spam_score, ==, 3.5);
	g_assert_cmpint(v->status, ==, PC_STATUS_PROBABLE);
	pc_verdict_free(v);
	policy.spam = FALSE;
	v = pc_engine_scan(engine, &in, &policy);
	g_assert_false(v->spam_scanned);
	g_assert_cmpint(v->status, ==, PC_STATUS_CLEAN);
	pc_verdict_free(v);
	pc_engine_unref(engine);
	g_unlink(cf);
	g_rmdir(dir);
}

/* Robinson's f(w) and Fisher's combining on cases worked by hand:
 * f(3 spam, 1 ham of 10 and 10) = (0.5 + 4 * 0.75) / 5 = 0.7;
 * one clue combines to itself; 0.9 and 0.8: S = 1 - e^-3.912 (1 + 3.912)
 * = 0.90176, H = 1 - e^-0.3285 (1 + 0.3285) = 0.04348, (S - H + 1) / 2. */
static void
test_bayes_math(void)
{
	const double one[] = { 0.9 }, two[] = { 0.9, 0.8 }, even[] = { 0.9, 0.1 };

	g_assert_cmpfloat_with_epsilon(pc_bayes_token_probability(3, 1, 10, 10), 0.7, 1e-12);
	g_assert_cmpfloat_with_epsilon(pc_bayes_token_probability(0, 0, 10, 10), 0.5, 1e-12);
	g_assert_cmpfloat_with_epsilon(pc_bayes_token_probability(1, 0, 10, 10), 0.75, 1e-12);
	g_assert_cmpfloat_with_epsilon(pc_bayes_combine(one, 1), 0.9, 1e-9);
	g_assert_cmpfloat_with_epsilon(pc_bayes_combine(two, 2), 0.929141, 1e-5);
	g_assert_cmpfloat_with_epsilon(pc_bayes_combine(even, 2), 0.5, 1e-9);
	g_assert_cmpfloat(pc_bayes_combine(NULL, 0), ==, 0.5);
}

static GPtrArray *
tokens_of(const char *const *words)
{
	return pc_test_strings(words);
}

/* The LMDB store: learn, count, classify, forget; each classification
 * sees what was learned before it.  (One environment: LMDB forbids opening
 * the same store twice in one process; the daemon and portcullisctl are
 * two processes.) */
static void
test_bayes_store(void)
{
	g_autofree char *dir = g_dir_make_tmp("bayes-test-XXXXXX", NULL);
	static const char *const spammy[] = { "viagra", "cheap", "s:offer", NULL };
	static const char *const hammy[] = { "meeting", "agenda", "s:minutes", NULL };
	static const char *const probe_spam[] = { "viagra", "cheap", "unknown", NULL };
	static const char *const probe_ham[] = { "meeting", "agenda", NULL };
	g_autoptr(GPtrArray) s = tokens_of(spammy);
	g_autoptr(GPtrArray) h = tokens_of(hammy);
	g_autoptr(GPtrArray) ps = tokens_of(probe_spam);
	g_autoptr(GPtrArray) ph = tokens_of(probe_ham);
	PcBayes *writer = pc_bayes_open(dir, TRUE, NULL);
	PcBayes *reader = writer;
	guint64 nspam = 0, nham = 0;
	gboolean active = TRUE;
	double p = 0;

	g_assert_nonnull(writer);
	g_assert_nonnull(reader);
	g_assert_true(pc_bayes_classify(reader, ps, 2, &p, &active, NULL));
	g_assert_false(active);
	for (int i = 0; i < 3; i++) {
		g_assert_true(pc_bayes_learn(writer, &(PcBayesLesson){ s, TRUE, +1, NULL }, 1, NULL));
		g_assert_true(pc_bayes_learn(writer, &(PcBayesLesson){ h, FALSE, +1, NULL }, 1, NULL));
	}
	g_assert_true(pc_bayes_counts(reader, &nspam, &nham, NULL));
	g_assert_cmpuint(nspam, ==, 3);
	g_assert_cmpuint(nham, ==, 3);
	g_assert_true(pc_bayes_classify(reader, ps, 2, &p, &active, NULL));
	g_assert_true(active);
	g_assert_cmpfloat(p, >, 0.9);
	g_assert_true(pc_bayes_classify(reader, ph, 2, &p, &active, NULL));
	g_assert_cmpfloat(p, <, 0.1);
	/* forgetting two of three spam learnings makes Bayes inactive again at 2 */
	g_assert_true(pc_bayes_learn(writer, &(PcBayesLesson){ s, TRUE, -1, NULL }, 1, NULL));
	g_assert_true(pc_bayes_learn(writer, &(PcBayesLesson){ s, TRUE, -1, NULL }, 1, NULL));
	g_assert_true(pc_bayes_classify(reader, ps, 2, &p, &active, NULL));
	g_assert_false(active);
	/* a batch, one transaction: two spam and one ham */
	g_assert_true(pc_bayes_learn(writer, (PcBayesLesson[]){ { s, TRUE, +1, NULL },
								{ s, TRUE, +1, NULL },
								{ h, FALSE, +1, NULL } }, 3, NULL));
	g_assert_true(pc_bayes_counts(reader, &nspam, &nham, NULL));
	g_assert_cmpuint(nspam, ==, 3);
	g_assert_cmpuint(nham, ==, 4);
	g_assert_true(pc_bayes_classify(reader, ps, 2, &p, &active, NULL));
	g_assert_true(active);
	pc_bayes_close(writer);
	g_assert_null(pc_bayes_open("/nonexistent/bayes", FALSE, NULL));
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

		g_assert_cmpint(system(cmd), ==, 0);
	}
}

/* Tokens: words 3-24 letters lower-cased, pairs, subject, sender, hosts. */
static void
test_bayes_tokens(void)
{
	PcSpamView v = { 0 };
	g_autoptr(GPtrArray) t = NULL;
	g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);

	test_view(&v);
	t = pc_bayes_tokens(&v);
	for (guint i = 0; i < t->len; i++)
		g_hash_table_add(set, g_ptr_array_index(t, i));
	g_assert_true(g_hash_table_contains(set, "viagra"));
	g_assert_true(g_hash_table_contains(set, "p:buy viagra"));
	g_assert_true(g_hash_table_contains(set, "s:money"));
	g_assert_true(g_hash_table_contains(set, "h:from:sales@pharma.example"));
	g_assert_true(g_hash_table_contains(set, "h:from@:pharma.example"));
	g_assert_true(g_hash_table_contains(set, "u:pharma.example"));
	g_assert_false(g_hash_table_contains(set, "now."));
	g_assert_false(g_hash_table_contains(set, "Buy"));
	g_assert_cmpuint(g_hash_table_size(set), ==, t->len);
	pc_spam_view_clear(&v);
}

static gboolean
test_has_token(const GPtrArray *tokens, const char *token)
{
	return g_ptr_array_find_with_equal_func((GPtrArray *)tokens, token, g_str_equal, NULL);
}

/* A huge body of distinct words: the set stops at PC_BAYES_SET_MAX, and
 * the header, subject and URL tokens are still in it. */
static void
test_bayes_tokens_capped(void)
{
	PcSpamView v = { 0 };
	g_autoptr(GPtrArray) t = NULL;

	test_view(&v);
	for (guint p = 0; p < 20; p++) {
		GString *para = g_string_new(NULL);

		for (guint i = 0; i < 3000; i++)
			g_string_append_printf(para, "w%u ", p * 3000 + i);
		g_ptr_array_add(v.body, g_string_free(para, FALSE));
	}
	t = pc_bayes_tokens(&v);
	g_assert_cmpuint(t->len, <=, PC_BAYES_SET_MAX);
	g_assert_cmpuint(t->len, >, PC_BAYES_SET_MAX / 2);
	g_assert_true(test_has_token(t, "s:money"));
	g_assert_true(test_has_token(t, "h:from:sales@pharma.example"));
	g_assert_true(test_has_token(t, "u:pharma.example"));
	g_assert_true(test_has_token(t, "w1000"));
	g_assert_false(test_has_token(t, "w59999"));
	pc_spam_view_clear(&v);
}

/* Body text past PC_BAYES_TEXT_MAX is not read, even when the set has
 * room: the cost of a message is bounded by the budget, not its size. */
static void
test_bayes_tokens_text_budget(void)
{
	PcSpamView v = { 0 };
	g_autoptr(GPtrArray) t = NULL;
	GString *filler = g_string_new("earlyword");

	test_view(&v);
	while (filler->len < 2 * PC_BAYES_TEXT_MAX)
		g_string_append(filler, " filler");
	g_string_append(filler, " lateword");
	g_ptr_array_add(v.body, g_string_free(filler, FALSE));
	g_ptr_array_add(v.body, g_strdup("latepara"));
	t = pc_bayes_tokens(&v);
	g_assert_true(test_has_token(t, "earlyword"));
	g_assert_true(test_has_token(t, "filler"));
	g_assert_false(test_has_token(t, "lateword"));
	g_assert_false(test_has_token(t, "latepara"));
	pc_spam_view_clear(&v);
}

static void test_view_of(const char *msg, PcVerdict *verdict, PcMime *mime, PcSpamView *v);

/* SpamAssassin's header tokens: the last two Received chewed (no queue id,
 * no date, a /24 and the address), addresses as N*, U*, D* also under
 * *ad, long words as sk:; list, Subject and HTML-telling headers left out. */
static void
test_bayes_header_tokens(void)
{
	const char msg[] = "Received: from relay.example by mx.example with ESMTP id 1A2B3C4D;"
			   " Mon, 2 Sep 2002 10:00:00 +0100\r\n"
			   "Received: from spamhost.example (helo bulkmailer) [198.51.100.7]\r\n"
			   "Received: from origin.example [203.0.113.9] by spamhost.example\r\n"
			   "From: Alice Sender <alice@mail.example.com>\r\n"
			   "Subject: hello there\r\n"
			   "List-Id: <things.lists.example>\r\n"
			   "X-Mailer: SuperBulk 5.0 abcdefghijklmnopqrstuvwxyz\r\n"
			   "Content-Type: text/html\r\n"
			   "DKIM-Signature: v=1; a=rsa-sha256; b=Zm9vYmFyYmF6cXV4\r\n\r\n"
			   "<p>hello</p>\r\n";
	static const char *const present[] = {
		"Hreceived:sk:spamhos", "Hreceived:bulkmailer", "Hreceived:198.51.100",
		"Hreceived:ip*198.51.100.7", "Hreceived:origin.example", "Hfrom:N*Alice",
		"Hfrom:U*alice", "Hfrom:D*mail.example.com", "Hfrom:D*example.com", "H*ad:U*alice",
		"Hx-mailer:SuperBulk", "H*ua:SuperBulk", "Hx-mailer:sk:abcdefg",
		"Hdkim-signature:present", NULL,
	};
	static const char *const absent[] = {
		"Hreceived:relay.example", "Hreceived:1A2B3C4D", "Hreceived:Mon", "Hreceived:+0100",
		"Hreceived:ESMTP", "Hsubject:hello", "Hlist-id:things.lists.example",
		"Hcontent-type:text/html", "Hdkim-signature:rsa-sha256", NULL,
	};
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	g_autoptr(GPtrArray) t = NULL;
	PcMime mime = { 0 };
	PcSpamView v = { 0 };

	test_view_of(msg, verdict, &mime, &v);
	t = pc_bayes_tokens(&v);
	for (guint i = 0; present[i] != NULL; i++)
		if (!test_has_token(t, present[i]))
			g_error("missing token %s", present[i]);
	for (guint i = 0; absent[i] != NULL; i++)
		if (test_has_token(t, absent[i]))
			g_error("unexpected token %s", absent[i]);
	pc_spam_view_clear(&v);
	pc_mime_clear(&mime);
}

/* A lesson made from a huge message holds no more than the cap: that is
 * what autolearn queues and counts against its backlog. */
static void
test_lesson_bounded(void)
{
	GString *msg = g_string_new("Subject: many words\r\nFrom: a@b.example\r\n\r\n");
	g_autoptr(PcLesson) lesson = NULL;

	for (guint i = 0; i < 50000; i++)
		g_string_append_printf(msg, "word%u%s", i, i % 10 == 9 ? "\r\n" : " ");
	lesson = pc_lesson_new((const guint8 *)msg->str, msg->len, TRUE, +1);
	g_assert_cmpuint(pc_lesson_size(lesson), <=, PC_BAYES_SET_MAX);
	g_assert_cmpuint(pc_lesson_size(lesson), >, PC_BAYES_SET_MAX / 2);
	g_string_free(msg, TRUE);
}

/* A header of one long run with '*' in it (a JSON blob, say) made a token
 * longer than LMDB's 511-byte keys: the learning transaction failed, and
 * with it every message learned alongside. */
static void
test_learn_long_token(void)
{
	GString *msg = g_string_new("{\"id\": ");
	g_autofree char *dir = g_dir_make_tmp("pc-bayes-XXXXXX", NULL);
	g_autofree char *store = g_build_filename(dir, "bayes", NULL);
	g_autoptr(GError) error = NULL;
	PcLearner *learner = pc_learner_open(store, &error);
	PcLesson *lessons[1];

	g_assert_no_error(error);
	for (guint i = 0; i < 300; i++)
		g_string_append(msg, "ab*cd");
	g_string_append(msg, "\nFrom: x@a-very-long-domain-name.example\n\nhello there\n");
	lessons[0] = pc_lesson_new((const guint8 *)msg->str, msg->len, TRUE, +1);
	g_assert_true(pc_learner_learn_lessons(learner, lessons, 1, &error));
	g_assert_no_error(error);
	pc_lesson_free(lessons[0]);
	pc_learner_close(learner);
	g_string_free(msg, TRUE);
	{
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

		g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, NULL, NULL));
	}
}

/* The view of a whole message, as the spam check builds it. */
static void
test_view_of(const char *msg, PcVerdict *verdict, PcMime *mime, PcSpamView *v)
{
	PcScan scan = { .data = (const guint8 *)msg, .len = strlen(msg), .mime = mime,
			.verdict = verdict };

	pc_mime_parse(scan.data, scan.len, 20, PC_ENGINE_MAX_PARTS, verdict, mime);
	pc_spam_view_init(v, &scan);
	pc_spam_view_relays(v, NULL);
}

/* Each registrable domain once, in order of first appearance, however
 * often it is linked (a repeated domain once corrupted the dedup set). */
static void
test_uri_domains(void)
{
	const char msg[] = "Subject: links\r\n\r\nhttp://a.example/1 http://www.b.example/ "
			   "http://x.a.example/2 http://c.example/ http://b.example/3 "
			   "http://a.example/4\r\n";
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	PcMime mime = { 0 };
	PcSpamView v = { 0 };

	test_view_of(msg, verdict, &mime, &v);
	g_assert_cmpuint(v.uris->len, ==, 6);
	g_assert_cmpuint(v.uri_domains->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(v.uri_domains, 0), ==, "a.example");
	g_assert_cmpstr(g_ptr_array_index(v.uri_domains, 1), ==, "b.example");
	g_assert_cmpstr(g_ptr_array_index(v.uri_domains, 2), ==, "c.example");
	pc_spam_view_clear(&v);
	pc_mime_clear(&mime);
}

/* Addresses in text are uris too, as "mailto:ADDRESS" (SpamAssassin's uri
 * list has them; its uri rules look for "unsubscribe" there); an explicit
 * mailto: link once, an address in a URL not again. */
static void
test_uri_mailto(void)
{
	const char msg[] = "Subject: list\r\n\r\nTo unsubscribe, send an email to:\r\n"
			   "list-unsubscribe@groups.example\r\n"
			   "<mailto:list-request@groups.example?subject=unsubscribe>\r\n"
			   "http://user@web.example/x\r\n";
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	PcMime mime = { 0 };
	PcSpamView v = { 0 };

	test_view_of(msg, verdict, &mime, &v);
	g_assert_cmpuint(v.uris->len, ==, 3);
	g_assert_cmpstr(g_ptr_array_index(v.uris, 0), ==, "mailto:list-unsubscribe@groups.example");
	g_assert_cmpstr(g_ptr_array_index(v.uris, 1), ==,
			"mailto:list-request@groups.example?subject=unsubscribe");
	g_assert_cmpstr(g_ptr_array_index(v.uris, 2), ==, "http://web.example/x");
	pc_spam_view_clear(&v);
	pc_mime_clear(&mime);
}

static void
test_url_normalise(void)
{
	static const struct { const char *raw, *url; } cases[] = {
		{ "HTTP://WWW.Example.COM/Path?Q=1", "http://www.example.com/Path?Q=1" },
		{ "hxxp://evil[.]example/x", "http://evil.example/x" },
		{ "hXXps://evil(.)example[dot]com/", "https://evil.example.com/" },
		{ "h**p://a.example", "http://a.example" },
		{ "www.example.org/page.", "http://www.example.org/page" },
		{ "http://%65vil.example/", "http://evil.example/" },
		{ "http://user:pw@bank.example@evil.example/login", "http://evil.example/login" },
		{ "http://b\xc3\xbc" "cher.de/", "http://xn--bcher-kva.de/" },
		{ "https://example.com),", "https://example.com" },
		{ "mailto:a@b.example", NULL },
		{ "not a url", NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = pc_url_normalise(cases[i].raw);

		g_assert_cmpstr(got, ==, cases[i].url);
	}
}

static void
test_url_registrable(void)
{
	static const struct { const char *host, *domain; } cases[] = {
		{ "a.b.example.co.uk", "example.co.uk" }, { "www.example.com", "example.com" },
		{ "example.com", "example.com" }, { "x.y.blogspot.com", "y.blogspot.com" },
		{ "192.0.2.7", "192.0.2.7" }, { "xn--bcher-kva.de", "xn--bcher-kva.de" },
		{ "shop.xn--bcher-kva.de", "xn--bcher-kva.de" },
	};
	g_autofree char *host = pc_url_host("http://a.b.example.co.uk:8080/x");

	g_assert_cmpstr(host, ==, "a.b.example.co.uk");
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = pc_url_registrable(cases[i].host);

		g_assert_cmpstr(got, ==, cases[i].domain);
	}
}

static gint
test_strptrcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of the rules that hit msg, sorted, joined by ",". */
static char *
test_hits_with(const char *rules, const char *msg, gboolean prefilter)
{
	PcRuleSet *rs = pc_rules_new();
	g_autoptr(PcVerdict) verdict = pc_verdict_new();
	g_autoptr(GArray) hits = g_array_new(FALSE, FALSE, sizeof(PcRuleHit));
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	PcMime mime = { 0 };
	PcSpamView v = { 0 };
	char *out;

	pc_rules_use_prefilter(rs, prefilter);
	g_assert_true(pc_rules_parse(rs, "t.cf", rules, TRUE, NULL));
	g_assert_true(pc_rules_finish(rs, TRUE, NULL));
	test_view_of(msg, verdict, &mime, &v);
	pc_rules_run(rs, &v, PC_SCORE_LOCAL, hits);
	for (guint i = 0; i < hits->len; i++)
		g_ptr_array_add(names, (gpointer)g_array_index(hits, PcRuleHit, i).name);
	g_ptr_array_sort(names, test_strptrcmp);
	g_ptr_array_add(names, NULL);
	out = g_strjoinv(",", (char **)names->pdata);
	pc_spam_view_clear(&v);
	pc_mime_clear(&mime);
	pc_rules_free(rs);
	return out;
}

static char *
test_hits(const char *rules, const char *msg)
{
	return test_hits_with(rules, msg, TRUE);
}

static const struct {
	const char *name, *rules, *msg, *hits;
} eval_cases[] = {
	{ "from-domains", "header D eval:check_equal_from_domains()\n",
	  "Return-Path: <b@mail.other.example>\r\nFrom: A <a@x.shop.example>\r\n\r\nhi\r\n", "D" },
	{ "from-domains-same", "header D eval:check_equal_from_domains()\n",
	  "Return-Path: <b@bounce.shop.example>\r\nFrom: a@x.shop.example\r\n\r\nhi\r\n", "" },
	{ "from-domains-comment", "header D eval:check_equal_from_domains()\n",
	  "Return-Path: <b@msn.example>\r\nFrom: b@msn.example ()\r\n\r\nhi\r\n", "" },
	{ "from-domains-forwarded", "header D eval:check_equal_from_domains()\n",
	  "Return-Path: ler@list.example\r\nReceived: via dmail; Tue, 3 Sep 2002 15:33:27 -0500\r\n"
	  "Return-Path: <owner@other.example>\r\nFrom: a@shop.example\r\n\r\nhi\r\n", "" },
	{ "subject-caps", "header C eval:subject_is_all_caps()\n",
	  "Subject: FREE MONEY NOW!!\r\n\r\nhi\r\n", "C" },
	{ "subject-mixed", "header C eval:subject_is_all_caps()\n",
	  "Subject: Re: FREE money NOW\r\n\r\nhi\r\n", "" },
	{ "subject-one-word", "header C eval:subject_is_all_caps()\n",
	  "Subject: FREEMONEYNOW\r\n\r\nhi\r\n", "" },
	{ "html-only", "body O eval:check_for_mime_html_only()\nbody H eval:html_test('html')\n"
		       "body M eval:check_for_mime_html()\n",
	  "Content-Type: text/html\r\n\r\n<html><body><p>Buy</p></body></html>\r\n", "H,M,O" },
	{ "html-alternative", "body O eval:check_for_mime_html_only()\n"
			      "body H eval:html_test('html')\nbody A eval:check_for_mime('mime_multipart_alternative')\n",
	  "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
	  "Buy\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Buy</p>\r\n--b--\r\n", "A,H" },
	{ "base64-text", "body B eval:check_for_mime('mime_base64_encoded_text')\n",
	  "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	  "QnV5IG5vdw==\r\n", "B" },
	{ "content-type-header", "header T Content-Type =~ /^text\\/plain\\b/i\n",
	  "Content-Type: text/plain; charset=us-ascii\r\nSubject: x\r\n\r\nhi\r\n", "T" },
	{ "date-future", "header F eval:check_for_shifted_date('6', '12')\n"
			 "header P eval:check_for_shifted_date('undef', '-96')\n",
	  "Received: from a by b; Mon, 1 Jul 2002 10:00:00 +0000\r\n"
	  "Date: Mon, 1 Jul 2002 20:00:00 +0000\r\n\r\nhi\r\n", "F" },
	{ "date-past", "header F eval:check_for_shifted_date('6', '12')\n"
		       "header P eval:check_for_shifted_date('undef', '-96')\n",
	  "Received: from a by b; Mon, 8 Jul 2002 10:00:00 +0000\r\n"
	  "Date: Mon, 1 Jul 2002 10:00:00 +0000\r\n\r\nhi\r\n", "P" },
	{ "missing-to", "header T eval:check_for_missing_to_header()\n",
	  "Subject: x\r\n\r\nhi\r\n", "T" },
	{ "freemail-from", "freemail_domains gmail.example yahoo.*\n"
			   "header F eval:check_freemail_from()\n",
	  "From: someone@yahoo.example\r\n\r\nhi\r\n", "F" },
	{ "freemail-wildcard-no-dot", "freemail_domains yahoo.*\n"
				      "header F eval:check_freemail_from()\n",
	  "From: someone@yahoo.co.example\r\n\r\nhi\r\n", "" },
	{ "freemail-role-address", "freemail_domains gmail.example\n"
				   "header F eval:check_freemail_from()\n",
	  "From: info@gmail.example\r\n\r\nhi\r\n", "" },
	{ "freemail-header-re", "freemail_domains gmail.example\n"
				"header F eval:check_freemail_header('Reply-To', '\\d@')\n",
	  "From: a@shop.example\r\nReply-To: bob77@gmail.example\r\n\r\nhi\r\n", "F" },
	{ "freemail-replyto", "freemail_domains gmail.example mail.example\n"
			      "header F eval:check_freemail_replyto('replyto')\n",
	  "From: a@gmail.example\r\nReply-To: b@mail.example\r\n\r\nhi\r\n", "F" },
	/* Outlook's ids carry the send time: 01c220e6 is Date's, 7fffffff none */
	{ "outlook-id-fits", "header O eval:check_outlook_message_id()\n",
	  "Date: Mon, 1 Jul 2002 10:00:00 +0000\r\n"
	  "Message-ID: <000001c220e6$01234567$89abcdef@host>\r\n\r\nhi\r\n", "" },
	{ "outlook-id-forged", "header O eval:check_outlook_message_id()\n",
	  "Date: Mon, 1 Jul 2002 10:00:00 +0000\r\n"
	  "Message-ID: <00007fffffff$01234567$89abcdef@host>\r\n\r\nhi\r\n", "O" },
	{ "no-received", "header G eval:gated_through_received_hdr_remover()\n"
			 "header N eval:check_no_relays()\nheader T eval:check_all_trusted()\n",
	  "Subject: x\r\n\r\nhi\r\n", "G,N" },
	{ "all-trusted", "header G eval:gated_through_received_hdr_remover()\n"
			 "header N eval:check_no_relays()\nheader T eval:check_all_trusted()\n",
	  "Received: from a.example (a.example [10.0.0.2]) by b.example (Postfix) with ESMTP id 1A;"
	  " Mon, 1 Jul 2002 10:00:00 +0000\r\nSubject: x\r\n\r\nhi\r\n", "T" },
	{ "replace-tags", "replace_tag CUR (?:\\$|EUR)\nreplace_rules R\nbody R /<CUR>\\d{3}/\n",
	  "Subject: x\r\n\r\nwin $500 today\r\n", "R" },
	{ "replace-inter", "replace_tag A f\nreplace_tag B r\nreplace_tag C ee\n"
			   "replace_inter W1 \\W?\nreplace_rules R\nbody R /<inter W1><A><B><C>/\n",
	  "Subject: x\r\n\r\nget it f.r-ee\r\n", "R" },
	{ "replace-unnamed", "replace_tag CUR \\$\nbody R /<CUR>\\d{3}/\n",
	  "Subject: x\r\n\r\nwin $500 today\r\n", "" },
};

static void
test_eval_case(gconstpointer data)
{
	const __typeof__(eval_cases[0]) *c = data;
	g_autofree char *hits = test_hits(c->rules, c->msg);

	g_assert_cmpstr(hits, ==, c->hits);
}

/* A test we do not answer is not run, and says why; a meta needing it is
 * dropped and says which rule it needed. */
static void
test_rules_list(void)
{
	PcRuleSet *rs = pc_rules_new();
	g_autoptr(GPtrArray) lines = NULL;

	g_assert_true(pc_rules_parse(rs, "t.cf", "body A /x/\nscore A 1 2 3 4\n"
				     "body B eval:html_test('font_low_contrast')\n"
				     "meta M A && B\n"
				     "ifplugin Mail::SpamAssassin::Plugin::NoSuch\nbody N /y/\nendif\n",
				     FALSE, NULL));
	g_assert_true(pc_rules_finish(rs, FALSE, NULL));
	lines = pc_rules_list(rs);
	g_assert_cmpuint(lines->len, ==, 4);
	g_assert_cmpstr(g_ptr_array_index(lines, 0), ==, "A\trun\t1 2 3 4");
	g_assert_cmpstr(g_ptr_array_index(lines, 1), ==,
			"B\tnot run\tunknown eval function html_test");
	g_assert_cmpstr(g_ptr_array_index(lines, 2), ==, "M\tnot run\tmeta needs B, not run");
	g_assert_true(g_str_has_prefix(g_ptr_array_index(lines, 3), "N\tnot run\tin a block"));
	pc_rules_free(rs);
}

/* One rule, hit by one spam, published 1, threshold 0, prior strength
 * 0.5: the minimum of -log(sigma(w)) + 0.5 (w - 1)^2 is where
 * 1 - sigma(w) = w - 1, w = 1.22675 (solved by bisection, by hand). */
static void
test_rescore_one_rule(void)
{
	const guint a = 0;
	PcRescoreMessage m = { &a, 1, 0, TRUE };
	PcRescoreParams p = { .threshold = 0, .ham_cost = 10, .prior_strength = 0.5,
			      .iterations = 5000 };
	double w = 1;

	pc_rescore_fit(&m, 1, &w, 1, &p);
	g_assert_cmpfloat_with_epsilon(w, 1.22675, 1e-4);
}

/* Ham costs ten spam; a rule keeps its published sign; a rule no message
 * hit keeps its published score; the loss falls. */
static void
test_rescore_costs_and_signs(void)
{
	/* rule 0 (published 2) hit by 3 spam and 1 ham; rule 1 (published
	 * -1, a ham sign) hit only by spam; rule 2 (published 3) hit by none */
	const guint r0 = 0, r01[] = { 0, 1 }, r1 = 1;
	PcRescoreMessage m[] = {
		{ &r0, 1, 4, TRUE }, { r01, 2, 4, TRUE }, { &r1, 1, 4, TRUE }, { &r0, 1, 4, FALSE },
	};
	PcRescoreParams p = { .threshold = 5, .ham_cost = 10, .prior_strength = 1,
			      .iterations = 5000 };
	double published[] = { 2, -1, 3 }, w[] = { 2, -1, 3 };
	double before = pc_rescore_loss(m, 4, w, published, 3, &p);
	double cheap_ham[3] = { 2, -1, 3 }, weak_prior[3] = { 2, -1, 3 };

	pc_rescore_fit(m, 4, w, 3, &p);
	g_assert_cmpfloat(pc_rescore_loss(m, 4, w, published, 3, &p), <, before);
	g_assert_cmpfloat(w[0], <, 2);		/* the ham it hit weighs ten spam */
	g_assert_cmpfloat(w[0], >=, 0);
	g_assert_cmpfloat(w[1], >, -1);		/* pushed up by the spam it hit */
	g_assert_cmpfloat(w[1], <=, 0);
	g_assert_cmpfloat(w[2], ==, 3);
	p.ham_cost = 1;
	pc_rescore_fit(m, 4, cheap_ham, 3, &p);
	g_assert_cmpfloat(cheap_ham[0], >, w[0]);
	/* with a weak prior the spam would make it positive: held at zero */
	p.prior_strength = 0.01;
	pc_rescore_fit(m, 4, weak_prior, 3, &p);
	g_assert_cmpfloat(weak_prior[1], ==, 0);
}

/* Required literals: "" when none is known (the pattern is always run). */
static const struct {
	const char *pattern;
	gboolean caseless;
	const char *literals;	/* sorted, joined by "|" */
} literal_cases[] = {
	{ "\\bviagra\\b", TRUE, "viagra" },
	{ "(?:dollars|usd)\\d+", FALSE, "dollars|usd" },
	{ "ab?cde", FALSE, "cde" },
	{ "abc+defg", FALSE, "defg" },
	{ "xyz{2}", FALSE, "xyz" },
	{ "foo|ba", FALSE, "" },
	{ "cheap\\s+viagra", FALSE, "viagra" },
	{ "\\xE9t\\xE9", FALSE, "" },
	{ "caf\\x41e", TRUE, "cafae" },
	{ "(?i)Free Money", FALSE, "free money" },
	{ "(?!cialis)c i a l i s", FALSE, "c i a l i s" },
	{ "(?<=abc)de", FALSE, "" },
	{ "(?<=abc)def", FALSE, "def" },
	{ "a(?:bcd)?efg", FALSE, "efg" },
	{ "(x)(?(1)abc|def)", FALSE, "" },
	{ "\\Qabcdef\\E", FALSE, "" },
	{ "abc)", FALSE, "" },
	{ "\\x{263a}abc", FALSE, "abc" },
	{ "(?:abc|de)fghi", FALSE, "fghi" },
	{ "(?:abc|def)(?:gh|ij)?", FALSE, "abc|def" },
	{ "\\1abc", FALSE, "abc" },
	{ "(?<name>abcd)\\k<name>", FALSE, "abcd" },
	{ "[abc]{3}", FALSE, "" },
	{ "hello|", FALSE, "" },
	{ "a.b.c", FALSE, "" },
	{ "\\$[0-9]{3} million", FALSE, " million" },
	{ "(?:euro|sum of).{0,4}(?:[0-9]{3})", FALSE, "euro|sum of" },
	{ "x.{12,40}yz", FALSE, "" },
};

static void
test_prefilter_literals(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(literal_cases); i++) {
		PcPattern p = { literal_cases[i].pattern,
				literal_cases[i].caseless ? PCRE2_CASELESS : 0 };
		gboolean caseless;
		g_autoptr(GPtrArray) l = pc_prefilter_literals(&p, &caseless);
		g_autofree char *joined = NULL;

		if (l != NULL) {
			g_ptr_array_sort(l, test_strptrcmp);
			g_ptr_array_add(l, NULL);
			joined = g_strjoinv("|", (char **)l->pdata);
		}
		if (g_strcmp0(joined ? joined : "", literal_cases[i].literals) != 0)
			g_error("/%s/: literals \"%s\", expected \"%s\"", literal_cases[i].pattern,
				joined ? joined : "", literal_cases[i].literals);
	}
}

/* The prefilter skips only rules that cannot match: the same hits with
 * and without it, on messages that hit and miss rules of every kind. */
static void
test_prefilter_same_hits(void)
{
	static const char rules[] =
		"body B1 /\\bviagra\\b/i\nbody B2 /cheap\\s+(?:pills|meds)/\n"
		"body B3 /(?:dollars|usd)\\s?\\d+/i\nbody B4 /[a-z]{40}/\n"
		"rawbody R1 /<font\\s+color=.?white/i\nuri U1 /\\.example\\/(?:buy|order)/\n"
		"body B5 /f r e e (?#spaced out) m o n e y/x\n";
	static const char *const msgs[] = {
		"Subject: x\r\n\r\nBuy VIAGRA now, cheap pills, 100 USD 20\r\n",
		"Subject: x\r\nContent-Type: text/html\r\n\r\n<font color=white>freemoney "
		"http://shop.example/order</font>\r\n",
		"Subject: nothing\r\n\r\nThe agenda for the meeting.\r\n",
	};

	for (guint m = 0; m < G_N_ELEMENTS(msgs); m++) {
		g_autofree char *with = test_hits_with(rules, msgs[m], TRUE);
		g_autofree char *without = test_hits_with(rules, msgs[m], FALSE);

		g_assert_cmpstr(with, ==, without);
		if (m < 2)
			g_assert_cmpstr(with, !=, "");
	}
}

/* The authentication plugins' eval: tests read the engine's results. */
static gboolean
auth_eval(const char *name, const PcSpamView *v, const char *arg)
{
	char *args[] = { (char *)arg, NULL };
	PcMsgArgs a = { .args = args, .name = (char *)name };
	guint min, max;
	int re;
	PcMsgTest test = pc_msg_test(name, args, &min, &max, &re);

	g_assert_nonnull(test);
	return test(&a, v);
}

static void
test_eval_auth(void)
{
	g_autoptr(PcAuth) auth = pc_auth_new();
	PcDkimResult *sig = g_new0(PcDkimResult, 1);
	PcSpamView v = { .sender_domain = (char *)"bounce.news.test" };

	g_assert_false(auth_eval("check_for_spf_fail", &v, NULL));	/* nothing checked */
	v.auth = auth;
	auth->spf = PC_AUTH_SOFTFAIL;
	auth->spf_helo = PC_AUTH_PASS;
	g_assert_true(auth_eval("check_for_spf_softfail", &v, NULL));
	g_assert_false(auth_eval("check_for_spf_fail", &v, NULL));
	g_assert_true(auth_eval("check_for_spf_helo_pass", &v, NULL));
	g_assert_false(auth_eval("check_for_spf_helo_softfail", &v, NULL));
	g_assert_false(auth_eval("check_dkim_signed", &v, NULL));
	auth->dkim = g_ptr_array_new_with_free_func(g_free);
	sig->result = PC_AUTH_FAIL;
	sig->domain = (char *)"news.test";	/* the array frees only sig */
	g_ptr_array_add(auth->dkim, sig);
	auth->from_domain = g_strdup("news.test");
	g_assert_true(auth_eval("check_dkim_signed", &v, NULL));
	g_assert_false(auth_eval("check_dkim_valid", &v, NULL));
	sig->result = PC_AUTH_PASS;
	g_assert_true(auth_eval("check_dkim_valid", &v, NULL));
	g_assert_true(auth_eval("check_dkim_valid", &v, "news.test"));
	g_assert_false(auth_eval("check_dkim_valid", &v, "linkedin.com"));
	g_assert_true(auth_eval("check_dkim_valid_author_sig", &v, NULL));
	g_assert_false(auth_eval("check_dkim_valid_envelopefrom", &v, NULL));
	auth->dmarc = PC_AUTH_FAIL;
	auth->dmarc_policy = g_strdup("quarantine");
	g_assert_true(auth_eval("check_dmarc_quarantine", &v, NULL));
	g_assert_false(auth_eval("check_dmarc_reject", &v, NULL));
	g_assert_false(auth_eval("check_dmarc_pass", &v, NULL));
	auth->dmarc = PC_AUTH_NONE;
	g_assert_true(auth_eval("check_dmarc_missing", &v, NULL));
	g_assert_false(auth_eval("check_arc_signed", &v, NULL));
	auth->arc_instances = 2;
	auth->arc = PC_AUTH_FAIL;
	g_assert_true(auth_eval("check_arc_signed", &v, NULL));
	g_assert_false(auth_eval("check_arc_valid", &v, NULL));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_assert_true(pc_engine_global_init(NULL, NULL));
	for (guint i = 0; i < G_N_ELEMENTS(rule_cases); i++) {
		g_autofree char *p = g_strdup_printf("/spam/rule/%s", rule_cases[i].name);

		g_test_add_data_func(p, &rule_cases[i], test_rule_case);
	}
	for (guint i = 0; i < G_N_ELEMENTS(rule_errors); i++) {
		g_autofree char *p = g_strdup_printf("/spam/error/%s", rule_errors[i].name);

		g_test_add_data_func(p, &rule_errors[i], test_rule_error);
	}
	g_test_add_func("/spam/lenient", test_rules_lenient);
	g_test_add_func("/spam/list-rules", test_rules_list);
	g_test_add_func("/spam/prefilter/literals", test_prefilter_literals);
	g_test_add_func("/spam/prefilter/same-hits", test_prefilter_same_hits);
	g_test_add_func("/spam/rescore/one-rule", test_rescore_one_rule);
	g_test_add_func("/spam/rescore/costs-and-signs", test_rescore_costs_and_signs);
	for (guint i = 0; i < G_N_ELEMENTS(eval_cases); i++) {
		g_autofree char *p = g_strdup_printf("/spam/eval/%s", eval_cases[i].name);

		g_test_add_data_func(p, &eval_cases[i], test_eval_case);
	}
	g_test_add_func("/spam/score-sets", test_score_sets);
	g_test_add_func("/spam/uri-mailto", test_uri_mailto);
	g_test_add_func("/spam/expr", test_expr);
	g_test_add_func("/spam/dns/names", test_dns_names);
	g_test_add_func("/spam/dns/relay", test_relay);
	g_test_add_func("/spam/html", test_html);
	g_test_add_func("/spam/html/tricks", test_html_tricks);
	g_test_add_func("/spam/engine", test_engine_spam);
	g_test_add_func("/spam/bayes/math", test_bayes_math);
	g_test_add_func("/spam/bayes/store", test_bayes_store);
	g_test_add_func("/spam/bayes/tokens", test_bayes_tokens);
	g_test_add_func("/spam/bayes/tokens-capped", test_bayes_tokens_capped);
	g_test_add_func("/spam/bayes/tokens-text-budget", test_bayes_tokens_text_budget);
	g_test_add_func("/spam/bayes/lesson-bounded", test_lesson_bounded);
	g_test_add_func("/spam/bayes/learn-long-token", test_learn_long_token);
	g_test_add_func("/spam/bayes/header-tokens", test_bayes_header_tokens);
	g_test_add_func("/spam/url/domains", test_uri_domains);
	g_test_add_func("/spam/url/normalise", test_url_normalise);
	g_test_add_func("/spam/eval/auth", test_eval_auth);
	g_test_add_func("/spam/url/registrable", test_url_registrable);
	return g_test_run();
}
