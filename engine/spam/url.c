/*
 * NAME
 *	url.c - URL normalisation and registrable domains (see url.h)
 */
#include "config.h"

#include <string.h>
#include <libpsl.h>

#include "url.h"

static const char *const pc_url_dots[] = { "[.]", "(.)", "{.}", "[dot]", "(dot)", NULL };

/* "hxxp", "hXXps", "h**p": senders' ways to keep a link from being one. */
static char *
pc_url_scheme(const char *raw)
{
	static GRegex *re;
	char *out;

	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("^h(?:xx|\\*\\*|tt)p(s?)(?:://|\\[:\\]//)",
					G_REGEX_CASELESS | G_REGEX_RAW, 0, NULL);

		g_once_init_leave(&re, r);
	}
	out = g_regex_replace(re, raw, -1, 0, "http\\1://", 0, NULL);
	return out ? out : g_strdup(raw);
}

static char *
pc_url_undot(const char *text)
{
	GString *out = g_string_new(text);

	for (guint i = 0; pc_url_dots[i] != NULL; i++) {
		const char *dot = pc_url_dots[i];
		char *at;

		while ((at = strstr(out->str, dot)) != NULL) {
			gsize pos = at - out->str;

			g_string_erase(out, pos, strlen(dot));
			g_string_insert_c(out, pos, '.');
		}
	}
	return g_string_free(out, FALSE);
}

/* Host as written (percent escapes, user info, IDN) -> lower-case ASCII. */
static char *
pc_url_host_ascii(const char *start, const char *end)
{
	g_autofree char *host = g_uri_unescape_segment(start, end, NULL);
	g_autofree char *ascii = NULL;
	char *at;

	if (host == NULL)
		return NULL;
	at = strrchr(host, '@');	/* "user:pass@host": the host is what counts */
	if (at != NULL)
		memmove(host, at + 1, strlen(at + 1) + 1);
	g_strchomp(host);
	while (*host && strchr(".,;:!?)]}'\"", host[strlen(host) - 1]) != NULL)
		host[strlen(host) - 1] = '\0';
	if (*host == '\0' || (ascii = g_hostname_to_ascii(host)) == NULL)
		return NULL;
	return g_ascii_strdown(ascii, -1);
}

char *
pc_url_normalise(const char *raw)
{
	g_autofree char *undotted = pc_url_undot(raw);
	g_autofree char *text = pc_url_scheme(g_strstrip(undotted));
	g_autofree char *host = NULL;
	g_autofree char *scheme = NULL;
	const char *sep, *rest;
	gsize len;

	if (g_ascii_strncasecmp(text, "www.", 4) == 0) {
		char *with = g_strconcat("http://", text, NULL);

		g_free(text);
		text = with;
	}
	sep = strstr(text, "://");
	if (sep == NULL || sep == text)
		return NULL;
	rest = sep + 3 + strcspn(sep + 3, "/?#");
	host = pc_url_host_ascii(sep + 3, rest);
	if (host == NULL)
		return NULL;
	len = strlen(rest);
	while (len > 0 && strchr(".,;:!?)]}'\"", rest[len - 1]) != NULL)
		len--;
	scheme = g_ascii_strdown(text, sep - text);
	return g_strdup_printf("%s://%s%.*s", scheme, host, (int)len, rest);
}

char *
pc_url_host(const char *url)
{
	const char *sep = strstr(url, "://");
	const char *host = sep ? sep + 3 : url;
	gsize n = strcspn(host, "/?#:");

	return g_strndup(host, n);
}

char *
pc_url_registrable(const char *host)
{
	static const psl_ctx_t *psl;
	const char *domain;

	if (g_once_init_enter(&psl)) {
		/* The newer of libpsl's built-in list and Debian's publicsuffix. */
		const psl_ctx_t *ctx = psl_latest(NULL);

		g_once_init_leave(&psl, ctx ? ctx : psl_builtin());
	}
	if (g_hostname_is_ip_address(host))
		return g_strdup(host);
	domain = psl ? psl_registrable_domain(psl, host) : NULL;
	return g_strdup(domain ? domain : host);
}
