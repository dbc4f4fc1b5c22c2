/*
 * NAME
 *	evals_msg.c - eval: tests of the message itself (evals_msg.h)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "evals_auth.h"
#include "evals_msg.h"

/* --- free-mail domains ----------------------------------------------- */

PcFreemail *
pc_freemail_new(void)
{
	PcFreemail *fm = g_new0(PcFreemail, 1);

	fm->domains = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	fm->welcome = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	fm->wildcards = g_ptr_array_new_with_free_func(g_free);
	return fm;
}

void
pc_freemail_free(PcFreemail *fm)
{
	if (fm == NULL)
		return;
	g_hash_table_unref(fm->domains);
	g_hash_table_unref(fm->welcome);
	g_ptr_array_unref(fm->wildcards);
	if (fm->wild_re != NULL)
		pcre2_code_free(fm->wild_re);
	g_free(fm);
}

void
pc_freemail_add(PcFreemail *fm, const char *words, gboolean welcome)
{
	g_auto(GStrv) list = g_strsplit_set(words, " \t", -1);

	for (guint i = 0; list[i] != NULL; i++) {
		char *w = g_ascii_strdown(list[i], -1);

		if (*w == '\0')
			g_free(w);
		else if (welcome)
			g_hash_table_add(fm->welcome, w);
		else if (strpbrk(w, "*?") != NULL)
			g_ptr_array_add(fm->wildcards, w);
		else
			g_hash_table_add(fm->domains, w);
	}
}

/* "yahoo.*" -> "@yahoo\.[^.]*$" alternatives: * is any run without a dot,
 * ? one character, as the FreeMail plugin reads them. */
void
pc_freemail_finish(PcFreemail *fm)
{
	g_autoptr(GString) re = g_string_new("@(?:");
	int code;
	PCRE2_SIZE offset;

	if (fm->wildcards->len == 0 || fm->wild_re != NULL)
		return;
	for (guint i = 0; i < fm->wildcards->len; i++) {
		const char *w = g_ptr_array_index(fm->wildcards, i);

		if (i > 0)
			g_string_append_c(re, '|');
		for (const char *p = w; *p; p++) {
			if (*p == '*')
				g_string_append(re, "[^.]*");
			else if (*p == '?')
				g_string_append(re, "[^.]");
			else if (g_ascii_isalnum(*p) || *p == '-')
				g_string_append_c(re, *p);
			else
				g_string_append_printf(re, "\\%c", *p);
		}
	}
	g_string_append(re, ")$");
	fm->wild_re = pcre2_compile((PCRE2_SPTR)re->str, re->len, 0, &code, &offset, NULL);
}

static gboolean
pc_msg_match(const pcre2_code *re, const char *text)
{
	pcre2_match_data *md;
	int rc;

	if (re == NULL)
		return FALSE;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	rc = pcre2_match(re, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* Role addresses the plugin never calls free-mail (its default list). */
static gboolean
pc_msg_role_address(const char *email)
{
	static GRegex *re;

	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("^(?:abuse|support|sales|info|helpdesk|contact|kontakt|"
					"(?:post|host|domain)master|undisclosed.*|"
					"request-[a-f0-9]{16}|bounced?-|notif(?:y|ication)|"
					"noreply|no-reply|do-not-reply|donotreply|mail-noreply)@?",
					G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);

		g_once_init_leave(&re, r);
	}
	return g_regex_match(re, email, 0, NULL);
}

static gboolean
pc_msg_is_freemail(const PcFreemail *fm, const char *email)
{
	const char *at = strrchr(email, '@');

	if (fm == NULL || at == NULL || at[1] == '\0')
		return FALSE;
	if (g_hash_table_contains(fm->welcome, email) ||
	    g_hash_table_contains(fm->welcome, at + 1) || pc_msg_role_address(email))
		return FALSE;
	return g_hash_table_contains(fm->domains, at + 1) || pc_msg_match(fm->wild_re, email);
}

/* --- reading the message --------------------------------------------- */

/* The addresses of a header (one per header of that name), lower-cased. */
static GStrv
pc_msg_addresses(const PcSpamView *v, const char *header)
{
	gboolean found;
	g_autofree char *text = pc_spam_get(v, header, PC_HDR_ADDR, &found);
	g_autofree char *lower = g_ascii_strdown(text, -1);
	g_auto(GStrv) lines = g_strsplit(lower, "\n", -1);
	GPtrArray *out = g_ptr_array_new();

	for (guint i = 0; lines[i] != NULL; i++)
		if (*g_strstrip(lines[i]) != '\0')
			g_ptr_array_add(out, g_strdup(lines[i]));
	g_ptr_array_add(out, NULL);
	return (GStrv)g_ptr_array_free(out, FALSE);
}

static char *
pc_msg_header(const PcSpamView *v, const char *name)
{
	gboolean found;

	return pc_spam_get(v, name, PC_HDR_DECODED, &found);
}

/* "a.b.example.com" -> "example.com": HeaderEval's "2nd level domain". */
static char *
pc_msg_domain2(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;
	const char *d, *last, *prev;

	if (at == NULL || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return NULL;
	d = at + 1;
	last = strrchr(d, '.');
	if (last == NULL || last == d)
		return g_ascii_strdown(d, -1);
	for (prev = last - 1; prev > d && *prev != '.'; prev--)
		;
	return g_ascii_strdown(*prev == '.' ? prev + 1 : d, -1);
}

/* --- the tests ------------------------------------------------------- */

static gboolean
pc_msg_equal_from_domains(const PcMsgArgs *a, const PcSpamView *v)
{
	g_auto(GStrv) from = pc_msg_addresses(v, "From");
	g_autofree char *fd = pc_msg_domain2(from[0]);
	g_autofree char *ed = pc_msg_domain2(v->envelope_from);

	(void)a;
	return fd != NULL && *fd && ed != NULL && *ed && strcmp(fd, ed) != 0;
}

static gboolean
pc_msg_subject_all_caps(const PcMsgArgs *a, const PcSpamView *v)
{
	static GRegex *prefix;
	g_autofree char *subject = g_strstrip(pc_msg_header(v, "Subject"));
	g_autofree char *raw = NULL;
	g_autofree char *rest = NULL;
	gboolean found, letters = FALSE;

	(void)a;
	if (g_once_init_enter(&prefix)) {
		GRegex *r = g_regex_new("^(?:(?:Re|Fwd|Fw|Aw|Antwort|WG|SV|VB|VS|VL):\\s*)+",
					G_REGEX_CASELESS, 0, NULL);

		g_once_init_leave(&prefix, r);
	}
	rest = g_regex_replace_literal(prefix, subject, -1, 0, "", 0, NULL);
	if (rest == NULL || strpbrk(rest, " \t\n") == NULL || g_utf8_strlen(rest, -1) < 10)
		return FALSE;
	raw = pc_spam_get(v, "Subject", PC_HDR_RAW, &found);
	/* encoded in a charset whose letters read as capitals */
	if (g_regex_match_simple("=\\?(?:ISO-2022-JP|EUC-KR|EUC-JP|BIG5|GB2312|KS_C_5601|"
				 "KOI8-R|WINDOWS-1251|SHIFT_JIS|UTF-8)\\?", raw,
				 G_REGEX_CASELESS, 0))
		return FALSE;
	for (const char *p = rest; *p; p++) {
		if (g_ascii_islower(*p))
			return FALSE;
		letters |= g_ascii_isupper(*p);
	}
	return letters;
}

static gboolean
pc_msg_missing_to(const PcMsgArgs *a, const PcSpamView *v)
{
	g_autofree char *to = pc_msg_header(v, "To");
	g_autofree char *apparently = pc_msg_header(v, "Apparently-To");

	(void)a;
	return *to == '\0' && *apparently == '\0';
}

static gboolean
pc_msg_received_remover(const PcMsgArgs *a, const PcSpamView *v)
{
	gboolean found;
	g_autofree char *rcvd = pc_spam_get(v, "Received", PC_HDR_DECODED, &found);
	g_autofree char *list = pc_msg_header(v, "Mailing-List");
	g_autofree char *dlto = pc_msg_header(v, "Delivered-To");

	(void)a;
	if (!found)
		return TRUE;
	if (g_regex_match_simple("^contact \\S+@\\S+; run by ezmlm$", list, G_REGEX_MULTILINE, 0) &&
	    g_regex_match_simple("^mailing list \\S+@\\S+", dlto, G_REGEX_MULTILINE, 0) &&
	    g_regex_match_simple("qmail \\d+ invoked (?:from network|by .{3,20})\\); \\d+ ... \\d+",
				 rcvd, 0, 0))
		return TRUE;
	return strstr(rcvd, "from groups.msn.com (") != NULL;
}

/* Date minus the Received date nearest to it; FALSE when either is missing. */
static gboolean
pc_msg_date_diff(const PcSpamView *v, gint64 *diff)
{
	GArray *r = v->received_dates;
	guint n = r ? r->len : 0;

	if (v->date == 0 || n == 0)
		return FALSE;
	/* the last Received (our own delivery, often) counts only if it differs */
	if (n > 1 && v->date - g_array_index(r, gint64, n - 1) == 0)
		n--;
	*diff = v->date - g_array_index(r, gint64, 0);
	for (guint i = 1; i < n; i++) {
		gint64 d = v->date - g_array_index(r, gint64, i);

		if (ABS(d) < ABS(*diff))
			*diff = d;
	}
	return TRUE;
}

static gboolean
pc_msg_shifted_date(const PcMsgArgs *a, const PcSpamView *v)
{
	gint64 diff = 0;

	pc_msg_date_diff(v, &diff);
	return (strcmp(a->args[0], "undef") == 0 || diff >= 3600 * g_ascii_strtod(a->args[0], NULL)) &&
	       (strcmp(a->args[1], "undef") == 0 || diff < 3600 * g_ascii_strtod(a->args[1], NULL));
}

static gboolean
pc_msg_outlook_message_id(const PcMsgArgs *a, const PcSpamView *v)
{
	static GRegex *re;
	g_autofree char *id = pc_msg_header(v, "MESSAGEID");
	g_autoptr(GMatchInfo) m = NULL;
	g_autofree char *hex = NULL;
	gint64 token, last_received;
	GArray *r = v->received_dates;

	(void)a;
	if (g_once_init_enter(&re)) {
		GRegex *x = g_regex_new("^<[0-9a-f]{4}([0-9a-f]{8})\\$[0-9a-f]{8}\\$[0-9a-f]{8}@", 0,
					0, NULL);

		g_once_init_leave(&re, x);
	}
	if (!g_regex_match(re, id, 0, &m))
		return FALSE;
	hex = g_match_info_fetch(m, 1);
	token = (gint64)g_ascii_strtoull(hex, NULL, 16);
	/* Outlook's id holds the send time in these units */
#define PC_OUTLOOK_TIME(t) ((gint64)((double)(t) * 0.0023283064365387 + 27111902.8329849))
	if (llabs(token - PC_OUTLOOK_TIME(v->date)) < 250)
		return FALSE;
	last_received = r && r->len ? g_array_index(r, gint64, r->len - 1) : 0;
	return llabs(token - PC_OUTLOOK_TIME(last_received)) >= 250;
#undef PC_OUTLOOK_TIME
}

static gboolean
pc_msg_mime(const PcMsgArgs *a, const PcSpamView *v)
{
	const char *key = a->args[0];

	if (strcmp(key, "mime_base64_encoded_text") == 0)
		return v->mime_base64_text;
	if (strcmp(key, "mime_bad_iso_charset") == 0)
		return v->mime_bad_iso_charset;
	if (strcmp(key, "mime_attachment") == 0)
		return v->mime_attachment;
	if (strcmp(key, "mime_multipart_alternative") == 0)
		return v->mime_alternative;
	if (strcmp(key, "mime_qp_count") == 0)
		return v->mime_qp > 0;
	return FALSE;
}

static gboolean
pc_msg_mime_html(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->mime_html > 0;
}

static gboolean
pc_msg_mime_html_only(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->mime_html > 0 && v->mime_text == 0;
}

static gboolean
pc_msg_html_test(const PcMsgArgs *a, const PcSpamView *v)
{
	return strcmp(a->args[0], "html") == 0 && v->html;
}

static gboolean
pc_msg_any_freemail(const PcMsgArgs *a, GStrv emails)
{
	for (guint i = 0; emails[i] != NULL; i++)
		if (pc_msg_is_freemail(a->freemail, emails[i]) &&
		    (a->re == NULL || pc_msg_match(a->re, emails[i])))
			return TRUE;
	return FALSE;
}

static gboolean
pc_msg_freemail_from(const PcMsgArgs *a, const PcSpamView *v)
{
	g_auto(GStrv) from = pc_msg_addresses(v, "From");
	g_autofree char *env = v->envelope_from ? g_ascii_strdown(v->envelope_from, -1) : NULL;
	char *envelope[] = { env, NULL };

	return pc_msg_any_freemail(a, from) || (env != NULL && pc_msg_any_freemail(a, envelope));
}

static gboolean
pc_msg_freemail_header(const PcMsgArgs *a, const PcSpamView *v)
{
	g_autofree char *name = g_strdup(a->args[0]);
	char *colon = strchr(name, ':');
	g_auto(GStrv) emails = NULL;

	if (colon != NULL)
		*colon = '\0';
	if (strcmp(name, "EnvelopeFrom") == 0) {
		g_autofree char *env = v->envelope_from ? g_ascii_strdown(v->envelope_from, -1)
							: NULL;
		char *envelope[] = { env, NULL };

		return env != NULL && pc_msg_any_freemail(a, envelope);
	}
	emails = pc_msg_addresses(v, name);
	return pc_msg_any_freemail(a, emails);
}

/* The free-mail addresses written in the text (mailto: links and bare
 * addresses), or NULL when there are too many addresses to judge: the
 * plugin gives up past freemail_max_body_emails (5) or
 * freemail_max_body_freemails (3), its defaults. */
static GPtrArray *
pc_msg_body_freemails(const PcMsgArgs *a, const PcSpamView *v)
{
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint all = 0;

	for (guint i = 0; v->uris != NULL && i < v->uris->len; i++) {
		const char *u = g_ptr_array_index(v->uris, i);
		char *email;

		if (g_ascii_strncasecmp(u, "mailto:", 7) != 0)
			continue;
		email = g_ascii_strdown(u + 7, strcspn(u + 7, "?> "));
		if (strchr(email, '@') == NULL || g_hash_table_contains(seen, email)) {
			g_free(email);
			continue;
		}
		g_hash_table_add(seen, email);
		if (++all == 5)
			return (g_ptr_array_unref(out), NULL);
		if (pc_msg_is_freemail(a->freemail, email)) {
			g_ptr_array_add(out, g_strdup(email));
			if (out->len == 3)
				return (g_ptr_array_unref(out), NULL);
		}
	}
	return out;
}

/* The envelope sender of a list or bounce: the plugin skips those. */
static gboolean
pc_msg_bulk_envfrom(const PcSpamView *v)
{
	return v->envelope_from != NULL &&
	       g_regex_match_simple("^(?:(?:post|host|domain)master|double-bounce|"
				    "(?:sentto|owner|return|(?:gr)?bounced?)-.+|"
				    "(?:bounces?|owner)@|.+-(?:request|bounces?|owner|admin)@|"
				    "(?:mailer-daemon|nobody|noreply|no-reply)@)", v->envelope_from,
				    G_REGEX_CASELESS, 0);
}

/* From and Reply-To free-mail and different; or ('replyto': Reply-To,
 * 'reply': Reply-To or else From) free-mail and a different free-mail
 * address written in the text. */
static gboolean
pc_msg_freemail_replyto(const PcMsgArgs *a, const PcSpamView *v)
{
	g_auto(GStrv) from = pc_msg_addresses(v, "From");
	g_auto(GStrv) replyto = pc_msg_addresses(v, "Reply-To");
	gboolean reply = a->args[0] != NULL && strcmp(a->args[0], "reply") == 0;
	PcMsgArgs any = { .freemail = a->freemail };
	gboolean from_fm, replyto_fm, from_in_replyto = FALSE;
	g_autoptr(GPtrArray) body = NULL;
	char **answer;

	if (pc_msg_bulk_envfrom(v))
		return FALSE;
	for (guint i = 0; from[i] != NULL; i++)
		from_in_replyto |= g_strv_contains((const char *const *)replyto, from[i]);
	from_fm = pc_msg_any_freemail(&any, from);
	replyto_fm = pc_msg_any_freemail(&any, replyto);
	if (from_fm && replyto_fm && !from_in_replyto)
		return TRUE;
	if (!reply ? !replyto_fm : (replyto[0] != NULL && !replyto_fm) || (!replyto_fm && !from_fm))
		return FALSE;
	body = pc_msg_body_freemails(a, v);
	answer = !reply || replyto_fm ? replyto : from;
	for (guint i = 0; body != NULL && i < body->len; i++)
		for (guint j = 0; answer[j] != NULL; j++)
			if (strcmp(g_ptr_array_index(body, i), answer[j]) != 0)
				return TRUE;
	return FALSE;
}

static gboolean
pc_msg_all_trusted(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->relays_all_trusted;
}

static gboolean
pc_msg_no_relays(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->relays_none;
}

static gboolean
pc_msg_relays_unparseable(const PcMsgArgs *a, const PcSpamView *v)
{
	(void)a;
	return v->relays_unparseable > 0;
}

static const struct {
	const char *name;
	guint min_args, max_args;
	int re_arg;
	PcMsgTest test;
	const char *only;	/* "|a|b|": the first argument values we answer */
} pc_msg_tests[] = {
	{ "check_equal_from_domains", 0, 0, -1, pc_msg_equal_from_domains, NULL },
	{ "subject_is_all_caps", 0, 0, -1, pc_msg_subject_all_caps, NULL },
	{ "check_for_missing_to_header", 0, 0, -1, pc_msg_missing_to, NULL },
	{ "gated_through_received_hdr_remover", 0, 0, -1, pc_msg_received_remover, NULL },
	{ "check_for_shifted_date", 2, 2, -1, pc_msg_shifted_date, NULL },
	{ "check_outlook_message_id", 0, 0, -1, pc_msg_outlook_message_id, NULL },
	{ "check_for_mime", 1, 1, -1, pc_msg_mime, "|mime_base64_encoded_text|mime_bad_iso_charset|"
	  "mime_attachment|mime_multipart_alternative|mime_qp_count|" },
	{ "check_for_mime_html", 0, 0, -1, pc_msg_mime_html, NULL },
	{ "check_for_mime_html_only", 0, 0, -1, pc_msg_mime_html_only, NULL },
	{ "html_test", 1, 1, -1, pc_msg_html_test, "|html|" },
	{ "check_all_trusted", 0, 0, -1, pc_msg_all_trusted, NULL },
	{ "check_no_relays", 0, 0, -1, pc_msg_no_relays, NULL },
	{ "check_relays_unparseable", 0, 0, -1, pc_msg_relays_unparseable, NULL },
	{ "check_freemail_from", 0, 1, 0, pc_msg_freemail_from, NULL },
	{ "check_freemail_header", 1, 2, 1, pc_msg_freemail_header, NULL },
	{ "check_freemail_replyto", 0, 1, -1, pc_msg_freemail_replyto, "|replyto|reply|" },
	/* sender authentication (evals_auth.c) */
	{ "check_dkim_signed", 0, 16, -1, pc_auth_eval_dkim_signed, NULL },
	{ "check_dkim_valid", 0, 16, -1, pc_auth_eval_dkim_valid, NULL },
	{ "check_dkim_valid_author_sig", 0, 16, -1, pc_auth_eval_dkim_author, NULL },
	{ "check_dkim_valid_envelopefrom", 0, 0, -1, pc_auth_eval_dkim_envfrom, NULL },
	{ "check_for_spf_pass", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_neutral", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_none", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_fail", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_softfail", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_permerror", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_temperror", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_pass", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_neutral", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_none", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_fail", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_softfail", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_permerror", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_for_spf_helo_temperror", 0, 0, -1, pc_auth_eval_spf, NULL },
	{ "check_dmarc_pass", 0, 0, -1, pc_auth_eval_dmarc, NULL },
	{ "check_dmarc_reject", 0, 0, -1, pc_auth_eval_dmarc, NULL },
	{ "check_dmarc_quarantine", 0, 0, -1, pc_auth_eval_dmarc, NULL },
	{ "check_dmarc_none", 0, 0, -1, pc_auth_eval_dmarc, NULL },
	{ "check_dmarc_missing", 0, 0, -1, pc_auth_eval_dmarc, NULL },
	{ "check_arc_signed", 0, 0, -1, pc_auth_eval_arc_signed, NULL },
	{ "check_arc_valid", 0, 0, -1, pc_auth_eval_arc_valid, NULL },
};

/* A first argument we give no answer for makes the rule one we do not run:
 * answering "no" would be reading a missing test as false. */
static gboolean
pc_msg_answers(const char *only, char *const *args)
{
	g_autofree char *word = NULL;

	if (only == NULL || args[0] == NULL)
		return TRUE;
	word = g_strdup_printf("|%s|", args[0]);
	return strstr(only, word) != NULL;
}

PcMsgTest
pc_msg_test(const char *name, char *const *args, guint *min_args, guint *max_args, int *re_arg)
{
	for (guint i = 0; i < G_N_ELEMENTS(pc_msg_tests); i++)
		if (strcmp(name, pc_msg_tests[i].name) == 0 &&
		    pc_msg_answers(pc_msg_tests[i].only, args)) {
			*min_args = pc_msg_tests[i].min_args;
			*max_args = pc_msg_tests[i].max_args;
			*re_arg = pc_msg_tests[i].re_arg;
			return pc_msg_tests[i].test;
		}
	return NULL;
}
