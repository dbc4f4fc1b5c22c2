/*
 * Unit tests for DKIM, ARC and DMARC (engine/auth/): the raw header
 * fields, tag lists and canonical forms (header.c, checked against
 * SHA-256 values computed independently from canonical forms written by
 * hand), DKIM and ARC end to end on the committed messages of
 * tests/data/auth/ (made by its make.py) over a fixed DNS table, DMARC
 * with preset SPF and DKIM results, and the Authentication-Results and
 * log texts (results.c) with hostile input.
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>

#include "auth/auth.h"
#include "auth/header.h"
#include "auth_dns.h"

static const AuthRr test_table[] = {
	{ "broken._domainkey.sign.test", PC_DNS_ERROR, { NULL } },
	{ "_dmarc.sign.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject" } },
	{ "_dmarc.reject.test", PC_DNS_ANSWER, { "v=spf1 -all", "v=DMARC1; p=reject" } },
	{ "_dmarc.org.test", PC_DNS_ANSWER, { "v=DMARC1; p=none; sp=reject" } },
	{ "_dmarc.two.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject", "v=DMARC1; p=none" } },
	{ "_dmarc.sub.two-org.test", PC_DNS_ANSWER, { "v=DMARC1; p=none", "v=DMARC1; p=none" } },
	{ "_dmarc.two-org.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject" } },
	{ "_dmarc.sub.bad-org.test", PC_DNS_ANSWER, { "v=DMARC1; p=none; p=none" } },
	{ "_dmarc.bad-org.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject" } },
	{ "_dmarc.nop.test", PC_DNS_ANSWER, { "v=DMARC1; sp=reject" } },
	{ "_dmarc.err.test", PC_DNS_ERROR, { NULL } },
	{ "_dmarc.strict.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject; adkim=s; aspf=s" } },
	{ "_dmarc.pct.test", PC_DNS_ANSWER, { "v=DMARC1; p=reject; pct=0" } },
	{ NULL, 0, { NULL } },
};

static AuthDns test_dns = { .table = test_table };

static void
test_reset(void)
{
	test_dns.lookups = 0;
	g_ptr_array_set_size(test_dns.asked, 0);
}

/* ------------------------------------------------------------ header.c */

static GPtrArray *
test_fields(const char *text, guint max, gsize *body)
{
	return pc_auth_fields((const guint8 *)text, strlen(text), max, body);
}

static const char *
test_raw(GPtrArray *fields, guint i)
{
	return ((PcAuthField *)g_ptr_array_index(fields, i))->raw;
}

static const char *
test_name(GPtrArray *fields, guint i)
{
	return ((PcAuthField *)g_ptr_array_index(fields, i))->name;
}

static void
test_fields_split(void)
{
	static const char *const texts[] = {
		"A: 1\r\nSubject : two\r\n\tlines\r\n  three\r\nC:\r\n\r\nbody\r\n",
		"A: 1\nSubject : two\n\tlines\n  three\nC:\n\nbody\n",
	};

	for (guint t = 0; t < G_N_ELEMENTS(texts); t++) {
		gsize body = 0;
		g_autoptr(GPtrArray) f = test_fields(texts[t], 100, &body);

		g_assert_cmpuint(f->len, ==, 3);
		g_assert_cmpstr(test_name(f, 0), ==, "A");
		g_assert_cmpstr(test_raw(f, 0), ==, "A: 1");
		/* a folded field keeps its lines, joined by CRLF whatever the input */
		g_assert_cmpstr(test_name(f, 1), ==, "Subject");
		g_assert_cmpstr(test_raw(f, 1), ==, "Subject : two\r\n\tlines\r\n  three");
		g_assert_cmpstr(pc_auth_field_value(g_ptr_array_index(f, 1)), ==,
				" two\r\n\tlines\r\n  three");
		g_assert_cmpstr(test_raw(f, 2), ==, "C:");
		g_assert_cmpstr(texts[t] + body, ==, t == 0 ? "body\r\n" : "body\n");
	}
}

static void
test_fields_edges(void)
{
	const char *text = "A: 1\nno colon here\nB: 2\n\nbody";
	g_autoptr(GPtrArray) f = NULL;
	gsize body = 0;

	/* a line without a colon is no field: nothing can sign it */
	f = test_fields(text, 100, &body);
	g_assert_cmpuint(f->len, ==, 2);
	g_assert_cmpstr(test_raw(f, 0), ==, "A: 1");
	g_assert_cmpstr(test_raw(f, 1), ==, "B: 2");
	g_assert_cmpstr(text + body, ==, "body");
	g_clear_pointer(&f, g_ptr_array_unref);
	/* the limit keeps the first fields; the body is still found */
	text = "A: 1\nB: 2\nC: 3\nD: 4\n\nbody";
	f = test_fields(text, 2, &body);
	g_assert_cmpuint(f->len, ==, 2);
	g_assert_cmpstr(test_raw(f, 1), ==, "B: 2");
	g_assert_cmpstr(text + body, ==, "body");
	g_clear_pointer(&f, g_ptr_array_unref);
	/* no body: the offset is the length, with or without a last line end */
	f = test_fields("A: 1\r\nB: 2", 100, &body);
	g_assert_cmpuint(f->len, ==, 2);
	g_assert_cmpuint(body, ==, 10);
	g_clear_pointer(&f, g_ptr_array_unref);
	f = test_fields("A: 1\nB: 2\n", 100, &body);
	g_assert_cmpuint(f->len, ==, 2);
	g_assert_cmpuint(body, ==, 10);
	g_clear_pointer(&f, g_ptr_array_unref);
	/* an empty body after the empty line */
	f = test_fields("A: 1\r\n\r\n", 100, &body);
	g_assert_cmpuint(f->len, ==, 1);
	g_assert_cmpuint(body, ==, 8);
	g_clear_pointer(&f, g_ptr_array_unref);
	/* no header at all */
	f = test_fields("\r\nbody", 100, &body);
	g_assert_cmpuint(f->len, ==, 0);
	g_assert_cmpuint(body, ==, 2);
	g_clear_pointer(&f, g_ptr_array_unref);
	f = test_fields("", 100, &body);
	g_assert_cmpuint(f->len, ==, 0);
	g_assert_cmpuint(body, ==, 0);
}

static void
test_tags(void)
{
	g_autoptr(GHashTable) t = pc_auth_tags("a=1; b = x y ;c=");

	g_assert_nonnull(t);
	g_assert_cmpuint(g_hash_table_size(t), ==, 3);
	g_assert_cmpstr(g_hash_table_lookup(t, "a"), ==, "1");
	g_assert_cmpstr(g_hash_table_lookup(t, "b"), ==, "xy");
	g_assert_cmpstr(g_hash_table_lookup(t, "c"), ==, "");
	g_clear_pointer(&t, g_hash_table_unref);
	/* folding white space leaves values (b= and bh= are folded) */
	t = pc_auth_tags(" v=1;\r\n\tb=abc\r\n\t def==;\r\n bh = x\t y ");
	g_assert_nonnull(t);
	g_assert_cmpstr(g_hash_table_lookup(t, "b"), ==, "abcdef==");
	g_assert_cmpstr(g_hash_table_lookup(t, "bh"), ==, "xy");
	g_clear_pointer(&t, g_hash_table_unref);
	/* a trailing ';', with or without white space, is allowed */
	t = pc_auth_tags("a=1;");
	g_assert_nonnull(t);
	g_assert_cmpuint(g_hash_table_size(t), ==, 1);
	g_clear_pointer(&t, g_hash_table_unref);
	t = pc_auth_tags("a=1; \r\n\t");
	g_assert_nonnull(t);
	g_clear_pointer(&t, g_hash_table_unref);
	t = pc_auth_tags("");
	g_assert_nonnull(t);
	g_assert_cmpuint(g_hash_table_size(t), ==, 0);
	g_clear_pointer(&t, g_hash_table_unref);
	/* tag names are case-sensitive: a= and A= are two tags */
	t = pc_auth_tags("a=1; A=2");
	g_assert_nonnull(t);
	g_assert_cmpuint(g_hash_table_size(t), ==, 2);
	/* malformed lists: bad names, a repeated tag, text without '=' */
	g_assert_null(pc_auth_tags("1a=x"));
	g_assert_null(pc_auth_tags("a-b=x"));
	g_assert_null(pc_auth_tags("=x"));
	g_assert_null(pc_auth_tags("a b=x"));
	g_assert_null(pc_auth_tags("\xc3\xa9=x"));
	g_assert_null(pc_auth_tags("a=1; a=2"));
	g_assert_null(pc_auth_tags("a=1; b=2; a = 1"));
	g_assert_null(pc_auth_tags("a=1; junk"));
}

static void
test_strip_b(void)
{
	struct {
		const char *raw, *want;
	} cases[] = {
		{ "DKIM-Signature: v=1; bh=abc=; b=xyz\r\n\t123==",
		  "DKIM-Signature: v=1; bh=abc=; b=" },
		{ "X: b=xyz; d=a.test; bh=k", "X: b=; d=a.test; bh=k" },
		{ "X: a=1;\r\n\tb = xy z;", "X: a=1;\r\n\tb =;" },
		{ "X: bh=only", "X: bh=only" },
		{ "X:", "X:" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = pc_auth_strip_b(cases[i].raw);

		g_assert_cmpstr(got, ==, cases[i].want);
	}
}

/* RFC 6376 3.4.5's example header fields. */
static void
test_canon_header(void)
{
	g_autoptr(GString) relaxed = g_string_new(NULL);
	g_autoptr(GString) simple = g_string_new(NULL);

	pc_auth_canon_header(relaxed, "A: X", TRUE, TRUE);
	pc_auth_canon_header(relaxed, "B : Y\t\r\n\tZ  ", TRUE, TRUE);
	g_assert_cmpstr(relaxed->str, ==, "a:X\r\nb:Y Z\r\n");
	pc_auth_canon_header(simple, "A: X", FALSE, TRUE);
	pc_auth_canon_header(simple, "B : Y\t\r\n\tZ  ", FALSE, TRUE);
	g_assert_cmpstr(simple->str, ==, "A: X\r\nB : Y\t\r\n\tZ  \r\n");
	/* the signature field itself is hashed without its CRLF */
	g_string_truncate(relaxed, 0);
	pc_auth_canon_header(relaxed, "Sub Ject:\t \r\n x  ", TRUE, FALSE);
	g_assert_cmpstr(relaxed->str, ==, "subject:x");
	g_string_truncate(relaxed, 0);
	pc_auth_canon_header(relaxed, "E:", TRUE, FALSE);
	g_assert_cmpstr(relaxed->str, ==, "e:");
}

/* The body's canonical SHA-256 in hex; *length gets the canonical length. */
static char *
test_body(const char *data, gboolean relaxed, guint64 limit, guint64 *length)
{
	PcAuthBody b = { .relaxed = relaxed, .limit = limit };
	char *hex;

	b.hash = g_checksum_new(G_CHECKSUM_SHA256);
	pc_auth_body_run(&b, (const guint8 *)data, strlen(data));
	hex = g_strdup(g_checksum_get_string(b.hash));
	g_checksum_free(b.hash);
	if (length != NULL)
		*length = b.length;
	return hex;
}

#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_CRLF "7eb70257593da06f682a3ddda54a9d260d4fc514f645237f5ca74b08f8da61a6"

static void
test_canon_body(void)
{
	/* sha256 of the canonical forms written by hand (python hashlib):
	 * RFC 6376 3.4.5's body, simple " C \r\nD \t E\r\n", relaxed " C\r\nD E\r\n" */
	static const struct {
		const char *body;
		gboolean relaxed;
		const char *sha;
		guint64 length;
	} cases[] = {
		{ " C \r\nD \t E\r\n\r\n\r\n", FALSE,
		  "34e7a2bdb4250c7f5398d289530ec3e77c197ec93c60c67f853b955704e08bcb", 12 },
		{ " C \r\nD \t E\r\n\r\n\r\n", TRUE,
		  "ba76a4e891ead302fe4351cfedd5b5b63071f452c0e837dfa19d2aacbc1b6e9a", 9 },
		{ " C \nD \t E\n\n\n", TRUE,
		  "ba76a4e891ead302fe4351cfedd5b5b63071f452c0e837dfa19d2aacbc1b6e9a", 9 },
		/* "Hi  there \r\n" and "Hi there\r\n" */
		{ "Hi  there \r\n\r\n\r\n", FALSE,
		  "3bb6435e5c9a6bfdab79ac3288154f3cfa17f01c0b08030871e84c589c81dace", 12 },
		{ "Hi  there \n\n \t\n", TRUE,
		  "2da7a079a138b1677897d2bb6163650229e6a9478f119c0a1bd74c8e26262e7f", 10 },
		/* "abc\r\n": a last line without its end gets one */
		{ "abc", FALSE, "552bab6864c7a7b69a502ed1854b9245c0e1a30f008aaa0b281da62585fdb025", 5 },
		{ "abc", TRUE, "552bab6864c7a7b69a502ed1854b9245c0e1a30f008aaa0b281da62585fdb025", 5 },
		/* " x\r\na\r\n\r\nb\r\n": inner empty lines stay, leading space is one */
		{ "  \tx\r\na\r\n\r\nb", TRUE,
		  "1b0dd2cabb8be4845ffa1a9575864e25bb807b9c0debf840e124eded8a0adaed", 12 },
		/* empty bodies: simple is CRLF, relaxed nothing (RFC 6376 3.4.3-4) */
		{ "", FALSE, SHA_CRLF, 2 },
		{ "", TRUE, SHA_EMPTY, 0 },
		{ "\r\n\r\n\n", FALSE, SHA_CRLF, 2 },
		{ "\r\n \t\r\n\n", TRUE, SHA_EMPTY, 0 },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		guint64 length = 0;
		g_autofree char *sha = test_body(cases[i].body, cases[i].relaxed, G_MAXUINT64,
						 &length);

		g_test_message("body case %u", i);
		g_assert_cmpstr(sha, ==, cases[i].sha);
		g_assert_cmpuint(length, ==, cases[i].length);
	}
}

static void
test_canon_body_limit(void)
{
	guint64 length = 0;
	g_autofree char *part = test_body("abc\r\nmore text\r\n", FALSE, 3, &length);
	g_autofree char *all = NULL, *zero = NULL;

	/* l=3 hashes "abc"; the length counts every canonical byte */
	g_assert_cmpstr(part, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	g_assert_cmpuint(length, ==, 16);
	/* l= equal to the body is the whole body */
	all = test_body("abc", TRUE, 5, &length);
	g_assert_cmpstr(all, ==, "552bab6864c7a7b69a502ed1854b9245c0e1a30f008aaa0b281da62585fdb025");
	g_assert_cmpuint(length, ==, 5);
	zero = test_body("abc", TRUE, 0, NULL);
	g_assert_cmpstr(zero, ==, SHA_EMPTY);
}

/* ------------------------------------------------------- DKIM, ARC, DMARC */

typedef struct {
	char *text;
	gsize len;
	GPtrArray *fields;
	PcAuthMessage m;
} TestMsg;

static void
test_msg_free(TestMsg *t)
{
	g_ptr_array_unref(t->fields);
	g_free(t->text);
	g_free(t);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestMsg, test_msg_free)

static TestMsg *
test_msg_text(char *text)
{
	TestMsg *t = g_new0(TestMsg, 1);
	gsize body = 0;

	t->text = text;
	t->len = strlen(text);
	t->fields = pc_auth_fields((const guint8 *)text, t->len, PC_AUTH_MAX_FIELDS, &body);
	t->m = (PcAuthMessage){ t->fields, (const guint8 *)text + body, t->len - body,
				auth_dns_lookup, &test_dns, 1796299200 + 3600, NULL };
	return t;
}

static char *
test_file(const char *name)
{
	g_autofree char *path = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir")
									 : ".",
						 "tests/data/auth", name, NULL);
	char *text = NULL;

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	return text;
}

/* The file with from replaced by to (once; it must be there). */
static char *
test_edit(char *text, const char *from, const char *to)
{
	char *at = strstr(text, from);
	GString *out = g_string_new(NULL);

	g_assert_nonnull(at);
	g_string_append_len(out, text, at - text);
	g_string_append(out, to);
	g_string_append(out, at + strlen(from));
	g_free(text);
	return g_string_free(out, FALSE);
}

static PcAuth *
test_dkim_text(char *text)
{
	g_autoptr(TestMsg) t = test_msg_text(text);
	PcAuth *auth = pc_auth_new();

	test_reset();
	pc_dkim_verify(&t->m, auth);
	return auth;
}

static const PcDkimResult *
test_one(PcAuth *auth)
{
	g_assert_nonnull(auth->dkim);
	g_assert_cmpuint(auth->dkim->len, ==, 1);
	return g_ptr_array_index(auth->dkim, 0);
}

/* The one signature's result and reason. */
static void
test_dkim_expect(char *text, PcAuthResult result, const char *why)
{
	g_autoptr(PcAuth) auth = test_dkim_text(text);
	const PcDkimResult *r = test_one(auth);

	g_assert_cmpstr(pc_auth_result_name(r->result), ==, pc_auth_result_name(result));
	g_assert_cmpstr(r->why, ==, why);
	g_assert_cmpstr(r->domain, ==, "sign.test");
}

static void
test_dkim_pass(void)
{
	static const struct {
		const char *file, *selector, *algorithm;
	} cases[] = {
		{ "dkim-rsa.eml", "rsa", "rsa-sha256" },
		{ "dkim-ed25519.eml", "ed", "ed25519-sha256" },
		{ "dkim-simple.eml", "rsa", "rsa-sha256" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(PcAuth) auth = test_dkim_text(test_file(cases[i].file));
		const PcDkimResult *r = test_one(auth);

		g_test_message("%s", cases[i].file);
		g_assert_cmpstr(pc_auth_result_name(r->result), ==, "pass");
		g_assert_null(r->why);
		g_assert_cmpstr(r->domain, ==, "sign.test");
		g_assert_cmpstr(r->selector, ==, cases[i].selector);
		g_assert_cmpstr(r->algorithm, ==, cases[i].algorithm);
		g_assert_cmpuint(strlen(r->b), ==, 12);
		g_assert_true(r->whole_body);
		g_assert_cmpuint(test_dns.lookups, ==, 1);
		g_assert_cmpstr(test_dns.asked->pdata[0], ==,
				cases[i].selector[0] == 'e' ? "ed._domainkey.sign.test"
							    : "rsa._domainkey.sign.test");
	}
}

/* As the MTA sends it: CRLF line ends verify as the LF file does. */
static void
test_dkim_crlf(void)
{
	g_autofree char *lf = test_file("dkim-simple.eml");
	GString *crlf = g_string_new(NULL);
	g_autoptr(PcAuth) auth = NULL;

	for (const char *p = lf; *p; p++) {
		if (*p == '\n')
			g_string_append_c(crlf, '\r');
		g_string_append_c(crlf, *p);
	}
	auth = test_dkim_text(g_string_free(crlf, FALSE));
	g_assert_cmpint(test_one(auth)->result, ==, PC_AUTH_PASS);
}

static void
test_dkim_altered(void)
{
	/* the body hash catches a changed body before any key is fetched */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "A message", "A massage"),
			 PC_AUTH_FAIL, "body hash did not verify");
	g_assert_cmpuint(test_dns.lookups, ==, 0);
	test_dkim_expect(test_edit(test_file("dkim-ed25519.eml"), "Alice\n", "Alice.\n"),
			 PC_AUTH_FAIL, "body hash did not verify");
	/* relaxed: more spaces and trailing empty lines change nothing */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "A message", "A    message"),
			 PC_AUTH_PASS, NULL);
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "Alice\n", "Alice \n\n\n\n"),
			 PC_AUTH_PASS, NULL);
	/* simple: one more space is a change */
	test_dkim_expect(test_edit(test_file("dkim-simple.eml"), "A message", "A  message"),
			 PC_AUTH_FAIL, "body hash did not verify");
	test_dkim_expect(test_edit(test_file("dkim-simple.eml"), "odd   ", "odd  "),
			 PC_AUTH_FAIL, "signature did not verify");
	/* a signed header field changed */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "Subject: rsa pass",
				   "Subject: rsa fail"),
			 PC_AUTH_FAIL, "signature did not verify");
	test_dkim_expect(test_edit(test_file("dkim-ed25519.eml"), "Subject: ed25519 pass",
				   "Subject: ed25519 fail"),
			 PC_AUTH_FAIL, "signature did not verify");
	/* h= takes fields bottom-up: one more Subject on top is not signed,
	 * one below is the one signed */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "From: Alice",
				   "Subject: forged\nFrom: Alice"),
			 PC_AUTH_PASS, NULL);
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "MIME-Version",
				   "Subject: forged\nMIME-Version"),
			 PC_AUTH_FAIL, "signature did not verify");
	/* a field h= does not name, added on top, changes nothing */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "From: Alice",
				   "X-Other: x\nFrom: Alice"),
			 PC_AUTH_PASS, NULL);
	/* b= changed */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "b=", "b=AAAA"), PC_AUTH_FAIL,
			 "signature did not verify");
}

static void
test_dkim_keys(void)
{
	test_dkim_expect(test_file("dkim-no-key.eml"), PC_AUTH_PERMERROR, "no key in DNS");
	g_assert_cmpstr(test_dns.asked->pdata[0], ==, "missing._domainkey.sign.test");
	test_dkim_expect(test_file("dkim-dns-error.eml"), PC_AUTH_TEMPERROR, "key lookup failed");
	test_dkim_expect(test_file("dkim-revoked.eml"), PC_AUTH_PERMERROR, "key revoked");
	test_dkim_expect(test_file("dkim-small-key.eml"), PC_AUTH_PERMERROR, "RSA key too small");
	/* an RSA signature whose s= names the Ed25519 key */
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "s=rsa", "s=ed"), PC_AUTH_PERMERROR,
			 "key is of another type than a=");
}

static void
test_dkim_tags(void)
{
	g_autoptr(PcAuth) dup = NULL;

	/* RFC 8301: rsa-sha1 is refused whatever its hashes say (the body
	 * hash is sha1 too, so a= must be checked before bh=) */
	test_dkim_expect(test_file("dkim-rsa-sha1.eml"), PC_AUTH_PERMERROR,
			 "rsa-sha1 is not accepted");
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "a=rsa-sha256", "a=rsa-sha512"),
			 PC_AUTH_PERMERROR, "unknown algorithm");
	test_dkim_expect(test_file("dkim-identity.eml"), PC_AUTH_PERMERROR, "i= is not within d=");
	test_dkim_expect(test_file("dkim-no-from.eml"), PC_AUTH_PERMERROR,
			 "h= does not sign From");
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "v=1", "v=2"), PC_AUTH_PERMERROR,
			 "v= is not 1");
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "c=relaxed/relaxed", "c=loose"),
			 PC_AUTH_PERMERROR, "malformed c=");
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "t=1796299200", "t=1796299200;\n\tx=1"),
			 PC_AUTH_PERMERROR, "x= is before t=");
	test_dkim_expect(test_edit(test_file("dkim-rsa.eml"), "t=1796299200",
				   "t=1796299200;\n\tx=1796299201"),
			 PC_AUTH_PERMERROR, "signature expired");
	dup = test_dkim_text(test_edit(test_file("dkim-rsa.eml"), "s=rsa", "s=rsa; s=rsa"));
	g_assert_cmpint(test_one(dup)->result, ==, PC_AUTH_PERMERROR);
	g_assert_cmpstr(test_one(dup)->why, ==, "malformed tag list");
	g_assert_null(test_one(dup)->domain);
}

static void
test_dkim_length(void)
{
	g_autoptr(PcAuth) auth = test_dkim_text(test_file("dkim-length.eml"));
	const PcDkimResult *r = test_one(auth);
	g_autoptr(PcAuth) signed_only = NULL;

	/* l= verified, but text was appended: policy, not the whole body */
	g_assert_cmpint(r->result, ==, PC_AUTH_POLICY);
	g_assert_false(r->whole_body);
	g_assert_cmpstr(r->why, ==, "l= leaves part of the body unsigned");
	g_assert_false(pc_auth_dkim_aligned(auth, "sign.test", FALSE));
	/* without the appended text it is a plain pass */
	signed_only = test_dkim_text(test_edit(test_file("dkim-length.eml"),
					       "Appended by a list: unsubscribe at "
					       "list.example.test\n", ""));
	r = test_one(signed_only);
	g_assert_cmpint(r->result, ==, PC_AUTH_PASS);
	g_assert_true(r->whole_body);
	g_assert_true(pc_auth_dkim_aligned(signed_only, "sign.test", FALSE));
	/* a body shorter than l= fails */
	test_dkim_expect(test_edit(test_file("dkim-length.eml"),
				   "Alice\n\n\nAppended by a list: unsubscribe at list.example.test\n",
				   "Alic\n"),
			 PC_AUTH_FAIL, "l= is longer than the body");
}

static void
test_dkim_many(void)
{
	g_autoptr(PcAuth) auth = test_dkim_text(test_file("dkim-many.eml"));

	/* ten signatures, each verifiable: only the first ones cost a lookup */
	g_assert_cmpuint(auth->dkim->len, ==, PC_DKIM_MAX_SIGNATURES);
	g_assert_cmpuint(test_dns.lookups, ==, PC_DKIM_MAX_SIGNATURES);
	for (guint i = 0; i < auth->dkim->len; i++)
		g_assert_cmpint(((PcDkimResult *)auth->dkim->pdata[i])->result, ==, PC_AUTH_PASS);
}

static void
test_dkim_none(void)
{
	g_autoptr(PcAuth) auth = test_dkim_text(g_strdup("From: a@b.test\n\nbody\n"));
	g_autofree char *text = NULL;

	g_assert_nonnull(auth->dkim);
	g_assert_cmpuint(auth->dkim->len, ==, 0);
	g_assert_cmpuint(test_dns.lookups, ==, 0);
	text = pc_auth_describe(auth);
	g_assert_cmpstr(text, ==, "spf:none dkim:none dmarc:none");
}

static PcAuth *
test_arc_text(char *text)
{
	g_autoptr(TestMsg) t = test_msg_text(text);
	PcAuth *auth = pc_auth_new();

	test_reset();
	pc_arc_verify(&t->m, auth);
	return auth;
}

static void
test_arc_expect(char *text, PcAuthResult result, const char *why)
{
	g_autoptr(PcAuth) auth = test_arc_text(text);

	g_assert_cmpstr(pc_auth_result_name(auth->arc), ==, pc_auth_result_name(result));
	g_assert_cmpstr(auth->arc_why, ==, why);
	g_assert_null(auth->arc_sealer);
}

#define AS2 "ARC-Seal: i=2; cv=pass"
#define AAR1 "ARC-Authentication-Results: i=1; fwd.test; dkim=pass header.d=sign.test\n"

static void
test_arc_chain(void)
{
	g_autoptr(PcAuth) auth = test_arc_text(test_file("arc-chain.eml"));
	g_autoptr(PcAuth) none = NULL;
	g_autofree char *text = NULL;

	g_assert_cmpint(auth->arc, ==, PC_AUTH_PASS);
	g_assert_cmpuint(auth->arc_instances, ==, 2);
	g_assert_cmpstr(auth->arc_sealer, ==, "list.test");
	g_assert_null(auth->arc_why);
	/* one AMS and two seals: three keys */
	g_assert_cmpuint(test_dns.lookups, ==, 3);
	text = pc_auth_describe(auth);
	g_assert_cmpstr(text, ==, "spf:none dkim:none dmarc:none arc:pass");
	none = test_arc_text(test_file("dkim-rsa.eml"));
	g_assert_cmpint(none->arc, ==, PC_AUTH_NONE);
	g_assert_cmpuint(none->arc_instances, ==, 0);
	g_assert_null(none->arc_why);
}

static void
test_arc_broken(void)
{
	char *text = test_file("arc-chain.eml");
	g_autofree char *seal2 = NULL, *twice = NULL;
	const char *start = strstr(text, AS2);
	const char *end = strstr(text, "ARC-Message-Signature: i=2");

	/* a set without its ARC-Authentication-Results */
	test_arc_expect(test_edit(test_file("arc-chain.eml"), AAR1, ""), PC_AUTH_FAIL,
			"the chain has a gap");
	/* set 1 renumbered 3: sets 1 and 3, no 2 */
	test_arc_expect(test_edit(test_edit(test_edit(test_file("arc-chain.eml"),
						      "ARC-Seal: i=1", "ARC-Seal: i=3"),
					    "ARC-Message-Signature: i=1",
					    "ARC-Message-Signature: i=3"),
				  "ARC-Authentication-Results: i=1",
				  "ARC-Authentication-Results: i=3"),
			PC_AUTH_FAIL, "the chain has a gap");
	/* two seals with i=2 */
	g_assert_true(start != NULL && end != NULL && start < end);
	seal2 = g_strndup(start, (gsize)(end - start));
	twice = g_strconcat(seal2, seal2, NULL);
	test_arc_expect(test_edit(text, seal2, twice), PC_AUTH_FAIL,
			"two ARC fields of one kind share an instance");
	test_arc_expect(test_edit(test_file("arc-chain.eml"), AS2, "ARC-Seal: i=0; cv=pass"),
			PC_AUTH_FAIL, "malformed or out-of-range i=");
	test_arc_expect(test_edit(test_file("arc-chain.eml"), AS2, "ARC-Seal: i=51; cv=pass"),
			PC_AUTH_FAIL, "malformed or out-of-range i=");
	test_arc_expect(test_edit(test_file("arc-chain.eml"), AS2, "ARC-Seal: i=x; cv=pass"),
			PC_AUTH_FAIL, "malformed or out-of-range i=");
	test_arc_expect(test_edit(test_file("arc-chain.eml"), AS2, "ARC-Seal: i=2; cv=fail"),
			PC_AUTH_FAIL, "the newest seal says cv=fail");
	/* cv= must be none on the first seal and pass on the others */
	test_arc_expect(test_edit(test_file("arc-chain.eml"), AS2, "ARC-Seal: i=2; cv=none"),
			PC_AUTH_FAIL, "ARC-Seal has the wrong cv=");
	/* the older seal's cv= changed: the newest seal, over it, fails */
	test_arc_expect(test_edit(test_file("arc-chain.eml"), "i=1; cv=none", "i=1; cv=pass"),
			PC_AUTH_FAIL, "signature did not verify");
	/* the newest seal's b= changed */
	test_arc_expect(test_edit(test_file("arc-chain.eml"), "d=list.test; s=arc; t=1796299200;\n b=",
				  "d=list.test; s=arc; t=1796299200;\n b=AAAA"),
			PC_AUTH_FAIL, "signature did not verify");
	/* the body changed after the last hop: the newest AMS fails */
	test_arc_expect(test_edit(test_file("arc-chain.eml"), "A message", "A massage"),
			PC_AUTH_FAIL, "body hash did not verify");
}

static void
test_arc_dns(void)
{
	static const AuthRr table[] = {
		{ "arc._domainkey.fwd.test", PC_DNS_ERROR, { NULL } },
		{ NULL, 0, { NULL } },
	};

	/* an unreachable key is temperror; a missing one fails the chain */
	test_dns.table = table;
	test_arc_expect(test_file("arc-chain.eml"), PC_AUTH_TEMPERROR, "key lookup failed");
	test_dns.table = test_table;
	test_arc_expect(test_edit(test_file("arc-chain.eml"), "d=list.test;\n s=arc; t=",
				  "d=list.test;\n s=gone; t="),
			PC_AUTH_FAIL, "no key in DNS");
}

static void
test_dkim_result_free(gpointer data)
{
	PcDkimResult *r = data;

	g_free(r->domain);
	g_free(r->why);
	g_free(r);
}

/* DMARC for a From field, with SPF and one DKIM result preset. */
static PcAuth *
test_dmarc(const char *from, const char *spf_domain, const char *dkim_domain, gboolean whole)
{
	g_autoptr(TestMsg) t = test_msg_text(g_strdup_printf("%s\nTo: b@x.test\n\nbody\n", from));
	PcAuth *auth = pc_auth_new();

	auth->spf = spf_domain ? PC_AUTH_PASS : PC_AUTH_FAIL;
	auth->spf_domain = g_strdup(spf_domain);
	auth->dkim = g_ptr_array_new_with_free_func(test_dkim_result_free);
	if (dkim_domain != NULL) {
		PcDkimResult *r = g_new0(PcDkimResult, 1);

		r->result = PC_AUTH_PASS;
		r->domain = g_strdup(dkim_domain);
		r->whole_body = whole;
		g_ptr_array_add(auth->dkim, r);
	}
	test_reset();
	pc_dmarc_evaluate(&t->m, auth);
	return auth;
}

static void
test_dmarc_expect(const char *from, const char *spf_domain, const char *dkim_domain,
		  PcAuthResult result, const char *policy, const char *disposition)
{
	g_autoptr(PcAuth) auth = test_dmarc(from, spf_domain, dkim_domain, TRUE);

	g_test_message("%s spf=%s dkim=%s", from, spf_domain, dkim_domain);
	g_assert_cmpstr(pc_auth_result_name(auth->dmarc), ==, pc_auth_result_name(result));
	g_assert_cmpstr(auth->dmarc_policy, ==, policy);
	g_assert_cmpstr(auth->dmarc_disposition, ==, disposition);
	g_assert_true((auth->dmarc_why == NULL) == (result == PC_AUTH_PASS));
}

static void
test_dmarc_records(void)
{
	g_autoptr(PcAuth) auth = NULL;

	/* the record at the From domain (another TXT record beside it is ignored) */
	test_dmarc_expect("From: A <a@Reject.Test>", "reject.test", NULL, PC_AUTH_PASS, "reject",
			  NULL);
	test_dmarc_expect("From: a@reject.test", NULL, "reject.test", PC_AUTH_PASS, "reject", NULL);
	test_dmarc_expect("From: a@reject.test", "evil.test", "evil.test", PC_AUTH_FAIL, "reject",
			  "reject");
	auth = test_dmarc("From: a@reject.test", NULL, NULL, TRUE);
	g_assert_cmpstr(auth->from_address, ==, "a@reject.test");
	g_assert_cmpstr(auth->from_domain, ==, "reject.test");
	g_assert_cmpuint(test_dns.lookups, ==, 1);
	g_assert_cmpstr(test_dns.asked->pdata[0], ==, "_dmarc.reject.test");
	g_clear_pointer(&auth, pc_auth_free);
	/* none at the subdomain: the organizational domain's, with its sp= */
	test_dmarc_expect("From: a@deep.sub.org.test", NULL, NULL, PC_AUTH_FAIL, "reject",
			  "reject");
	test_dmarc_expect("From: a@org.test", NULL, NULL, PC_AUTH_FAIL, "none", "none");
	auth = test_dmarc("From: a@sub.org.test", NULL, NULL, TRUE);
	g_assert_cmpuint(test_dns.lookups, ==, 2);
	g_assert_cmpstr(test_dns.asked->pdata[0], ==, "_dmarc.sub.org.test");
	g_assert_cmpstr(test_dns.asked->pdata[1], ==, "_dmarc.org.test");
	/* no record anywhere */
	test_dmarc_expect("From: a@nowhere.test", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	/* two records: as if none (RFC 7489 6.6.3), also at a subdomain whose
	 * organizational domain has one: the discovery ends there (step 5) */
	test_dmarc_expect("From: a@two.test", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	test_dmarc_expect("From: a@sub.two-org.test", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	test_dmarc_expect("From: a@sub.bad-org.test", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	g_assert_cmpuint(test_dns.lookups, ==, 1);
	/* no valid p= */
	test_dmarc_expect("From: a@nop.test", "nop.test", NULL, PC_AUTH_PERMERROR, NULL, NULL);
	/* the lookup failed */
	test_dmarc_expect("From: a@err.test", "err.test", "err.test", PC_AUTH_TEMPERROR, NULL, NULL);
	test_dmarc_expect("From: a@sub.err.test", NULL, NULL, PC_AUTH_TEMPERROR, NULL, NULL);
}

static void
test_dmarc_alignment(void)
{
	g_autoptr(PcAuth) partial = NULL;

	/* relaxed: the same organizational domain is enough */
	test_dmarc_expect("From: a@reject.test", "mail.reject.test", NULL, PC_AUTH_PASS, "reject",
			  NULL);
	test_dmarc_expect("From: a@reject.test", NULL, "mail.reject.test", PC_AUTH_PASS, "reject",
			  NULL);
	test_dmarc_expect("From: a@sub.org.test", "org.test", NULL, PC_AUTH_PASS, "reject", NULL);
	test_dmarc_expect("From: a@reject.test", "reject.test.evil.test", "xreject.test",
			  PC_AUTH_FAIL, "reject", "reject");
	/* strict: only the From domain itself */
	test_dmarc_expect("From: a@strict.test", "mail.strict.test", "mail.strict.test",
			  PC_AUTH_FAIL, "reject", "reject");
	test_dmarc_expect("From: a@strict.test", "strict.test", NULL, PC_AUTH_PASS, "reject", NULL);
	test_dmarc_expect("From: a@strict.test", NULL, "STRICT.test", PC_AUTH_PASS, "reject", NULL);
	/* a DKIM pass that left part of the body unsigned counts for nothing */
	partial = test_dmarc("From: a@reject.test", NULL, "reject.test", FALSE);
	g_assert_cmpint(partial->dmarc, ==, PC_AUTH_FAIL);
	g_assert_false(partial->from_authenticated);
}

static void
test_dmarc_from(void)
{
	/* pct=0: no failing message is sampled, so reject becomes quarantine */
	test_dmarc_expect("From: a@pct.test", NULL, NULL, PC_AUTH_FAIL, "reject", "quarantine");
	/* not one From domain: no DMARC */
	test_dmarc_expect("From: a@reject.test\nFrom: b@reject.test", "reject.test", NULL,
			  PC_AUTH_NONE, NULL, NULL);
	test_dmarc_expect("From: a@reject.test, b@reject.test", NULL, NULL, PC_AUTH_NONE, NULL,
			  NULL);
	test_dmarc_expect("Sender: a@reject.test", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	test_dmarc_expect("From: group: a@reject.test;", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	test_dmarc_expect("From: a@", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	test_dmarc_expect("From: nobody", NULL, NULL, PC_AUTH_NONE, NULL, NULL);
	g_assert_cmpuint(test_dns.lookups, ==, 0);
}

/* DKIM then DMARC on a committed message, as the check runs them. */
static void
test_dmarc_signed(void)
{
	g_autoptr(TestMsg) t = test_msg_text(test_file("dkim-rsa.eml"));
	g_autoptr(PcAuth) auth = pc_auth_new();
	g_autofree char *text = NULL;

	test_reset();
	auth->spf = PC_AUTH_FAIL;
	pc_dkim_verify(&t->m, auth);
	pc_dmarc_evaluate(&t->m, auth);
	g_assert_cmpint(auth->dmarc, ==, PC_AUTH_PASS);
	g_assert_true(auth->from_authenticated);
	text = pc_auth_describe(auth);
	g_assert_cmpstr(text, ==, "spf:fail dkim:pass(sign.test) dmarc:pass");
}

/* ------------------------------------------------------------ results.c */

/* Printable ASCII, line breaks only as "\n\t" after ';', no comment left
 * open or closed by anything but our own parentheses. */
static void
test_assert_header(const char *h)
{
	int depth = 0;

	for (const char *p = h; *p != '\0'; p++) {
		if (*p == '\n') {
			g_assert_cmpint(p[1], ==, '\t');
			g_assert_true(p > h && p[-1] == ';');
			g_assert_cmpint(depth, ==, 0);
			continue;
		}
		if (*p == '\t' && p > h && p[-1] == '\n')
			continue;
		g_assert_true(*p >= 0x20 && *p < 0x7f);
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		g_assert_cmpint(depth, >=, 0);
		g_assert_cmpint(depth, <=, 1);
	}
	g_assert_cmpint(depth, ==, 0);
}

static const char *const test_hostile[] = {
	"evil.test\r\nX-Injected: yes",
	"a;b=c (d) e\\f\"g",
	"bank.test) dkim=pass (x",
	"\xc3\xa9\xff\x01\x7f.test",
	"",
	NULL,	/* the 1000 bytes, filled in */
};

static void
test_results_hostile(void)
{
	g_autofree char *long_text = g_strnfill(1000, ';');
	const char *texts[G_N_ELEMENTS(test_hostile)];

	memcpy(texts, test_hostile, sizeof(texts));
	texts[G_N_ELEMENTS(texts) - 1] = long_text;
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		g_autoptr(PcAuth) auth = pc_auth_new();
		g_autofree char *header = NULL, *log = NULL, *domain = NULL;
		g_auto(GStrv) words = NULL;
		const char *s = texts[i];

		auth->spf = PC_AUTH_FAIL;
		auth->spf_domain = g_strdup(s);
		auth->spf_why = g_strdup(s);
		auth->helo = g_strdup(s);
		auth->spf_helo = PC_AUTH_SOFTFAIL;
		auth->dkim = g_ptr_array_new_with_free_func(test_dkim_result_free);
		for (guint n = 0; n < 2; n++) {
			PcDkimResult *r = g_new0(PcDkimResult, 1);

			r->result = n ? PC_AUTH_PASS : PC_AUTH_FAIL;
			r->domain = g_strdup(s);
			r->selector = (char *)s;	/* not freed by test_dkim_result_free */
			r->b = (char *)s;
			r->algorithm = (char *)s;
			r->why = g_strdup(s);
			g_ptr_array_add(auth->dkim, r);
		}
		auth->from_domain = g_strdup(s);
		auth->dmarc = PC_AUTH_FAIL;
		auth->dmarc_policy = g_strdup("reject");
		auth->dmarc_disposition = g_strdup("quarantine");
		auth->dmarc_why = g_strdup(s);
		auth->arc = PC_AUTH_FAIL;
		auth->arc_instances = 3;
		auth->arc_why = g_strdup(s);
		header = pc_auth_header(auth, s);
		g_test_message("%s", header);
		test_assert_header(header);
		/* every result on its own line, none added by the message */
		g_assert_cmpuint(g_strv_length(words = g_strsplit(header, "\n\t", -1)), ==, 7);
		g_clear_pointer(&words, g_strfreev);
		g_assert_cmpuint(strlen(header), <, 1200);
		log = pc_auth_describe(auth);
		for (const char *p = log; *p; p++)
			g_assert_true((*p > 0x20 && *p < 0x7f) || *p == ' ');
		/* "spf: dkim: dkim: dmarc: arc:": no space from the message */
		g_assert_cmpuint(g_strv_length(words = g_strsplit(log, " ", -1)), ==, 5);
		domain = pc_auth_domain_text(s);
		g_assert_cmpuint(strlen(domain), <=, 64);
		g_assert_cmpuint(strspn(domain, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"0123456789.-?"),
				 ==, strlen(domain));
	}
}

static void
test_results_text(void)
{
	g_autoptr(PcAuth) auth = pc_auth_new();
	g_autofree char *header = NULL, *log = NULL, *domain = NULL, *long_domain = NULL;
	g_autofree char *thousand = g_strnfill(1000, 'a');
	PcDkimResult *r = g_new0(PcDkimResult, 1);

	auth->spf = PC_AUTH_PASS;
	auth->spf_domain = g_strdup("sign.test");
	auth->dkim = g_ptr_array_new_with_free_func(test_dkim_result_free);
	r->result = PC_AUTH_PASS;
	r->domain = g_strdup("sign.test");
	g_ptr_array_add(auth->dkim, r);
	auth->from_domain = g_strdup("sign.test");
	auth->dmarc = PC_AUTH_PASS;
	auth->dmarc_policy = g_strdup("reject");
	header = pc_auth_header(auth, "mx.test");
	g_assert_cmpstr(header, ==,
			"mx.test;\n\tspf=pass smtp.mailfrom=sign.test;\n\tdkim=pass "
			"header.d=sign.test;\n\tdmarc=pass (p=reject) header.from=sign.test");
	log = pc_auth_describe(auth);
	g_assert_cmpstr(log, ==, "spf:pass dkim:pass(sign.test) dmarc:pass");
	domain = pc_auth_domain_text("a b\r\n.\xc3\xa9");
	g_assert_cmpstr(domain, ==, "a?b??.??");
	long_domain = pc_auth_domain_text(thousand);
	g_assert_cmpuint(strlen(long_domain), ==, 64);
	g_assert_cmpstr(pc_auth_result_name((PcAuthResult)99), ==, "none");
}

static void
test_header_id(void)
{
	static const struct {
		const char *value, *id;
	} cases[] = {
		{ "mx.test; spf=pass", "mx.test" },
		{ "(comment) mx.test 1; spf=pass", "mx.test" },
		{ " \r\n\t(a)(b) mx.test;", "mx.test" },
		{ "mx.test(comment); x", "mx.test" },
		{ "mx.test", "mx.test" },
		{ "(unclosed mx.test; spf=pass", NULL },
		{ "; spf=pass", NULL },
		{ "(only a comment)", NULL },
		{ "", NULL },
		{ " \t", NULL },
		/* RFC 5322 comments nest and hold quoted pairs, and the id may be
		 * a quoted-string (RFC 8601 2.2, RFC 2045's value): a reader that
		 * parses them (Python's authres, dkimpy's ARC sealer) must not
		 * find our id where we did not */
		{ "((x) y) mx.test; dkim=pass", "mx.test" },
		{ "(a\\)b) mx.test; dkim=pass", "mx.test" },
		{ "(a\\(b) mx.test;", "mx.test" },
		{ "(a) (b)\r\n\t(c (d)) mx.test 1; x", "mx.test" },
		{ "\"mx.test\"; dkim=pass", "mx.test" },
		{ "(c) \"mx\\\".test\" ;", "mx\".test" },
		{ "((unclosed) mx.test;", NULL },
		{ "\"unclosed", NULL },
		{ "\"\"; x", NULL },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *id = pc_auth_header_id(cases[i].value);

		g_assert_cmpstr(id, ==, cases[i].id);
	}
}

int
main(int argc, char **argv)
{
	g_autofree char *zone = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir")
									 : ".",
						 "tests/data/auth/keys.zone", NULL);
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_mime_init();
	test_dns.asked = g_ptr_array_new_with_free_func(g_free);
	if (!auth_dns_load(&test_dns, zone, NULL))
		g_error("cannot read %s", zone);
	g_test_add_func("/auth/fields/split", test_fields_split);
	g_test_add_func("/auth/fields/edges", test_fields_edges);
	g_test_add_func("/auth/tags", test_tags);
	g_test_add_func("/auth/strip-b", test_strip_b);
	g_test_add_func("/auth/canon/header", test_canon_header);
	g_test_add_func("/auth/canon/body", test_canon_body);
	g_test_add_func("/auth/canon/body-limit", test_canon_body_limit);
	g_test_add_func("/auth/dkim/pass", test_dkim_pass);
	g_test_add_func("/auth/dkim/crlf", test_dkim_crlf);
	g_test_add_func("/auth/dkim/altered", test_dkim_altered);
	g_test_add_func("/auth/dkim/keys", test_dkim_keys);
	g_test_add_func("/auth/dkim/tags", test_dkim_tags);
	g_test_add_func("/auth/dkim/length", test_dkim_length);
	g_test_add_func("/auth/dkim/many", test_dkim_many);
	g_test_add_func("/auth/dkim/none", test_dkim_none);
	g_test_add_func("/auth/arc/chain", test_arc_chain);
	g_test_add_func("/auth/arc/broken", test_arc_broken);
	g_test_add_func("/auth/arc/dns", test_arc_dns);
	g_test_add_func("/auth/dmarc/records", test_dmarc_records);
	g_test_add_func("/auth/dmarc/alignment", test_dmarc_alignment);
	g_test_add_func("/auth/dmarc/from", test_dmarc_from);
	g_test_add_func("/auth/dmarc/signed", test_dmarc_signed);
	g_test_add_func("/auth/results/text", test_results_text);
	g_test_add_func("/auth/results/hostile", test_results_hostile);
	g_test_add_func("/auth/results/header-id", test_header_id);
	rc = g_test_run();
	g_ptr_array_unref(test_dns.asked);
	g_hash_table_unref(test_dns.zone);
	return rc;
}
