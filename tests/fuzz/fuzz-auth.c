/*
 * fuzz-auth: libFuzzer target for sender authentication's message side.
 * Each input is a message as the MTA sends it (any bytes, LF or CRLF):
 * its raw header fields (pc_auth_fields), every DKIM signature
 * (pc_dkim_verify), the ARC chain (pc_arc_verify) and DMARC
 * (pc_dmarc_evaluate), over a fixed DNS table: the keys of
 * tests/data/auth/keys.zone, so signatures found in the seeds (the
 * committed messages of tests/data/auth/) reach RSA and Ed25519 verification,
 * plus DMARC records and failing lookups.  Then the results are written
 * as the Authentication-Results value and the log's auth= value.
 *
 * The oracles (abort on violation):
 *  - the header fields are the input's lines: a name without ':', a raw
 *    field holding its colon, the body offset inside the input;
 *  - tag values hold no white space; b= stripping keeps the field's name;
 *    a relaxed canonical field is one line without doubled, leading or
 *    trailing spaces in its value;
 *  - a relaxed canonical body is never longer than the simple one, and
 *    an l= limit changes what is hashed, not the length counted;
 *  - at most PC_DKIM_MAX_SIGNATURES results and PC_ARC_MAX_INSTANCES sets;
 *  - pc_auth_header's value is printable ASCII but for "\n\t" after ';',
 *    its comments never nest or stay open, and pc_auth_header_id finds our
 *    id again; pc_auth_describe's value is printable ASCII, one word per
 *    result.
 *
 * Environment: PORTCULLIS_AUTH_DATA (tests/data/auth; default: next to
 * this file's build directory).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gmime/gmime.h>

#include "auth/auth.h"
#include "auth/header.h"
#include "fuzz.h"
#include "../unit/auth_dns.h"

/* The t= of the committed signatures, and an hour later. */
#define FUZZ_NOW (1796299200 + 3600)

static const AuthRr fuzz_table[] = {
	{ "broken._domainkey.sign.test", PC_DNS_ERROR, { NULL } },
	{ "_dmarc.sign.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject; pct=0" } },
	{ "_dmarc.fwd.test", PC_DNS_ANSWER, { "v=DMARC1; p=quarantine; sp=reject; adkim=s" } },
	{ "_dmarc.list.test", PC_DNS_ANSWER, { "v=DMARC1; p=none", "v=DMARC1; p=reject" } },
	{ "_dmarc.example.test", PC_DNS_ERROR, { NULL } },
	{ "_dmarc.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject; aspf=s" } },
	{ NULL, 0, { NULL } },
};

static AuthDns fuzz_dns = { .table = fuzz_table };

static void
fuzz_check(gboolean ok, const char *what, const char *text)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz-auth: %s: \"%s\"\n", what, text ? text : "(null)");
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = g_getenv("PORTCULLIS_AUTH_DATA");
	g_autofree char *here = g_path_get_dirname((*argv)[0]);
	g_autofree char *fallback = g_build_filename(here, "..", "tests", "data", "auth", NULL);
	g_autofree char *zone = g_build_filename(dir ? dir : fallback, "keys.zone", NULL);
	g_autoptr(GError) error = NULL;

	(void)argc;
	signal(SIGTRAP, fuzz_trap);
	g_mime_init();	/* DMARC parses From with GMime */
	if (!auth_dns_load(&fuzz_dns, zone, &error)) {
		fprintf(stderr, "fuzz-auth: %s\n", error->message);
		exit(1);
	}
	return 0;
}

/* A relaxed canonical field: "name:value", one line, single spaces inside. */
static void
fuzz_check_relaxed(const char *raw)
{
	g_autoptr(GString) c = g_string_new(NULL);
	const char *value;

	pc_auth_canon_header(c, raw, TRUE, FALSE);
	fuzz_check(strpbrk(c->str, "\r\n") == NULL, "relaxed field has a line break", c->str);
	value = strchr(c->str, ':');
	fuzz_check(value != NULL, "relaxed field lost its colon", c->str);
	value++;
	fuzz_check(strstr(value, "  ") == NULL && strchr(value, '\t') == NULL,
		   "relaxed value has a white space run", c->str);
	fuzz_check(*value != ' ' && (*value == '\0' || value[strlen(value) - 1] != ' '),
		   "relaxed value has a space at one end", c->str);
}

static void
fuzz_check_tags(const char *value)
{
	g_autoptr(GHashTable) tags = pc_auth_tags(value);
	GHashTableIter iter;
	gpointer name, tag;

	if (tags == NULL)
		return;
	g_hash_table_iter_init(&iter, tags);
	while (g_hash_table_iter_next(&iter, &name, &tag))
		fuzz_check(strpbrk(tag, " \t\r\n") == NULL && strchr(tag, ';') == NULL,
			   "tag value holds white space or ';'", tag);
}

static void
fuzz_check_fields(GPtrArray *fields, gsize body, gsize len)
{
	fuzz_check(body <= len, "body offset beyond the input", NULL);
	fuzz_check(fields->len <= PC_AUTH_MAX_FIELDS, "too many fields", NULL);
	for (guint i = 0; i < fields->len; i++) {
		const PcAuthField *f = g_ptr_array_index(fields, i);
		g_autofree char *stripped = pc_auth_strip_b(f->raw);
		gsize name_len = (gsize)(strchr(f->raw, ':') - f->raw) + 1;

		fuzz_check(strchr(f->name, ':') == NULL, "field name holds a colon", f->name);
		fuzz_check(strncmp(stripped, f->raw, name_len) == 0 &&
				   strlen(stripped) <= strlen(f->raw),
			   "b= stripping changed the name or grew", stripped);
		fuzz_check_relaxed(f->raw);
		fuzz_check_tags(pc_auth_field_value(f));
	}
}

static guint64
fuzz_body_length(const guint8 *data, gsize len, gboolean relaxed, guint64 limit)
{
	PcAuthBody b = { .relaxed = relaxed, .limit = limit };

	b.hash = g_checksum_new(G_CHECKSUM_SHA256);
	pc_auth_body_run(&b, data, len);
	g_checksum_free(b.hash);
	return b.length;
}

static void
fuzz_check_body(const guint8 *data, gsize len)
{
	guint64 simple = fuzz_body_length(data, len, FALSE, G_MAXUINT64);
	guint64 relaxed = fuzz_body_length(data, len, TRUE, G_MAXUINT64);

	fuzz_check(simple >= 2 && relaxed <= simple, "relaxed body longer than simple", NULL);
	fuzz_check(fuzz_body_length(data, len, TRUE, len / 2) == relaxed,
		   "l= changed the canonical length", NULL);
}

/* Printable ASCII; "\n\t" only after ';'; comments flat and closed. */
static void
fuzz_check_header(const char *h)
{
	int depth = 0;

	for (const char *p = h; *p != '\0'; p++) {
		if (*p == '\n') {
			fuzz_check(p[1] == '\t' && p > h && p[-1] == ';' && depth == 0,
				   "line break not a fold after ';'", h);
			p++;
			continue;
		}
		fuzz_check(*p >= 0x20 && *p < 0x7f, "header byte not printable ASCII", h);
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		fuzz_check(depth == 0 || depth == 1, "header comment nested or unopened", h);
	}
	fuzz_check(depth == 0, "header comment left open", h);
}

static void
fuzz_check_describe(const PcAuth *auth, const char *d)
{
	guint words = 1;

	for (const char *p = d; *p != '\0'; p++) {
		fuzz_check(*p >= 0x20 && *p < 0x7f, "auth= byte not printable ASCII", d);
		words += *p == ' ';
	}
	/* spf, each dkim (or "dkim:none"), dmarc, arc unless none */
	fuzz_check(words == 2 + MAX(auth->dkim->len, 1) + (auth->arc != PC_AUTH_NONE),
		   "auth= has a space from the message", d);
}

static void
fuzz_check_results(const PcAuth *auth)
{
	g_autofree char *header = pc_auth_header(auth, "mx.test");
	g_autofree char *describe = pc_auth_describe(auth);
	g_autofree char *id = pc_auth_header_id(header);

	fuzz_check(auth->dkim->len <= PC_DKIM_MAX_SIGNATURES, "too many DKIM results", NULL);
	fuzz_check(auth->arc_instances <= PC_ARC_MAX_INSTANCES, "too many ARC sets", NULL);
	fuzz_check((auth->arc == PC_AUTH_PASS) == (auth->arc_sealer != NULL),
		   "ARC sealer without a pass", auth->arc_sealer);
	fuzz_check(auth->dmarc_disposition == NULL || auth->dmarc == PC_AUTH_FAIL,
		   "DMARC disposition without a fail", auth->dmarc_disposition);
	fuzz_check_header(header);
	fuzz_check(g_strcmp0(id, "mx.test") == 0, "our authserv-id not found again", header);
	fuzz_check_describe(auth, describe);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t len)
{
	gsize body = 0;
	g_autoptr(GPtrArray) fields = pc_auth_fields(data, len, PC_AUTH_MAX_FIELDS, &body);
	g_autoptr(GArray) bodies = g_array_new(FALSE, FALSE, sizeof(PcBodyHash));
	PcAuthMessage m = { fields, data + body, len - body, auth_dns_lookup, &fuzz_dns,
			    FUZZ_NOW, bodies };
	g_autoptr(PcAuth) auth = pc_auth_new();

	fuzz_check_fields(fields, body, len);
	fuzz_check_body(m.body, m.body_len);
	/* SPF is preset: a pass for sign.test lets DMARC align through it */
	auth->spf = len % 3 == 0 ? PC_AUTH_PASS : len % 3 == 1 ? PC_AUTH_FAIL : PC_AUTH_NONE;
	auth->spf_domain = g_strdup("sign.test");
	pc_dkim_verify(&m, auth);
	pc_arc_verify(&m, auth);
	pc_dmarc_evaluate(&m, auth);
	fuzz_check_results(auth);
	return 0;
}
