/*
 * NAME
 *	htokens.c - header tokens for Bayes, after SpamAssassin's tokenizer
 * DESCRIPTION
 *	Every header but well-known noise, so that a spammer's own tracking
 *	headers count without being known in advance; of the Received
 *	headers only the last two (the first hops: the sending software and
 *	its HELO name).  A value is split at white space into words of 3 or
 *	more characters, each "H" NAME ":" WORD (the name lower-cased); a
 *	word longer than 15 is its first 7 characters behind "sk:" (encoded
 *	ids would each be a token seen once).  Some values are chewed first:
 *	addresses become N*phrase-word, U*local-part, D*domain and each
 *	parent domain; Message-IDs split at punctuation; Received loses
 *	queue ids, dates and filler words, and an IP address is its /24 and
 *	"ip*" the address.  From, To and Cc count once more as "*ad",
 *	Message-ID, In-Reply-To and References as "*mi", X-Mailer and
 *	User-Agent as "*ua": the same clue whatever header carries it.
 *
 *	Left out, unlike SpamAssassin: Subject (its words are "s:" tokens
 *	already), Content-Type, Content-Transfer-Encoding and MIME-Version.
 *	Those say whether a message is HTML, and training mail seldom is as
 *	HTML as real ham: "text/html" would be learned as a spam sign.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "bayes.h"

#define PC_HTOKEN_MIN 3
#define PC_HTOKEN_LONG 15
#define PC_HTOKEN_SKIP 7
#define PC_HTOKEN_STARRED_MAX 100	/* characters of a "D*..." form kept whole */
#define PC_HTOKEN_VALUE_MAX 2048	/* of one header's value */

/* SpamAssassin's IGNORED_HDRS: mailing list and delivery headers (a list
 * would become a ham sign), filters' and mail readers' annotations. */
static const char *const pc_htoken_ignored[] = {
	"sender", "x-sender", "delivered-to", "delivery-date", "envelope-to",
	"x-envelope-to", "x-mime-autoconverted", "x-converted-to-plain-text", "subject",
	"date", "mailing-list", "x-mailing-list", "x-unsub", "x-unsubscribe",
	"x-mailman-version", "x-beenthere", "x-loop", "mail-followup-to",
	"x-egroups-return", "x-egroups-from", "x-mdmailing-list", "x-xemacs-list",
	"x-sympa-to", "x-mailscanner", "x-mailscanner-spamcheck", "x-antispam",
	"x-rbl-warning", "x-mdaemon-deliver-to", "x-virus-scanned", "x-mass-check-id",
	"x-pyzor", "x-filtered-by", "x-scanned-by", "x-scanner", "x-ap-spam-score",
	"x-ap-spam-status", "x-ripe-spam-status", "x-smtpd", "spam-apparently-to",
	"x-spam-apparently-to", "spam", "x-perlmx-spam", "x-bogosity", "content-class",
	"thread-index", "thread-topic", "x-originalarrivaltime", "status", "x-status",
	"x-flags", "x-keywords", "replied", "forwarded", "lines", "content-length",
	"x-uid", "x-uidl", "x-imapbase", "x-gnus-mail-source", "xref",
	"content-type", "content-transfer-encoding", "mime-version", "received",
};
/* Families of the same: every header starting so. */
static const char *const pc_htoken_ignored_prefix[] = {
	"x-list", "list-", "resent-from", "resent-to", "resent-date", "x-resent-",
	"original-", "x-original-", "x-spam", "x-dcc-", "x-spamcop-", "x-bugzilla-",
	"x-vm-",
};
/* Signatures and keys: every one is new, only having one says something. */
static const char *const pc_htoken_presence[] = {
	"x-face", "dkim-signature", "domainkey-signature", "x-google-dkim-signature",
	"arc-message-signature", "arc-seal", "autocrypt", "x-pgp-fingerprint",
	"x-pgp-key-fingerprint", "x-gpg-fingerprint", "x-gnupg-key-fingerprint",
};
static const char *const pc_htoken_address[] = {
	"return-path", "from", "to", "cc", "reply-to", "errors-to",
};

static gboolean
pc_htoken_in(const char *name, const char *const *list, gsize n, gboolean prefix)
{
	for (gsize i = 0; i < n; i++)
		if (prefix ? g_str_has_prefix(name, list[i]) : strcmp(name, list[i]) == 0)
			return TRUE;
	return FALSE;
}
#define PC_HTOKEN_IN(name, list, prefix) \
	pc_htoken_in(name, list, G_N_ELEMENTS(list), prefix)

/* Received, Resent-Message-Id, X-Cc: the header named without its
 * "x-" or "resent-", for the chewing that applies. */
static const char *
pc_htoken_base(const char *name)
{
	if (g_str_has_prefix(name, "x-"))
		return name + 2;
	if (g_str_has_prefix(name, "resent-"))
		return name + 7;
	return name;
}

/* "x@a.b.example" as U*x D*a.b.example D*b.example D*example. */
static void
pc_htoken_chew_mailbox(GString *out, const char *word)
{
	const char *at = strrchr(word, '@');

	if (at == NULL || at == word || at[1] == '\0')
		return;
	g_string_append_printf(out, " U*%.*s", (int)(at - word), word);
	for (const char *d = at + 1; d != NULL; d = strchr(d, '.'), d = d ? d + 1 : NULL)
		g_string_append_printf(out, " D*%s", d);
}

/* Addresses and the words of their display names. */
static char *
pc_htoken_chew_address(const char *value)
{
	g_auto(GStrv) words = g_strsplit_set(value, " \t,;<>()\"", -1);
	GString *out = g_string_new(NULL);

	for (guint i = 0; words[i] != NULL; i++) {
		if (*words[i] == '\0')
			continue;
		if (strchr(words[i], '@') != NULL)
			pc_htoken_chew_mailbox(out, words[i]);
		else
			g_string_append_printf(out, " N*%s", words[i]);
	}
	return g_string_free(out, FALSE);
}

static gboolean
pc_htoken_is_ipv4(const char *w, guint parts[4])
{
	char tail;

	return sscanf(w, "%3u.%3u.%3u.%3u%c", &parts[0], &parts[1], &parts[2], &parts[3],
		      &tail) == 4 && parts[0] < 256 && parts[1] < 256 && parts[2] < 256 &&
	       parts[3] < 256;
}

/* Dates, times and zones: the same message a day later is no other clue. */
static gboolean
pc_htoken_is_date(const char *w)
{
	static const char *const names[] = {
		"mon", "tue", "wed", "thu", "fri", "sat", "sun", "jan", "feb", "mar", "apr",
		"may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
	};
	g_autofree char *lower = g_ascii_strdown(w, -1);

	g_strdelimit(lower, ",", '\0');
	if (PC_HTOKEN_IN(lower, names, FALSE))
		return TRUE;
	return strspn(w, "0123456789:+-") == strlen(w);
}

/* One hop: queue ids ("id X"), dates, filler; addresses by network. */
static char *
pc_htoken_chew_received(const char *value)
{
	static const char *const filler[] = { "with", "from", "for", "smtp", "esmtp" };
	g_auto(GStrv) words = g_strsplit_set(value, " \t()[];", -1);
	GString *out = g_string_new(NULL);

	for (guint i = 0; words[i] != NULL; i++) {
		g_autofree char *lower = g_ascii_strdown(words[i], -1);
		guint ip[4];

		if (*lower == '\0' || PC_HTOKEN_IN(lower, filler, FALSE) ||
		    pc_htoken_is_date(words[i]))
			continue;
		if (strcmp(lower, "id") == 0) {
			i += words[i + 1] != NULL;
			continue;
		}
		if (pc_htoken_is_ipv4(words[i], ip))
			g_string_append_printf(out, " %u.%u.%u ip*%u.%u.%u.%u", ip[0], ip[1],
					       ip[2], ip[0], ip[1], ip[2], ip[3]);
		else
			g_string_append_printf(out, " %s", words[i]);
	}
	return g_string_free(out, FALSE);
}

/* The value as its words will be cut from, for the header named name. */
static char *
pc_htoken_chew(const char *name, const char *value)
{
	const char *base = pc_htoken_base(name);

	if (PC_HTOKEN_IN(name, pc_htoken_presence, FALSE))
		return g_strdup("present");
	if (strcmp(base, "message-id") == 0 || strcmp(name, "references") == 0 ||
	    strcmp(name, "in-reply-to") == 0) {
		char *out = g_strdup(value);

		for (char *p = out; *p; p++)
			if (!g_ascii_isalnum(*p) && *p != '_' && !(*p & 0x80))
				*p = ' ';
		return out;
	}
	if (PC_HTOKEN_IN(base, pc_htoken_address, FALSE))
		return pc_htoken_chew_address(value);
	if (strcmp(name, "received") == 0)
		return pc_htoken_chew_received(value);
	return g_strdup(value);
}

/* The group a header counts in as well, or NULL. */
static const char *
pc_htoken_group(const char *name)
{
	if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0 || strcmp(name, "cc") == 0)
		return "*ad";
	if (strcmp(name, "message-id") == 0 || strcmp(name, "in-reply-to") == 0 ||
	    strcmp(name, "references") == 0)
		return "*mi";
	if (strcmp(name, "x-mailer") == 0 || strcmp(name, "user-agent") == 0)
		return "*ua";
	return NULL;
}

/* Punctuation around a word is not part of it: '"foo",' is foo. */
static char *
pc_htoken_trim(char *w)
{
	gsize n;

	w += strspn(w, "-'\".,");
	n = strlen(w);
	while (n > 0 && strchr("-'\".,", w[n - 1]) != NULL)
		w[--n] = '\0';
	return w;
}

/* "H" tag ":" word for each word of text, at most max in all in out. */
static void
pc_htoken_words(GPtrArray *out, const char *tag, const char *text, guint max)
{
	g_auto(GStrv) words = g_strsplit_set(text, " \t", -1);

	for (guint i = 0; words[i] != NULL && out->len < max; i++) {
		char *w = pc_htoken_trim(words[i]);
		glong n = g_utf8_validate(w, -1, NULL) ? g_utf8_strlen(w, -1) : 0;
		/* "D*domain" forms stay whole, up to a bound */
		gboolean skip = n > PC_HTOKEN_LONG &&
				(strchr(w, '*') == NULL || n > PC_HTOKEN_STARRED_MAX);

		if (n < PC_HTOKEN_MIN)
			continue;
		if (skip)
			*g_utf8_offset_to_pointer(w, PC_HTOKEN_SKIP) = '\0';
		g_ptr_array_add(out, g_strdup_printf("H%s:%s%s", tag, skip ? "sk:" : "", w));
	}
}

/* One header's tokens, under its name and its group's. */
static void
pc_htoken_header(GPtrArray *out, const char *name, const char *value, guint max)
{
	g_autofree char *lower = g_ascii_strdown(name, -1);
	g_autofree char *cut = g_strndup(value, PC_HTOKEN_VALUE_MAX);
	g_autofree char *chewed = pc_htoken_chew(lower, cut);
	const char *group = pc_htoken_group(lower);

	pc_htoken_words(out, lower, chewed, max);
	if (group != NULL)
		pc_htoken_words(out, group, chewed, max);
}

void
pc_bayes_header_tokens(const PcSpamView *v, GPtrArray *out, guint max)
{
	int received[2] = { -1, -1 };	/* the last two */

	for (guint i = 0; i < v->header_names->len && out->len < max; i++) {
		const char *name = g_ptr_array_index(v->header_names, i);
		g_autofree char *lower = g_ascii_strdown(name, -1);

		if (strcmp(lower, "received") == 0) {
			received[0] = received[1];
			received[1] = i;
		}
		if (PC_HTOKEN_IN(lower, pc_htoken_ignored, FALSE) ||
		    PC_HTOKEN_IN(lower, pc_htoken_ignored_prefix, TRUE))
			continue;
		pc_htoken_header(out, name, g_ptr_array_index(v->header_values, i), max);
	}
	for (guint k = 0; k < 2; k++)
		if (received[k] >= 0 && out->len < max)
			pc_htoken_header(out, "Received",
					 g_ptr_array_index(v->header_values, received[k]), max);
}
