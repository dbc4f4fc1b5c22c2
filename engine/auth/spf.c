/*
 * NAME
 *	spf.c - check_host() of RFC 7208
 * DESCRIPTION
 *	A record is parsed whole before any of it is evaluated, because a
 *	syntax error anywhere makes the result permerror (4.6) even when an
 *	earlier mechanism would have matched.  Parsing and expanding a
 *	macro-string share one walker (spf_macro_string): without an
 *	evaluation it only checks the syntax.
 *	Every DNS answer is kept for the evaluation (SpfEval.answers), so a
 *	name asked twice (an include reached from two places, the same MX
 *	host) costs one lookup.
 *	Limits: the RFC's (10 DNS-querying terms, 2 void lookups, 10 MX and
 *	PTR names) and ours against hostile input: record length, number
 *	of terms, nesting, and the bytes macros may read and write.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "spf.h"

#define SPF_MAX_DNS_TERMS 10	/* 4.6.4 */
#define SPF_MAX_VOIDS 2		/* 4.6.4 */
#define SPF_MAX_NAMES 10	/* MX and PTR names, 4.6.4 */
#define SPF_MAX_RECORD 8192	/* far beyond what fits a DNS answer in practice */
#define SPF_MAX_TERMS 512
/* Each level of nesting costs a DNS-querying term, so 10 cannot be
 * passed; this only guards the recursion itself. */
#define SPF_MAX_DEPTH 12
#define SPF_MAX_DOMAIN 253
/* A macro expansion is only ever used as a domain name, which keeps its
 * rightmost 253 octets (7.3): older output beyond this is dropped. */
#define SPF_MACRO_KEEP 512
/* The bytes macros may read per evaluation, so a long local-part repeated
 * by many macros cannot cost more than this. */
#define SPF_MACRO_BUDGET (1024 * 1024)

typedef enum {
	SPF_NO,		/* no match */
	SPF_YES,	/* match */
	SPF_TEMP,	/* temperror, why set */
	SPF_PERM,	/* permerror, why set */
} SpfMatch;

typedef enum {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
} SpfMech;

typedef struct {
	PcSpfResult qualifier;
	SpfMech mech;
	const char *text;	/* the term without its qualifier */
	const char *spec;	/* domain-spec; NULL: the current domain */
	gsize spec_len;
	guint cidr4, cidr6;
	guint8 net[16];
} SpfTerm;

typedef struct {
	char *copy;		/* the record's terms, each NUL-terminated */
	GArray *terms;		/* SpfTerm, mechanisms in order */
	const char *redirect;
	gboolean has_exp;
} SpfRecord;

typedef struct {
	PcDnsStatus status;
	GPtrArray *records;
} SpfAnswer;

typedef struct {
	const PcSpfRequest *req;
	int family;		/* AF_INET or AF_INET6 */
	guint8 ip[16];		/* IPv4 in the first 4 bytes */
	char ip_text[INET6_ADDRSTRLEN];	/* %{c} */
	char *ip_dotted;	/* %{i} */
	char *sender;		/* %{s} */
	const char *local;	/* %{l} */
	const char *sender_domain;	/* %{o} */
	guint dns_terms;
	guint voids;
	gsize macro_budget;
	GHashTable *answers;	/* "type:name" -> SpfAnswer */
	char *why;
} SpfEval;

static PcSpfResult spf_check_host(SpfEval *ev, const char *domain, guint depth);

static const char *
spf_type_name(PcDnsType type)
{
	static const char *const names[] = { "A", "AAAA", "TXT", "MX", "PTR" };

	return (guint)type < G_N_ELEMENTS(names) ? names[type] : "?";
}

const char *
pc_spf_result_name(PcSpfResult result)
{
	static const char *const names[] = { "none", "neutral", "pass", "fail", "softfail",
					     "temperror", "permerror" };

	return (guint)result < G_N_ELEMENTS(names) ? names[result] : "permerror";
}

/* --- evaluation state ------------------------------------------------ */

static void G_GNUC_PRINTF(2, 3)
spf_why(SpfEval *ev, const char *format, ...)
{
	va_list args;

	g_free(ev->why);
	va_start(args, format);
	ev->why = g_strdup_vprintf(format, args);
	va_end(args);
}

static void
spf_answer_free(gpointer p)
{
	SpfAnswer *a = p;

	g_ptr_array_unref(a->records);
	g_free(a);
}

/* The answer for name and type, asked once per evaluation.  DNS names
 * are case-insensitive, so is the key. */
static const SpfAnswer *
spf_dns(SpfEval *ev, PcDnsType type, const char *name)
{
	g_autofree char *lower = g_ascii_strdown(name, -1);
	char *key = g_strdup_printf("%d:%s", (int)type, lower);
	SpfAnswer *a = g_hash_table_lookup(ev->answers, key);

	if (a) {
		g_free(key);
		return a;
	}
	a = g_new0(SpfAnswer, 1);
	a->records = g_ptr_array_new_with_free_func(g_free);
	a->status = ev->req->lookup(ev->req->data, type, name, a->records);
	if (a->status != PC_DNS_ANSWER)
		g_ptr_array_set_size(a->records, 0);
	g_hash_table_insert(ev->answers, key, a);
	return a;
}

static SpfMatch
spf_dns_error(SpfEval *ev, PcDnsType type, const char *name)
{
	spf_why(ev, "DNS error for %.253s %s", name, spf_type_name(type));
	return SPF_TEMP;
}

/* A DNS-querying term is about to be evaluated (4.6.4). */
static SpfMatch
spf_count_term(SpfEval *ev)
{
	if (++ev->dns_terms <= SPF_MAX_DNS_TERMS)
		return SPF_NO;
	spf_why(ev, "more than %d DNS lookups", SPF_MAX_DNS_TERMS);
	return SPF_PERM;
}

/* An answer with no records, or no such name (4.6.4). */
static SpfMatch
spf_count_void(SpfEval *ev)
{
	if (++ev->voids <= SPF_MAX_VOIDS)
		return SPF_NO;
	spf_why(ev, "void lookup limit");
	return SPF_PERM;
}

/* --- addresses -------------------------------------------------------- */

/* ip4-network of 7.1: four decimal octets, no leading zeros. */
static gboolean
spf_parse_ip4(const char *s, gsize len, guint8 out[4])
{
	gsize i = 0;

	for (guint octet = 0; octet < 4; octet++) {
		guint value = 0, digits = 0;

		if (octet > 0 && (i >= len || s[i++] != '.'))
			return FALSE;
		while (i < len && g_ascii_isdigit(s[i]) && digits < 4) {
			value = value * 10 + (guint)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s[i - digits] == '0'))
			return FALSE;
		out[octet] = (guint8)value;
	}
	return i == len;
}

static gboolean
spf_parse_ip6(const char *s, gsize len, guint8 out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(buf))
		return FALSE;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

static gboolean
spf_net_match(const guint8 *a, const guint8 *b, guint bits)
{
	guint bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes) != 0)
		return FALSE;
	if (rest == 0)
		return TRUE;
	return ((a[bytes] ^ b[bytes]) & (guint8)(0xff << (8 - rest))) == 0;
}

/* An address from DNS against the client, with the term's prefix for its
 * family. */
static gboolean
spf_address_match(const SpfEval *ev, const char *text, const SpfTerm *t)
{
	guint8 addr[16];

	if (inet_pton(ev->family, text, addr) != 1)
		return FALSE;
	return spf_net_match(addr, ev->ip, ev->family == AF_INET ? t->cidr4 : t->cidr6);
}

/* The client address: an IPv4-mapped IPv6 address is IPv4 (5, 4.1). */
static gboolean
spf_client(SpfEval *ev, const char *ip)
{
	guint8 a6[16];
	GString *dotted = g_string_new(NULL);

	if (ip && inet_pton(AF_INET, ip, ev->ip) == 1) {
		ev->family = AF_INET;
	} else if (ip && inet_pton(AF_INET6, ip, a6) == 1) {
		static const guint8 prefix[12] = { [10] = 0xff, [11] = 0xff };
		gboolean mapped = memcmp(a6, prefix, sizeof(prefix)) == 0;

		ev->family = mapped ? AF_INET : AF_INET6;
		memcpy(ev->ip, mapped ? a6 + 12 : a6, mapped ? 4 : 16);
	} else {
		g_string_free(dotted, TRUE);
		return FALSE;
	}
	inet_ntop(ev->family, ev->ip, ev->ip_text, sizeof(ev->ip_text));
	if (ev->family == AF_INET) {
		g_string_append(dotted, ev->ip_text);
	} else {
		/* %{i} of an IPv6 client is its 32 nibbles, dot-separated (7.3) */
		for (guint i = 0; i < 32; i++)
			g_string_append_printf(dotted, "%s%x", i ? "." : "",
					       (ev->ip[i / 2] >> (i % 2 ? 0 : 4)) & 0xf);
	}
	ev->ip_dotted = g_string_free(dotted, FALSE);
	return TRUE;
}

/* The client's reverse name for the ptr mechanism. */
static char *
spf_reverse_name(const SpfEval *ev)
{
	g_auto(GStrv) parts = g_strsplit(ev->ip_dotted, ".", -1);
	GString *name = g_string_new(NULL);

	for (guint i = g_strv_length(parts); i > 0; i--)
		g_string_append_printf(name, "%s.", parts[i - 1]);
	g_string_append(name, ev->family == AF_INET ? "in-addr.arpa" : "ip6.arpa");
	return g_string_free(name, FALSE);
}

/* --- domain names ----------------------------------------------------- */

/* Labels of 1 to 63 octets, at most 253 in all (a trailing dot aside). */
static gboolean
spf_dns_name_ok(const char *name)
{
	gsize len = strlen(name), label = 0;

	if (len == 0 || len > SPF_MAX_DOMAIN)
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (name[i] != '.') {
			if (++label > 63)
				return FALSE;
		} else if (label == 0) {
			return FALSE;
		} else {
			label = 0;
		}
	}
	return label > 0;
}

/* An identity's domain (4.3): a multi-label name of printable ASCII,
 * not an address literal nor a bare IPv4 address. */
static gboolean
spf_identity_ok(const char *domain)
{
	const char *last;

	if (domain[0] == '[' || !spf_dns_name_ok(domain) || !strchr(domain, '.'))
		return FALSE;
	for (const char *p = domain; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return FALSE;
	last = strrchr(domain, '.') + 1;
	return strspn(last, "0123456789") != strlen(last);
}

/* The name without one trailing dot, lowercased, or NULL when it is no
 * identity's domain. */
static char *
spf_identity_domain(const char *name)
{
	g_autofree char *copy = NULL;
	gsize len;

	if (!name)
		return NULL;
	len = strlen(name);
	if (len > 0 && name[len - 1] == '.')
		len--;
	copy = g_ascii_strdown(name, (gssize)len);
	return spf_identity_ok(copy) ? g_steal_pointer(&copy) : NULL;
}

/* An expanded domain-spec as a name to ask: without a trailing dot
 * (7.3), shortened from the left to 253 octets by whole labels (7.3).
 * NULL when it cannot be a DNS name (empty or long label). */
static char *
spf_query_name(GString *s)
{
	if (s->len > 0 && s->str[s->len - 1] == '.')
		g_string_truncate(s, s->len - 1);
	while (s->len > SPF_MAX_DOMAIN) {
		const char *dot = strchr(s->str, '.');

		if (!dot)
			return NULL;
		g_string_erase(s, 0, dot - s->str + 1);
	}
	return spf_dns_name_ok(s->str) ? g_strndup(s->str, s->len) : NULL;
}

/* toplabel of 7.1: alphanumerics with an inner dash, or alphanumerics
 * with a letter (so never all digits). */
static gboolean
spf_toplabel_ok(const char *s, gsize len)
{
	gboolean alpha = FALSE, dash = FALSE;

	if (len == 0 || !g_ascii_isalnum(s[0]) || !g_ascii_isalnum(s[len - 1]))
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (s[i] == '-')
			dash = TRUE;
		else if (g_ascii_isalpha(s[i]))
			alpha = TRUE;
		else if (!g_ascii_isdigit(s[i]))
			return FALSE;
	}
	return alpha || dash;
}

/* --- macros (7) ------------------------------------------------------- */

/* Appends while keeping only the tail a domain name could use. */
static void
spf_append(GString *out, const char *s, gsize len)
{
	g_string_append_len(out, s, (gssize)len);
	if (out->len > 2 * SPF_MACRO_KEEP)
		g_string_erase(out, 0, (gssize)(out->len - SPF_MACRO_KEEP));
}

/* URL-escapes all but the unreserved characters (7.3, uppercase macros). */
static void
spf_append_escaped(GString *out, const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		char c = s[i];

		if (g_ascii_isalnum(c) || strchr("-._~", c))
			g_string_append_c(out, c);
		else
			g_string_append_printf(out, "%%%02X", (guint8)c);
	}
}

/* The value of a macro letter (lowercase); buf holds %{t}. */
static const char *
spf_macro_value(const SpfEval *ev, char letter, const char *domain, char buf[32])
{
	const char *helo = ev->req->helo, *receiver = ev->req->receiver;

	switch (letter) {
	case 's': return ev->sender;
	case 'l': return ev->local;
	case 'o': return ev->sender_domain;
	case 'd': return domain;
	case 'i': return ev->ip_dotted;
	/* The validated name would cost DNS lookups outside the limits, for
	 * a macro the RFC advises against: "unknown" is allowed (7.3). */
	case 'p': return "unknown";
	case 'v': return ev->family == AF_INET ? "in-addr" : "ip6";
	case 'h': return helo ? helo : "unknown";
	case 'c': return ev->ip_text;
	case 'r': return receiver && *receiver ? receiver : "unknown";
	case 't':
		g_snprintf(buf, 32, "%" G_GINT64_FORMAT, (gint64)time(NULL));
		return buf;
	default: return "";
	}
}

/* Splits value on delims, reverses when asked, keeps the rightmost keep
 * parts (0: all) and joins them with dots (7.3). */
static void
spf_transform(const char *value, const char *delims, guint keep, gboolean reverse,
	      gboolean escape, GString *out)
{
	g_autoptr(GArray) parts = g_array_new(FALSE, FALSE, sizeof(gsize));
	g_autoptr(GString) joined = g_string_new(NULL);
	gsize len = strlen(value), start = 0;
	guint n, first;

	g_array_append_val(parts, start);
	for (gsize i = 0; i < len; i++)
		if (strchr(delims, value[i])) {
			start = i + 1;
			g_array_append_val(parts, start);
		}
	n = parts->len;
	first = keep && keep < n ? n - keep : 0;
	for (guint k = first; k < n; k++) {
		guint j = reverse ? n - 1 - k : k;
		gsize from = g_array_index(parts, gsize, j);
		gsize to = j + 1 < n ? g_array_index(parts, gsize, j + 1) - 1 : len;

		if (k > first)
			g_string_append_c(joined, '.');
		g_string_append_len(joined, value + from, (gssize)(to - from));
	}
	if (escape) {
		g_autoptr(GString) escaped = g_string_new(NULL);

		spf_append_escaped(escaped, joined->str, joined->len);
		spf_append(out, escaped->str, escaped->len);
	} else {
		spf_append(out, joined->str, joined->len);
	}
}

/* One "%{...}" body: letter, transformers, delimiters (7.1).  With ev,
 * expands it onto out; FALSE on a syntax error or the budget spent. */
static gboolean
spf_macro(SpfEval *ev, const char *domain, const char *s, gsize len, gboolean exp, GString *out)
{
	char letter, buf[32], delims[8] = "";
	guint keep = 0, digits = 0, nd = 0;
	gboolean reverse = FALSE;
	const char *value;
	gsize i = 1;

	if (len == 0)
		return FALSE;
	letter = g_ascii_tolower(s[0]);
	if (!strchr(exp ? "slodipvhcrt" : "slodipvh", letter) || letter == '\0')
		return FALSE;
	for (; i < len && g_ascii_isdigit(s[i]); i++, digits++)
		keep = MIN(keep * 10 + (guint)(s[i] - '0'), 1000);
	if (digits > 0 && keep == 0)
		return FALSE;
	if (i < len && g_ascii_tolower(s[i]) == 'r') {
		reverse = TRUE;
		i++;
	}
	for (; i < len; i++) {
		if (!strchr(".-+,/_=", s[i]))
			return FALSE;
		if (!strchr(delims, s[i]))
			delims[nd++] = s[i];
	}
	if (!ev)
		return TRUE;
	value = spf_macro_value(ev, letter, domain, buf);
	if (strlen(value) > ev->macro_budget)
		return FALSE;
	ev->macro_budget -= strlen(value);
	spf_transform(value, nd ? delims : ".", keep, reverse, g_ascii_isupper(s[0]), out);
	return TRUE;
}

/* Walks a macro-string (7.1); with ev, expands it onto out.  *tail gets
 * where its trailing literal text starts (len when it ends with a
 * macro-expand), for the domain-end rule. */
static gboolean
spf_macro_string(SpfEval *ev, const char *domain, const char *s, gsize len, gboolean exp,
		 GString *out, gsize *tail)
{
	gsize i = 0, literal = 0;

	while (i < len) {
		const char *close;

		if (s[i] != '%') {
			if (s[i] < 0x21 || s[i] > 0x7e)
				return FALSE;
			if (out)
				g_string_append_c(out, s[i]);
			i++;
			continue;
		}
		if (i + 1 >= len)
			return FALSE;
		if (strchr("%_-", s[i + 1]) && s[i + 1] != '\0') {
			if (out)
				spf_append(out, s[i + 1] == '%' ? "%" : s[i + 1] == '_' ? " " : "%20",
					   s[i + 1] == '-' ? 3 : 1);
			literal = i += 2;
			continue;
		}
		if (s[i + 1] != '{' || !(close = memchr(s + i + 2, '}', len - i - 2)))
			return FALSE;
		if (!spf_macro(ev, domain, s + i + 2, (gsize)(close - s) - i - 2, exp, out))
			return FALSE;
		literal = i = (gsize)(close - s) + 1;
	}
	if (tail)
		*tail = literal;
	return TRUE;
}

/* domain-spec of 7.1: a macro-string ending in a macro-expand or in
 * "." toplabel [ "." ]. */
static gboolean
spf_domain_spec_ok(const char *s, gsize len)
{
	gsize tail, end = len;
	const char *dot;

	if (len == 0 || !spf_macro_string(NULL, NULL, s, len, FALSE, NULL, &tail))
		return FALSE;
	if (tail == len)
		return TRUE;
	if (s[end - 1] == '.')
		end--;
	dot = g_strrstr_len(s + tail, (gssize)(end - tail), ".");
	return dot && spf_toplabel_ok(dot + 1, (gsize)(s + end - dot - 1));
}

/* --- parsing a record (4.6, 5, 6) ------------------------------------ */

static gboolean
spf_parse_cidr(const char *s, gsize len, guint max, guint *out)
{
	guint value = 0;

	if (len == 0 || len > 3 || (len > 1 && s[0] == '0'))
		return FALSE;
	for (gsize i = 0; i < len; i++) {
		if (!g_ascii_isdigit(s[i]))
			return FALSE;
		value = value * 10 + (guint)(s[i] - '0');
	}
	*out = value;
	return value <= max;
}

/* Where a trailing "/digits" starts in s[0..len), or len. */
static gsize
spf_trailing_number(const char *s, gsize len)
{
	gsize i = len;

	while (i > 0 && g_ascii_isdigit(s[i - 1]))
		i--;
	return i < len && i > 0 && s[i - 1] == '/' ? i - 1 : len;
}

/* Takes dual-cidr-length off the end of a or mx's argument (5.3, 5.4). */
static gboolean
spf_dual_cidr(const char *s, gsize *len, SpfTerm *t)
{
	gsize at = spf_trailing_number(s, *len);

	t->cidr4 = 32;
	t->cidr6 = 128;
	if (at == *len)
		return TRUE;
	if (at > 0 && s[at - 1] == '/') {
		if (!spf_parse_cidr(s + at + 1, *len - at - 1, 128, &t->cidr6))
			return FALSE;
		*len = at - 1;
		at = spf_trailing_number(s, *len);
		if (at == *len)
			return TRUE;
	}
	if (!spf_parse_cidr(s + at + 1, *len - at - 1, 32, &t->cidr4))
		return FALSE;
	*len = at;
	return TRUE;
}

/* ":" domain-spec, or nothing when the domain-spec is optional. */
static gboolean
spf_parse_target(const char *s, gsize len, gboolean optional, SpfTerm *t)
{
	if (len == 0)
		return optional;
	if (s[0] != ':' || !spf_domain_spec_ok(s + 1, len - 1))
		return FALSE;
	t->spec = s + 1;
	t->spec_len = len - 1;
	return TRUE;
}

/* ":" ip-network [ "/" cidr ] of ip4 and ip6 (5.6). */
static gboolean
spf_parse_network(const char *s, SpfTerm *t)
{
	const char *slash;
	gsize len;

	if (*s++ != ':')
		return FALSE;
	slash = strchr(s, '/');
	len = slash ? (gsize)(slash - s) : strlen(s);
	if (t->mech == SPF_IP4) {
		t->cidr4 = 32;
		return spf_parse_ip4(s, len, t->net) &&
		       (!slash || spf_parse_cidr(slash + 1, strlen(slash + 1), 32, &t->cidr4));
	}
	t->cidr6 = 128;
	return spf_parse_ip6(s, len, t->net) &&
	       (!slash || spf_parse_cidr(slash + 1, strlen(slash + 1), 128, &t->cidr6));
}

static gboolean
spf_mech_kind(const char *name, gsize len, SpfMech *mech)
{
	static const char *const names[] = { "all", "include", "a", "mx", "ptr", "ip4", "ip6",
					     "exists" };

	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		if (strlen(names[i]) == len && g_ascii_strncasecmp(name, names[i], len) == 0) {
			*mech = (SpfMech)i;
			return TRUE;
		}
	return FALSE;
}

/* A mechanism with its optional qualifier (4.6.1, 5). */
static gboolean
spf_parse_mechanism(char *term, SpfRecord *r)
{
	static const char marks[] = "+-~?";
	SpfTerm t = { .qualifier = PC_SPF_PASS };
	const char *q = strchr(marks, term[0]);
	static const PcSpfResult qualifiers[] = { PC_SPF_PASS, PC_SPF_FAIL, PC_SPF_SOFTFAIL,
						  PC_SPF_NEUTRAL };
	gsize name_len, rest_len;
	const char *rest;
	gboolean ok;

	if (q && *q) {
		t.qualifier = qualifiers[q - marks];
		term++;
	}
	t.text = term;
	for (name_len = 0; g_ascii_isalnum(term[name_len]); name_len++)
		;
	if (!spf_mech_kind(term, name_len, &t.mech))
		return FALSE;
	rest = term + name_len;
	rest_len = strlen(rest);
	switch (t.mech) {
	case SPF_ALL: ok = rest_len == 0; break;
	case SPF_INCLUDE:
	case SPF_EXISTS: ok = spf_parse_target(rest, rest_len, FALSE, &t); break;
	case SPF_PTR: ok = spf_parse_target(rest, rest_len, TRUE, &t); break;
	case SPF_A:
	case SPF_MX:
		ok = spf_dual_cidr(rest, &rest_len, &t) && spf_parse_target(rest, rest_len, TRUE, &t);
		break;
	default: ok = spf_parse_network(rest, &t); break;
	}
	if (ok)
		g_array_append_val(r->terms, t);
	return ok;
}

/* name "=" macro-string (6); redirect and exp at most once each. */
static gboolean
spf_parse_modifier(char *term, gsize name_len, SpfRecord *r)
{
	const char *value = term + name_len + 1;
	gsize len = strlen(value);

	if (name_len == 8 && g_ascii_strncasecmp(term, "redirect", 8) == 0) {
		if (r->redirect || !spf_domain_spec_ok(value, len))
			return FALSE;
		r->redirect = value;
		return TRUE;
	}
	if (name_len == 3 && g_ascii_strncasecmp(term, "exp", 3) == 0) {
		if (r->has_exp || !spf_domain_spec_ok(value, len))
			return FALSE;
		r->has_exp = TRUE;
		return TRUE;
	}
	/* unknown modifiers are ignored, but must be well-formed */
	return spf_macro_string(NULL, NULL, value, len, TRUE, NULL, NULL);
}

static gboolean
spf_parse_term(char *term, SpfRecord *r)
{
	gsize n = 0;

	if (g_ascii_isalpha(term[0]))
		n = strspn(term, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				 "0123456789-_.");
	if (n > 0 && term[n] == '=')
		return spf_parse_modifier(term, n, r);
	return spf_parse_mechanism(term, r);
}

static void
spf_record_clear(SpfRecord *r)
{
	g_free(r->copy);
	if (r->terms)
		g_array_unref(r->terms);
}

/* Parses the record after "v=spf1"; on a syntax error sets ev->why. */
static gboolean
spf_record_parse(SpfEval *ev, const char *txt, SpfRecord *r)
{
	guint count = 0;
	char *term;

	if (strlen(txt) > SPF_MAX_RECORD) {
		spf_why(ev, "SPF record too long");
		return FALSE;
	}
	for (const char *p = txt; *p; p++)
		if (*p < 0x20 || *p > 0x7e) {
			spf_why(ev, "SPF record has a control or non-ASCII character");
			return FALSE;
		}
	r->copy = g_strdup(txt + 6);
	r->terms = g_array_new(FALSE, FALSE, sizeof(SpfTerm));
	for (char *p = r->copy; (term = strsep(&p, " ")) != NULL;) {
		if (*term == '\0')
			continue;
		if (++count > SPF_MAX_TERMS) {
			spf_why(ev, "more than %d terms", SPF_MAX_TERMS);
			return FALSE;
		}
		if (!spf_parse_term(term, r)) {
			spf_why(ev, "syntax error at \"%.64s\"", term);
			return FALSE;
		}
	}
	return TRUE;
}

/* --- evaluating (4.4 - 4.7, 5) --------------------------------------- */

static gboolean
spf_is_record(const char *txt)
{
	return g_ascii_strncasecmp(txt, "v=spf1", 6) == 0 && (txt[6] == '\0' || txt[6] == ' ');
}

/* The one SPF record of domain (4.4, 4.5): SPF_YES with *record, SPF_NO
 * for none, or an error. */
static SpfMatch
spf_find_record(SpfEval *ev, const char *domain, const char **record)
{
	const SpfAnswer *a = spf_dns(ev, PC_DNS_TXT, domain);

	*record = NULL;
	if (a->status == PC_DNS_ERROR)
		return spf_dns_error(ev, PC_DNS_TXT, domain);
	for (guint i = 0; i < a->records->len; i++) {
		const char *txt = g_ptr_array_index(a->records, i);

		if (!spf_is_record(txt))
			continue;
		if (*record) {
			spf_why(ev, "more than one SPF record for %.253s", domain);
			return SPF_PERM;
		}
		*record = txt;
	}
	if (*record)
		return SPF_YES;
	spf_why(ev, "no SPF record");
	return SPF_NO;
}

/* The term's target name, expanded: SPF_YES with *name, SPF_NO when it
 * is no valid DNS name, SPF_PERM when expansion failed. */
static SpfMatch
spf_target(SpfEval *ev, const char *domain, const char *spec, gsize len, char **name)
{
	g_autoptr(GString) out = NULL;

	*name = NULL;
	if (!spec) {
		*name = g_strdup(domain);
		return SPF_YES;
	}
	out = g_string_new(NULL);
	if (!spf_macro_string(ev, domain, spec, len, FALSE, out, NULL)) {
		spf_why(ev, "macro expansion too large");
		return SPF_PERM;
	}
	*name = spf_query_name(out);
	return *name ? SPF_YES : SPF_NO;
}

/* Whether an address of name (of the client's family) is in the term's
 * network.  count_void: an empty answer counts against the void limit. */
static SpfMatch
spf_host_match(SpfEval *ev, const char *name, const SpfTerm *t, gboolean count_void)
{
	PcDnsType type = ev->family == AF_INET ? PC_DNS_A : PC_DNS_AAAA;
	const SpfAnswer *a = spf_dns(ev, type, name);

	if (a->status == PC_DNS_ERROR)
		return spf_dns_error(ev, type, name);
	if (a->records->len == 0)
		return count_void ? spf_count_void(ev) : SPF_NO;
	for (guint i = 0; i < a->records->len; i++)
		if (spf_address_match(ev, g_ptr_array_index(a->records, i), t))
			return SPF_YES;
	return SPF_NO;
}

static SpfMatch
spf_mech_a(SpfEval *ev, const char *name, const SpfTerm *t)
{
	return spf_host_match(ev, name, t, TRUE);
}

/* A null MX ("." or empty) names no host (RFC 7505). */
static gboolean
spf_null_mx(const char *name)
{
	return name[0] == '\0' || strcmp(name, ".") == 0;
}

/* The MX hosts' addresses; more than 10 names is a permerror (4.6.4). */
static SpfMatch
spf_mech_mx(SpfEval *ev, const char *name, const SpfTerm *t)
{
	const SpfAnswer *a = spf_dns(ev, PC_DNS_MX, name);
	guint hosts = 0;

	if (a->status == PC_DNS_ERROR)
		return spf_dns_error(ev, PC_DNS_MX, name);
	if (a->records->len == 0)
		return spf_count_void(ev);
	for (guint i = 0; i < a->records->len; i++)
		if (!spf_null_mx(g_ptr_array_index(a->records, i)) && ++hosts > SPF_MAX_NAMES) {
			spf_why(ev, "more than %d MX names for %.253s", SPF_MAX_NAMES, name);
			return SPF_PERM;
		}
	for (guint i = 0; i < a->records->len; i++) {
		const char *host = g_ptr_array_index(a->records, i);
		g_autofree char *bare = g_strndup(host, strlen(host) - (g_str_has_suffix(host, ".") ? 1 : 0));
		SpfMatch m;

		if (spf_null_mx(host))
			continue;
		/* the hosts' addresses belong to the MX term, not to voids */
		m = spf_host_match(ev, bare, t, FALSE);
		if (m != SPF_NO)
			return m;
	}
	return SPF_NO;
}

/* name is target or a subdomain of it; both may end in a dot. */
static gboolean
spf_in_domain(const char *name, const char *target)
{
	gsize n = strlen(name), t = strlen(target);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (t > 0 && target[t - 1] == '.')
		t--;
	if (n < t || g_ascii_strncasecmp(name + n - t, target, t) != 0)
		return FALSE;
	return n == t || name[n - t - 1] == '.';
}

/* 5.5: a PTR name of the client that is in target and whose addresses
 * include the client.  DNS errors here only mean no match (5.5), and
 * only the first 10 names are looked at. */
static SpfMatch
spf_mech_ptr(SpfEval *ev, const char *target, const SpfTerm *t)
{
	g_autofree char *reverse = spf_reverse_name(ev);
	const SpfAnswer *a = spf_dns(ev, PC_DNS_PTR, reverse);
	SpfTerm exact = *t;

	exact.cidr4 = 32;
	exact.cidr6 = 128;
	for (guint i = 0; i < a->records->len && i < SPF_MAX_NAMES; i++) {
		const char *host = g_ptr_array_index(a->records, i);
		g_autofree char *bare = g_strndup(host, strlen(host) - (g_str_has_suffix(host, ".") ? 1 : 0));
		SpfMatch m;

		/* checking the suffix first saves validating names that
		 * could not match anyway */
		if (!spf_in_domain(bare, target) || !spf_dns_name_ok(bare))
			continue;
		m = spf_host_match(ev, bare, &exact, FALSE);
		if (m == SPF_YES)
			return SPF_YES;
	}
	return SPF_NO;
}

/* exists asks for A records whatever the client's family (5.7). */
static SpfMatch
spf_mech_exists(SpfEval *ev, const char *name)
{
	const SpfAnswer *a = spf_dns(ev, PC_DNS_A, name);

	if (a->status == PC_DNS_ERROR)
		return spf_dns_error(ev, PC_DNS_A, name);
	if (a->records->len == 0)
		return spf_count_void(ev);
	return SPF_YES;
}

/* 5.2: pass matches, fail, softfail and neutral do not; none is a
 * permerror, errors propagate. */
static SpfMatch
spf_mech_include(SpfEval *ev, const char *name, guint depth)
{
	switch (spf_check_host(ev, name, depth + 1)) {
	case PC_SPF_PASS: return SPF_YES;
	case PC_SPF_FAIL:
	case PC_SPF_SOFTFAIL:
	case PC_SPF_NEUTRAL: return SPF_NO;
	case PC_SPF_TEMPERROR: return SPF_TEMP;
	case PC_SPF_NONE:
		spf_why(ev, "include of %.253s, which has no SPF record", name);
		return SPF_PERM;
	default: return SPF_PERM;
	}
}

static gboolean
spf_queries_dns(SpfMech mech)
{
	return mech != SPF_ALL && mech != SPF_IP4 && mech != SPF_IP6;
}

static SpfMatch
spf_mechanism(SpfEval *ev, const char *domain, const SpfTerm *t, guint depth)
{
	g_autofree char *name = NULL;
	SpfMatch m;

	switch (t->mech) {
	case SPF_ALL: return SPF_YES;
	case SPF_IP4:
		return ev->family == AF_INET && spf_net_match(t->net, ev->ip, t->cidr4) ? SPF_YES : SPF_NO;
	case SPF_IP6:
		return ev->family == AF_INET6 && spf_net_match(t->net, ev->ip, t->cidr6) ? SPF_YES : SPF_NO;
	default: break;
	}
	g_assert(spf_queries_dns(t->mech));
	if ((m = spf_count_term(ev)) != SPF_NO)
		return m;
	if ((m = spf_target(ev, domain, t->spec, t->spec_len, &name)) != SPF_YES) {
		if (m == SPF_NO && t->mech == SPF_INCLUDE) {
			spf_why(ev, "include of an invalid domain name");
			return SPF_PERM;
		}
		return m;
	}
	switch (t->mech) {
	case SPF_INCLUDE: return spf_mech_include(ev, name, depth);
	case SPF_A: return spf_mech_a(ev, name, t);
	case SPF_MX: return spf_mech_mx(ev, name, t);
	case SPF_PTR: return spf_mech_ptr(ev, name, t);
	default: return spf_mech_exists(ev, name);
	}
}

/* 6.1: evaluated only when no mechanism matched; a target without a
 * record is a permerror. */
static PcSpfResult
spf_redirect(SpfEval *ev, const char *domain, const char *spec, guint depth)
{
	g_autofree char *name = NULL;
	PcSpfResult result;
	SpfMatch m;

	if ((m = spf_count_term(ev)) == SPF_NO)
		m = spf_target(ev, domain, spec, strlen(spec), &name);
	if (m == SPF_PERM)
		return PC_SPF_PERMERROR;
	if (!name) {
		spf_why(ev, "redirect to an invalid domain name");
		return PC_SPF_PERMERROR;
	}
	result = spf_check_host(ev, name, depth + 1);
	if (result != PC_SPF_NONE)
		return result;
	spf_why(ev, "redirect to %.253s, which has no SPF record", name);
	return PC_SPF_PERMERROR;
}

static PcSpfResult
spf_evaluate(SpfEval *ev, const char *domain, const SpfRecord *r, guint depth)
{
	for (guint i = 0; i < r->terms->len; i++) {
		const SpfTerm *t = &g_array_index(r->terms, SpfTerm, i);

		switch (spf_mechanism(ev, domain, t, depth)) {
		case SPF_YES:
			spf_why(ev, "%.100s matched", t->text);
			return t->qualifier;
		case SPF_TEMP: return PC_SPF_TEMPERROR;
		case SPF_PERM: return PC_SPF_PERMERROR;
		case SPF_NO: break;
		}
	}
	if (r->redirect)
		return spf_redirect(ev, domain, r->redirect, depth);
	spf_why(ev, "no mechanism matched");
	return PC_SPF_NEUTRAL;
}

static PcSpfResult
spf_check_host(SpfEval *ev, const char *domain, guint depth)
{
	SpfRecord record = { 0 };
	const char *txt;
	PcSpfResult result;

	if (depth > SPF_MAX_DEPTH) {
		spf_why(ev, "SPF records nested too deeply");
		return PC_SPF_PERMERROR;
	}
	switch (spf_find_record(ev, domain, &txt)) {
	case SPF_NO: return PC_SPF_NONE;
	case SPF_TEMP: return PC_SPF_TEMPERROR;
	case SPF_PERM: return PC_SPF_PERMERROR;
	case SPF_YES: break;
	}
	if (spf_record_parse(ev, txt, &record))
		result = spf_evaluate(ev, domain, &record, depth);
	else
		result = PC_SPF_PERMERROR;
	spf_record_clear(&record);
	return result;
}

/* --- entry points ---------------------------------------------------- */

/* check_host() for local@domain, domain already valid. */
static PcSpfResult
spf_run(const PcSpfRequest *req, const char *local, const char *domain, char **why)
{
	SpfEval ev = { .req = req, .macro_budget = SPF_MACRO_BUDGET };
	PcSpfResult result;

	if (!spf_client(&ev, req->ip)) {
		ev.why = g_strdup("client address not understood");
		result = PC_SPF_NONE;
	} else {
		ev.local = local && *local ? local : "postmaster";	/* 4.3 */
		ev.sender_domain = domain;
		ev.sender = g_strdup_printf("%s@%s", ev.local, domain);
		ev.answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						   spf_answer_free);
		result = spf_check_host(&ev, domain, 0);
		g_hash_table_unref(ev.answers);
	}
	g_free(ev.ip_dotted);
	g_free(ev.sender);
	if (why)
		*why = g_steal_pointer(&ev.why);
	g_free(ev.why);
	return result;
}

static PcSpfResult
spf_none(char **why, const char *reason)
{
	if (why)
		*why = g_strdup(reason);
	return PC_SPF_NONE;
}

PcSpfResult
pc_spf_check_helo(const PcSpfRequest *request, char **why)
{
	g_autofree char *domain = spf_identity_domain(request->helo);

	if (!domain)
		return spf_none(why, "HELO is not a domain name");
	return spf_run(request, NULL, domain, why);
}

PcSpfResult
pc_spf_check_mailfrom(const PcSpfRequest *request, char **domain, char **why)
{
	const char *sender = request->sender ? request->sender : "";
	const char *at = strrchr(sender, '@');
	g_autofree char *local = at ? g_strndup(sender, (gsize)(at - sender)) : NULL;
	g_autofree char *name = NULL;

	if (domain)
		*domain = NULL;
	if (*sender == '\0')
		name = spf_identity_domain(request->helo);
	else
		name = spf_identity_domain(at ? at + 1 : sender);
	if (!name)
		return spf_none(why, *sender ? "sender domain is not a domain name"
					     : "null sender and HELO is not a domain name");
	if (domain)
		*domain = g_strdup(name);
	return spf_run(request, local, name, why);
}
