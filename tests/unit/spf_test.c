/*
 * Unit tests for the SPF evaluator (engine/auth/spf.c), on a fixed DNS
 * table that counts and records the questions: every mechanism and
 * qualifier, record selection, include and redirect, the processing
 * limits, macros (RFC 7208 7.4 and the openspf suite's cases), DNS
 * errors at any depth, the HELO identity, the null sender, syntax
 * errors, loops, and hostile input.
 */
#include "config.h"

#include <string.h>

#include "auth/spf.h"

typedef struct {
	const char *name;
	PcDnsType type;
	PcDnsStatus status;
	const char *rr[16];
} TestRr;

#define TXT(n, ...) { n, PC_DNS_TXT, PC_DNS_ANSWER, { __VA_ARGS__ } }
#define A(n, ...) { n, PC_DNS_A, PC_DNS_ANSWER, { __VA_ARGS__ } }
#define AAAA(n, ...) { n, PC_DNS_AAAA, PC_DNS_ANSWER, { __VA_ARGS__ } }
#define MX(n, ...) { n, PC_DNS_MX, PC_DNS_ANSWER, { __VA_ARGS__ } }
#define PTR(n, ...) { n, PC_DNS_PTR, PC_DNS_ANSWER, { __VA_ARGS__ } }
#define FAILS(n, t) { n, t, PC_DNS_ERROR, { NULL } }

#define INC "include:inc.test "
#define V6_PTR "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"

static const TestRr test_zone[] = {
	/* mechanisms */
	TXT("ip4.test", "v=spf1 ip4:192.0.2.0/24 -all"),
	TXT("ip6.test", "v=spf1 ip6:2001:db8::/32 ~all"),
	TXT("ip4-v6bytes.test", "v=spf1 ip4:32.1.13.184/16 -all"),
	TXT("a.test", "v=spf1 a -all"),
	A("a.test", "192.0.2.10"),
	AAAA("a.test", "2001:db8::10"),
	TXT("a-cidr.test", "v=spf1 a:host.a.test/24//64 -all"),
	A("host.a.test", "198.51.100.1"),
	AAAA("host.a.test", "2001:db8:1:2::1"),
	TXT("mx.test", "v=spf1 mx -all"),
	MX("mx.test", "mx1.mx.test", "mx2.mx.test."),
	A("mx1.mx.test", "203.0.113.1"),
	A("mx2.mx.test", "203.0.113.2"),
	AAAA("mx2.mx.test", "2001:db8:2::2"),
	TXT("mx-cidr.test", "v=spf1 mx:mx.test/30 -all"),
	TXT("mx-null.test", "v=spf1 mx"),
	MX("mx-null.test", "."),
	TXT("mx-none.test", "v=spf1 mx"),
	A("mx-none.test", "192.0.2.1"),
	TXT("mx-many.test", "v=spf1 mx"),
	MX("mx-many.test", "m.test", "m.test", "m.test", "m.test", "m.test", "m.test", "m.test",
	   "m.test", "m.test", "m.test", "mx1.mx.test"),
	A("m.test", "198.51.100.77"),
	TXT("mx-ten.test", "v=spf1 mx"),
	MX("mx-ten.test", "m.test", "m.test", "m.test", "m.test", "m.test", "m.test", "m.test",
	   "m.test", "m.test", "mx1.mx.test"),
	TXT("ptr.test", "v=spf1 ptr -all"),
	TXT("ptr-other.test", "v=spf1 ptr:other.test -all"),
	PTR("3.2.0.192.in-addr.arpa", "other.example", "mail.PTR.test."),
	A("mail.ptr.test", "192.0.2.3"),
	PTR("4.2.0.192.in-addr.arpa", "fake.ptr.test"),
	A("fake.ptr.test", "192.0.2.99"),
	PTR(V6_PTR ".ip6.arpa", "v6.ptr.test"),
	AAAA("v6.ptr.test", "2001:db8::cb01"),
	PTR("5.2.0.192.in-addr.arpa", "p1.test", "p2.test", "p3.test", "p4.test", "p5.test",
	    "p6.test", "p7.test", "p8.test", "p9.test", "p10.test", "ok.ptr.test"),
	A("ok.ptr.test", "192.0.2.5"),
	FAILS("6.2.0.192.in-addr.arpa", PC_DNS_PTR),
	PTR("7.2.0.192.in-addr.arpa", "bad.ptr.test", "good.ptr.test"),
	FAILS("bad.ptr.test", PC_DNS_A),
	A("good.ptr.test", "192.0.2.7"),
	TXT("exists.test", "v=spf1 exists:%{ir}.list.exists.test -all"),
	A("3.2.0.192.list.exists.test", "127.0.0.2"),
	TXT("q.test", "v=spf1 +ip4:192.0.2.1 -ip4:192.0.2.2 ~ip4:192.0.2.3 ?ip4:192.0.2.4 "
		      "ip4:192.0.2.6"),
	/* record selection */
	TXT("multi.test", "v=spf1 -all", "V=sPf1 +all"),
	TXT("other-txt.test", "v=spf10 +all", "\x96 not ascii", "v=spf1 ~all", "google-site=x"),
	TXT("spf10.test", "v=spf10 +all"),
	TXT("empty.test", "v=spf1"),
	TXT("case.test", "V=SpF1 ~all"),
	A("norecord.test", "192.0.2.1"),
	FAILS("timeout.test", PC_DNS_TXT),
	/* include and redirect */
	TXT("inc-pass.test", "v=spf1 ip4:192.0.2.1 ?all"),
	TXT("inc-fail.test", "v=spf1 -all"),
	TXT("inc-soft.test", "v=spf1 ~all"),
	TXT("inc-neutral.test", "v=spf1 ?all"),
	TXT("inc-perm.test", "v=spf1 bogus"),
	TXT("i-pass.test", "v=spf1 include:inc-pass.test -all"),
	TXT("i-fail.test", "v=spf1 include:inc-fail.test ~all"),
	TXT("i-soft.test", "v=spf1 include:inc-soft.test ~all"),
	TXT("i-neutral.test", "v=spf1 include:inc-neutral.test ~all"),
	TXT("i-temp.test", "v=spf1 include:timeout.test +all"),
	TXT("i-perm.test", "v=spf1 include:inc-perm.test +all"),
	TXT("i-none.test", "v=spf1 include:norecord.test +all"),
	TXT("i-nx.test", "v=spf1 include:nowhere.test +all"),
	TXT("r-plain.test", "v=spf1 redirect=inc-pass.test"),
	TXT("r-after.test", "v=spf1 redirect=inc-fail.test ip4:192.0.2.1"),
	TXT("r-none.test", "v=spf1 redirect=norecord.test"),
	TXT("r-implicit.test", "v=spf1 redirect=r-target.test"),
	A("r-implicit.test", "192.0.2.1"),
	TXT("r-target.test", "v=spf1 a -all"),
	A("r-target.test", "192.0.2.2"),
	TXT("r-loop.test", "v=spf1 ip4:10.0.0.1 redirect=r-loop.test"),
	TXT("i-loop1.test", "v=spf1 include:i-loop2.test"),
	TXT("i-loop2.test", "v=spf1 include:i-loop1.test"),
	/* limits */
	TXT("inc.test", "v=spf1 ip4:10.0.0.1"),
	A("inc.test", "10.0.0.1"),
	TXT("inc10.test", "v=spf1 " INC INC INC INC INC INC INC INC INC INC "ip4:192.0.2.1 -all"),
	TXT("inc11.test", "v=spf1 " INC INC INC INC INC INC INC INC INC INC INC "ip4:192.0.2.1"),
	TXT("inc11-late.test", "v=spf1 ip4:192.0.2.1 " INC INC INC INC INC INC INC INC INC INC INC),
	TXT("dup.test", "v=spf1 include:inc.test include:inc.test a:inc.test a:inc.test -all"),
	TXT("void2.test", "v=spf1 a:nx1.test a:nodata.test ?all"),
	TXT("void3.test", "v=spf1 a:nx1.test a:nodata.test exists:nx2.test ?all"),
	TXT("nodata.test", "v=spf1 -all"),
	/* DNS errors */
	TXT("t1.test", "v=spf1 include:timeout.test -all"),
	TXT("t2.test", "v=spf1 ip4:10.9.9.9 include:t2b.test -all"),
	TXT("t2b.test", "v=spf1 ip4:10.9.9.8 a:err.test ~all"),
	FAILS("err.test", PC_DNS_A),
	FAILS("err.test", PC_DNS_AAAA),
	FAILS("err.test", PC_DNS_MX),
	TXT("t3.test", "v=spf1 redirect=t2.test"),
	TXT("t-mx.test", "v=spf1 mx:err.test -all"),
	TXT("t-mxhost.test", "v=spf1 mx:mxerr.test -all"),
	MX("mxerr.test", "err.test"),
	TXT("t-exists.test", "v=spf1 exists:err.test -all"),
	TXT("t-ptr.test", "v=spf1 ptr -all"),
	/* identities */
	TXT("mail.helo.test", "v=spf1 a -all"),
	A("mail.helo.test", "192.0.2.20"),
	TXT("who.test", "v=spf1 exists:%{l}.%{o}.%{s}.who -all"),
	A("postmaster.who.test.postmaster@who.test.who", "127.0.0.2"),
	TXT("a12345678901234567890123456789012345678901234567890123456789012.test", "v=spf1 -all"),
	/* the openspf suite's require-valid-helo */
	TXT("e10.test", "v=spf1 -include:_spfh.%{d2} ip4:1.2.3.0/24 -all"),
	TXT("_spfh.e10.test", "v=spf1 -a:%{h} +all"),
	A("mail.e10.test", "1.2.3.4"),
	{ NULL, 0, 0, { NULL } },
};

typedef struct {
	const char *dyn_name;	/* answers dyn_record as its TXT */
	const char *dyn_record;
	guint lookups;
	GPtrArray *asked;	/* "A name" */
} TestDns;

static TestDns test_dns;
static const char *test_record_helo = "mail.helo.test";

static const char *
test_type(PcDnsType type)
{
	static const char *const names[] = { "A", "AAAA", "TXT", "MX", "PTR" };

	return names[type];
}

static PcDnsStatus
test_lookup(gpointer data, PcDnsType type, const char *name, GPtrArray *records)
{
	TestDns *dns = data;
	gboolean exists = FALSE;

	dns->lookups++;
	g_ptr_array_add(dns->asked, g_strdup_printf("%s %s", test_type(type), name));
	if (dns->dyn_name && g_ascii_strcasecmp(name, dns->dyn_name) == 0) {
		if (type == PC_DNS_TXT) {
			g_ptr_array_add(records, g_strdup(dns->dyn_record));
			return PC_DNS_ANSWER;
		}
		exists = TRUE;
	}
	for (const TestRr *rr = test_zone; rr->name; rr++) {
		if (g_ascii_strcasecmp(rr->name, name) != 0)
			continue;
		exists = TRUE;
		if (rr->type != type)
			continue;
		for (guint i = 0; rr->status == PC_DNS_ANSWER && rr->rr[i]; i++)
			g_ptr_array_add(records, g_strdup(rr->rr[i]));
		return rr->status;
	}
	return exists ? PC_DNS_ANSWER : PC_DNS_NXDOMAIN;
}

static void
test_reset(void)
{
	if (test_dns.asked)
		g_ptr_array_unref(test_dns.asked);
	memset(&test_dns, 0, sizeof(test_dns));
	test_dns.asked = g_ptr_array_new_with_free_func(g_free);
}

static PcSpfResult
test_mailfrom(const char *ip, const char *sender, const char *helo, char **why)
{
	PcSpfRequest req = { .ip = ip, .sender = sender, .helo = helo, .receiver = "mx.our.test",
			     .lookup = test_lookup, .data = &test_dns };
	g_autofree char *domain = NULL;

	test_reset();
	return pc_spf_check_mailfrom(&req, &domain, why);
}

/* The result for sender@domain when domain's record is record. */
static PcSpfResult
test_record(const char *record, const char *ip, const char *sender, char **why)
{
	PcSpfRequest req = { .ip = ip, .sender = sender, .helo = test_record_helo,
			     .lookup = test_lookup, .data = &test_dns };
	g_autofree char *domain = NULL;

	test_reset();
	test_dns.dyn_name = strrchr(sender, '@') + 1;
	test_dns.dyn_record = record;
	return pc_spf_check_mailfrom(&req, &domain, why);
}

static gboolean
test_asked(const char *question)
{
	for (guint i = 0; i < test_dns.asked->len; i++)
		if (strcmp(g_ptr_array_index(test_dns.asked, i), question) == 0)
			return TRUE;
	return FALSE;
}

typedef struct {
	const char *ip;
	const char *sender;
	PcSpfResult expect;
} TestCase;

static void
test_cases(const TestCase *cases, gsize n)
{
	for (gsize i = 0; i < n; i++) {
		g_autofree char *why = NULL;
		PcSpfResult r = test_mailfrom(cases[i].ip, cases[i].sender, "mail.helo.test", &why);

		if (r != cases[i].expect)
			g_error("%s from %s: %s (%s), expected %s", cases[i].sender, cases[i].ip,
				pc_spf_result_name(r), why, pc_spf_result_name(cases[i].expect));
		g_assert_nonnull(why);
	}
}

/* Each mechanism, for IPv4 and IPv6 clients; ip4 never matches an IPv6
 * client, ip6 never an IPv4 one, even v4-mapped. */
static void
test_mechanisms(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.77", "a@ip4.test", PC_SPF_PASS },
		{ "192.0.3.1", "a@ip4.test", PC_SPF_FAIL },
		{ "::ffff:192.0.2.77", "a@ip4.test", PC_SPF_PASS },
		{ "2001:db8::1", "a@ip4.test", PC_SPF_FAIL },
		/* 2001:db8:: begins with the bytes of 32.1.13.184 */
		{ "2001:db8::1", "a@ip4-v6bytes.test", PC_SPF_FAIL },
		{ "2001:db8:ffff::1", "a@ip6.test", PC_SPF_PASS },
		{ "2001:db9::1", "a@ip6.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.1", "a@ip6.test", PC_SPF_SOFTFAIL },
		{ "::ffff:192.0.2.1", "a@ip6.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.10", "a@a.test", PC_SPF_PASS },
		{ "192.0.2.11", "a@a.test", PC_SPF_FAIL },
		{ "2001:db8::10", "a@a.test", PC_SPF_PASS },
		{ "2001:db8::11", "a@a.test", PC_SPF_FAIL },
		{ "198.51.100.200", "a@a-cidr.test", PC_SPF_PASS },
		{ "198.51.101.1", "a@a-cidr.test", PC_SPF_FAIL },
		{ "2001:db8:1:2:ffff::1", "a@a-cidr.test", PC_SPF_PASS },
		{ "2001:db8:1:3::1", "a@a-cidr.test", PC_SPF_FAIL },
		{ "203.0.113.2", "a@mx.test", PC_SPF_PASS },
		{ "203.0.113.3", "a@mx.test", PC_SPF_FAIL },
		{ "2001:db8:2::2", "a@mx.test", PC_SPF_PASS },
		{ "203.0.113.3", "a@mx-cidr.test", PC_SPF_PASS },
		{ "203.0.113.4", "a@mx-cidr.test", PC_SPF_FAIL },
		{ "192.0.2.1", "a@mx-null.test", PC_SPF_NEUTRAL },
		/* no MX: the domain is not its own MX (5.4) */
		{ "192.0.2.1", "a@mx-none.test", PC_SPF_NEUTRAL },
		{ "192.0.2.3", "a@ptr.test", PC_SPF_PASS },
		{ "192.0.2.3", "a@ptr-other.test", PC_SPF_FAIL },
		{ "192.0.2.4", "a@ptr.test", PC_SPF_FAIL },
		{ "2001:db8::cb01", "a@ptr.test", PC_SPF_PASS },
		/* a name that cannot be validated is skipped, not an error */
		{ "192.0.2.7", "a@ptr.test", PC_SPF_PASS },
		{ "192.0.2.3", "a@exists.test", PC_SPF_PASS },
		{ "192.0.2.4", "a@exists.test", PC_SPF_FAIL },
		{ "192.0.2.1", "a@q.test", PC_SPF_PASS },
		{ "192.0.2.2", "a@q.test", PC_SPF_FAIL },
		{ "192.0.2.3", "a@q.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.4", "a@q.test", PC_SPF_NEUTRAL },
		{ "192.0.2.6", "a@q.test", PC_SPF_PASS },
		{ "192.0.2.7", "a@q.test", PC_SPF_NEUTRAL },
	};
	g_autofree char *why = NULL;

	test_cases(cases, G_N_ELEMENTS(cases));
	g_assert_cmpint(test_mailfrom("192.0.2.77", "a@ip4.test", NULL, &why), ==, PC_SPF_PASS);
	g_assert_cmpstr(why, ==, "ip4:192.0.2.0/24 matched");
	g_clear_pointer(&why, g_free);
	g_assert_cmpint(test_mailfrom("192.0.3.1", "a@ip4.test", NULL, &why), ==, PC_SPF_FAIL);
	g_assert_cmpstr(why, ==, "all matched");
	g_clear_pointer(&why, g_free);
	g_assert_cmpint(test_mailfrom("192.0.2.7", "a@q.test", NULL, &why), ==, PC_SPF_NEUTRAL);
	g_assert_cmpstr(why, ==, "no mechanism matched");
}

static void
test_selection(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.1", "a@multi.test", PC_SPF_PERMERROR },
		{ "192.0.2.1", "a@other-txt.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.1", "a@spf10.test", PC_SPF_NONE },
		{ "192.0.2.1", "a@empty.test", PC_SPF_NEUTRAL },
		{ "192.0.2.1", "a@case.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.1", "a@norecord.test", PC_SPF_NONE },
		{ "192.0.2.1", "a@nowhere.test", PC_SPF_NONE },
		{ "192.0.2.1", "a@timeout.test", PC_SPF_TEMPERROR },
	};
	g_autofree char *why = NULL;

	test_cases(cases, G_N_ELEMENTS(cases));
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@norecord.test", NULL, &why), ==, PC_SPF_NONE);
	g_assert_cmpstr(why, ==, "no SPF record");
	g_clear_pointer(&why, g_free);
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@timeout.test", NULL, &why), ==,
			PC_SPF_TEMPERROR);
	g_assert_cmpstr(why, ==, "DNS error for timeout.test TXT");
}

/* The include table of 5.2, and redirect= (6.1). */
static void
test_include_redirect(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.1", "a@i-pass.test", PC_SPF_PASS },
		{ "192.0.2.2", "a@i-pass.test", PC_SPF_FAIL },
		{ "192.0.2.1", "a@i-fail.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.1", "a@i-soft.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.1", "a@i-neutral.test", PC_SPF_SOFTFAIL },
		{ "192.0.2.1", "a@i-temp.test", PC_SPF_TEMPERROR },
		{ "192.0.2.1", "a@i-perm.test", PC_SPF_PERMERROR },
		{ "192.0.2.1", "a@i-none.test", PC_SPF_PERMERROR },
		{ "192.0.2.1", "a@i-nx.test", PC_SPF_PERMERROR },
		{ "192.0.2.1", "a@r-plain.test", PC_SPF_PASS },
		{ "192.0.2.2", "a@r-plain.test", PC_SPF_NEUTRAL },
		{ "192.0.2.1", "a@r-after.test", PC_SPF_PASS },
		{ "192.0.2.2", "a@r-after.test", PC_SPF_FAIL },
		{ "192.0.2.1", "a@r-none.test", PC_SPF_PERMERROR },
		/* the redirected record's "a" is the target's, not ours */
		{ "192.0.2.2", "a@r-implicit.test", PC_SPF_PASS },
		{ "192.0.2.1", "a@r-implicit.test", PC_SPF_FAIL },
	};
	g_autofree char *why = NULL;

	test_cases(cases, G_N_ELEMENTS(cases));
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@i-none.test", NULL, &why), ==,
			PC_SPF_PERMERROR);
	g_assert_cmpstr(why, ==, "include of norecord.test, which has no SPF record");
	g_clear_pointer(&why, g_free);
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@i-pass.test", NULL, &why), ==, PC_SPF_PASS);
	g_assert_cmpstr(why, ==, "include:inc-pass.test matched");
}

/* 10 DNS-querying terms are fine, the 11th is a permerror wherever it
 * is; more than 10 MX names is a permerror, PTR names past 10 are
 * ignored. */
static void
test_lookup_limit(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.1", "a@inc10.test", PC_SPF_PASS },
		{ "192.0.2.2", "a@inc10.test", PC_SPF_FAIL },
		{ "192.0.2.1", "a@inc11.test", PC_SPF_PERMERROR },
		/* limits count only what is evaluated */
		{ "192.0.2.1", "a@inc11-late.test", PC_SPF_PASS },
		{ "192.0.2.2", "a@inc11-late.test", PC_SPF_PERMERROR },
		{ "203.0.113.1", "a@mx-many.test", PC_SPF_PERMERROR },
		{ "203.0.113.1", "a@mx-ten.test", PC_SPF_PASS },
		/* MX hosts without an address of the client's family are no
		 * void lookups */
		{ "2001:db8::99", "a@mx-ten.test", PC_SPF_NEUTRAL },
	};
	g_autofree char *why = NULL;

	test_cases(cases, G_N_ELEMENTS(cases));
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@inc11.test", NULL, &why), ==,
			PC_SPF_PERMERROR);
	g_assert_cmpstr(why, ==, "more than 10 DNS lookups");
	g_assert_cmpint(test_record("v=spf1 ptr ?all", "192.0.2.5", "a@ptr.test", NULL), ==,
			PC_SPF_NEUTRAL);
	g_assert_false(test_asked("A ok.ptr.test"));
	g_assert_cmpint(test_record("v=spf1 ptr:ok.ptr.test ?all", "192.0.2.3", "a@ptr.test", NULL),
			==, PC_SPF_NEUTRAL);
	g_assert_cmpint(test_record("v=spf1 ptr:ptr.test ?all", "192.0.2.3", "a@x.test", NULL), ==,
			PC_SPF_PASS);
	g_assert_cmpint(test_record("v=spf1 ptr:PTR.Test. ?all", "192.0.2.3", "a@x.test", NULL), ==,
			PC_SPF_PASS);
	/* a suffix, but not at a label boundary */
	g_assert_cmpint(test_record("v=spf1 ptr:tr.test ?all", "192.0.2.3", "a@x.test", NULL), ==,
			PC_SPF_NEUTRAL);
}

/* Two void lookups (no such name, or no records) are allowed, not three. */
static void
test_void_limit(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.1", "a@void2.test", PC_SPF_NEUTRAL },
		{ "192.0.2.1", "a@void3.test", PC_SPF_PERMERROR },
	};
	g_autofree char *why = NULL;

	test_cases(cases, G_N_ELEMENTS(cases));
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@void3.test", NULL, &why), ==,
			PC_SPF_PERMERROR);
	g_assert_cmpstr(why, ==, "void lookup limit");
}

/* A DNS error is a temperror at any depth, through include and
 * redirect, in every mechanism but ptr (5.5: no match). */
static void
test_temperror(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.1", "a@timeout.test", PC_SPF_TEMPERROR },
		{ "192.0.2.1", "a@t1.test", PC_SPF_TEMPERROR },
		{ "192.0.2.1", "a@t2.test", PC_SPF_TEMPERROR },
		{ "10.9.9.9", "a@t2.test", PC_SPF_PASS },
		{ "10.9.9.8", "a@t2.test", PC_SPF_PASS },
		{ "192.0.2.1", "a@t3.test", PC_SPF_TEMPERROR },
		{ "2001:db8::1", "a@t3.test", PC_SPF_TEMPERROR },
		{ "192.0.2.1", "a@t-mx.test", PC_SPF_TEMPERROR },
		{ "192.0.2.1", "a@t-mxhost.test", PC_SPF_TEMPERROR },
		{ "192.0.2.1", "a@t-exists.test", PC_SPF_TEMPERROR },
		{ "192.0.2.6", "a@t-ptr.test", PC_SPF_FAIL },
	};
	g_autofree char *why = NULL;

	test_cases(cases, G_N_ELEMENTS(cases));
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@t3.test", NULL, &why), ==, PC_SPF_TEMPERROR);
	g_assert_cmpstr(why, ==, "DNS error for err.test A");
}

static PcSpfResult
test_helo(const char *ip, const char *helo, char **why)
{
	PcSpfRequest req = { .ip = ip, .sender = "x@ip4.test", .helo = helo, .lookup = test_lookup,
			     .data = &test_dns };

	test_reset();
	return pc_spf_check_helo(&req, why);
}

/* The HELO identity is checked only when it is a domain name. */
static void
test_helo_identity(void)
{
	static const char *const junk[] = { "[192.0.2.20]", "localhost", "192.0.2.20",
					    "JUMPIN' JUPITER", "a..helo.test", "", "mail.helo.test..",
					    "[IPv6:2001:db8::1]" };
	g_autofree char *why = NULL;

	g_assert_cmpint(test_helo("192.0.2.20", "mail.helo.test", &why), ==, PC_SPF_PASS);
	g_assert_cmpstr(why, ==, "a matched");
	g_assert_cmpint(test_helo("192.0.2.20", "MAIL.Helo.test.", NULL), ==, PC_SPF_PASS);
	g_assert_cmpint(test_helo("192.0.2.21", "mail.helo.test", NULL), ==, PC_SPF_FAIL);
	g_assert_cmpint(test_helo("192.0.2.21", NULL, NULL), ==, PC_SPF_NONE);
	for (guint i = 0; i < G_N_ELEMENTS(junk); i++) {
		g_assert_cmpint(test_helo("192.0.2.20", junk[i], NULL), ==, PC_SPF_NONE);
		g_assert_cmpuint(test_dns.lookups, ==, 0);
	}
	/* %{s} %{l} %{o} of the HELO identity are postmaster@helo's */
	g_assert_cmpint(test_helo("192.0.2.1", "who.test", NULL), ==, PC_SPF_PASS);
}

static void
test_null_sender(void)
{
	PcSpfRequest req = { .ip = "192.0.2.20", .sender = "", .helo = "Mail.Helo.Test",
			     .lookup = test_lookup, .data = &test_dns };
	g_autofree char *domain = NULL;
	g_autofree char *why = NULL;

	test_reset();
	g_assert_cmpint(pc_spf_check_mailfrom(&req, &domain, &why), ==, PC_SPF_PASS);
	g_assert_cmpstr(domain, ==, "mail.helo.test");
	g_clear_pointer(&domain, g_free);
	req.ip = "192.0.2.21";
	g_assert_cmpint(pc_spf_check_mailfrom(&req, &domain, NULL), ==, PC_SPF_FAIL);
	g_clear_pointer(&domain, g_free);
	req.helo = "[192.0.2.20]";
	g_assert_cmpint(pc_spf_check_mailfrom(&req, &domain, NULL), ==, PC_SPF_NONE);
	g_assert_null(domain);
	/* the null sender is postmaster@helo for macros */
	req.helo = "who.test";
	req.ip = "192.0.2.1";
	g_assert_cmpint(pc_spf_check_mailfrom(&req, NULL, NULL), ==, PC_SPF_PASS);
	/* so is a sender without a local-part (4.3) */
	req.sender = "@who.test";
	g_assert_cmpint(pc_spf_check_mailfrom(&req, &domain, NULL), ==, PC_SPF_PASS);
	g_assert_cmpstr(domain, ==, "who.test");
}

/* A sender's record that wants a valid HELO: an include with a
 * qualifier, %{h} and %{d2}. */
static void
test_require_helo(void)
{
	g_assert_cmpint(test_mailfrom("1.2.3.4", "a@e10.test", "mail.e10.test", NULL), ==,
			PC_SPF_PASS);
	g_assert_cmpint(test_mailfrom("1.2.3.4", "a@e10.test", "OEMCOMPUTER", NULL), ==,
			PC_SPF_FAIL);
	/* the HELO name must be the client's */
	g_assert_cmpint(test_mailfrom("1.2.3.5", "a@e10.test", "mail.e10.test", NULL), ==,
			PC_SPF_FAIL);
	g_assert_cmpint(test_mailfrom("1.2.4.4", "a@e10.test", "mail.e10.test", NULL), ==,
			PC_SPF_FAIL);
	/* junk HELO in %{h} and %{H} is a name like any other */
	test_record_helo = "JUMPIN' JUPITER";
	g_assert_cmpint(test_record("v=spf1 a:%{H} -all", "192.0.2.1", "a@b.test", NULL), ==,
			PC_SPF_FAIL);
	g_assert_true(test_asked("A JUMPIN%27%20JUPITER"));
	test_record_helo = "[192.0.2.1]";
	g_assert_cmpint(test_record("v=spf1 a:%{h} -all", "192.0.2.1", "a@b.test", NULL), ==,
			PC_SPF_FAIL);
	g_assert_true(test_asked("A [192.0.2.1]"));
	test_record_helo = "mail.helo.test";
}

/* Sender domains that are no domain names give none, without DNS. */
static void
test_bad_sender_domain(void)
{
	static const char *const senders[] = {
		"foo@[192.0.2.1]", "foo@localhost", "foo@a...example.com", "foo@192.0.2.1",
		"foo@a1234567890123456789012345678901234567890123456789012345678901234.test",
		"foo@bad\x01.test", "foo@",
	};
	PcSpfRequest req = { .ip = "192.0.2.1", .helo = "mail.helo.test", .lookup = test_lookup,
			     .data = &test_dns };

	/* a label of 63 octets is still fine (4.3) */
	g_assert_cmpint(test_mailfrom("192.0.2.1",
				      "x@A12345678901234567890123456789012345678901234567890123456789012.test",
				      NULL, NULL), ==, PC_SPF_FAIL);
	for (guint i = 0; i < G_N_ELEMENTS(senders); i++) {
		g_autofree char *domain = NULL;

		test_reset();
		req.sender = senders[i];
		g_assert_cmpint(pc_spf_check_mailfrom(&req, &domain, NULL), ==, PC_SPF_NONE);
		g_assert_null(domain);
		g_assert_cmpuint(test_dns.lookups, ==, 0);
	}
}

/* Records with a syntax error anywhere are a permerror, even after a
 * matching mechanism (4.6). */
static void
test_syntax(void)
{
	static const char *const bad[] = {
		"v=spf1 ip4:192.0.2.1 -all moo", "v=spf1 moo.cow/far_out=man:dog/cat",
		"v=spf1 moo.cow:far_out=man:dog/cat", "v=spf1 -all.", "v=spf1 -all:foo",
		"v=spf1 -all/8", "v=spf1 +-all", "v=spf1 ptr/0", "v=spf1 a/33", "v=spf1 a//129",
		"v=spf1 a/24/64", "v=spf1 a/024", "v=spf1 a:foo-bar", "v=spf1 a:museum",
		"v=spf1 a:museum.", "v=spf1 a:abc.123", "v=spf1 a:111.222.33.44", "v=spf1 a:example.-com",
		"v=spf1 a:example.com-", "v=spf1 a:", "v=spf1 a:example.com:8080", "v=spf1 mx:",
		"v=spf1 mx//33/", "v=spf1 include:", "v=spf1 include", "v=spf1 include:x.test/24",
		"v=spf1 exists", "v=spf1 exists:", "v=spf1 exists:x.test/24", "v=spf1 ip4:1.2.3.4/33",
		"v=spf1 ip4:1.2.3.4/032", "v=spf1 ip4", "v=spf1 ip4:1.2.3", "v=spf1 ip4:1.2.3.4:8080",
		"v=spf1 ip4:1.2.3.4//32", "v=spf1 ip4:01.2.3.4", "v=spf1 ip4:256.2.3.4",
		"v=spf1 ip4:1.2.3.4/", "v=spf1 ip6:::1/129", "v=spf1 ip6::CAFE::BABE",
		"v=spf1 ip6:::1//33", "v=spf1 ip6", "v=spf1 ip6:1.2.3.4", "v=spf1 redirect:x.test",
		"v=spf1 1up=foo", "v=spf1 =all", "v=spf1 -all foo=%abc", "v=spf1 exists:%(ir).sbl.test",
		"v=spf1 exists:foo%.sbl.test", "v=spf1 exists:foo.sbl.test%", "v=spf1 a:%{a}.test",
		"v=spf1 a:%{d0}.test", "v=spf1 a:%{dx}.test", "v=spf1 a:%{d.test",
		"v=spf1 -all exp=%{r}.test", "v=spf1 -all exp=%{c}.test", "v=spf1 -all exp=%{t}.test",
		"v=spf1 redirect=a.test redirect=b.test", "v=spf1 exp=a.test -all exp=b.test",
		"v=spf1 -all exp=", "v=spf1 ?all redirect=", "v=spf1 exp=-all", "v=spf1 redirect=-all ?all",
		"v=spf1 a:ctrl.test\rptr -all", "v=spf1 \x80" "a:x.test -all", "v=spf1 a:x.test \x96" "all",
		"v=spf1 a:%{d}.", "v=spf1 ?all +foo", "v=spf1 all -all:", "v=spf1 ip4:1.2.3.4/3x",
	};
	static const struct {
		const char *record;
		PcSpfResult expect;
	} good[] = {
		{ "v=spf1 moo.cow-far_out=man:dog/cat ip4:192.0.2.1 -all", PC_SPF_PASS },
		{ "v=spf1 default=+", PC_SPF_NEUTRAL },
		{ "v=spf1 x=%{c}%{r}%{t}", PC_SPF_NEUTRAL },
		{ "v=spf1  ip4:192.0.2.1   -all ", PC_SPF_PASS },
		{ "v=spf1 IP4:192.0.2.1 -ALL", PC_SPF_PASS },
		{ "v=spf1 ip4:192.0.2.0/0", PC_SPF_PASS },
		{ "v=spf1 ip6:::1.1.1.1/0", PC_SPF_NEUTRAL },
		{ "v=spf1 ip6:2001:db8::/32 -all", PC_SPF_FAIL },
		{ "v=spf1 ip4:192.0.2.1 redirect=t5.test ~all", PC_SPF_PASS },
		{ "v=spf1 a:foo.example.xn--zckzah -all", PC_SPF_FAIL },
		{ "v=spf1 a:1-2 -all", PC_SPF_PERMERROR },
		{ "v=spf1 a:x.1-2 -all", PC_SPF_FAIL },
		{ "v=spf1 a:foo:bar/baz.test -all", PC_SPF_FAIL },
		{ "v=spf1 a:a.test. -all", PC_SPF_FAIL },
		{ "v=spf1 a:mail.example...com -all", PC_SPF_FAIL },
		{ "v=spf1 a:%{l}%%%_%-.test -all", PC_SPF_FAIL },
		{ "v=spf1 a:%{l} a:x.test. -all", PC_SPF_FAIL },
		{ "v=spf1 -all exp=explain.test", PC_SPF_FAIL },
		{ "v=spf1 exp=%{d}.%{l2r-+}.test ?all", PC_SPF_NEUTRAL },
		{ "v=spf1", PC_SPF_NEUTRAL },
		{ "V=SPF1 +ALL", PC_SPF_PASS },
	};

	g_autofree char *reason = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *why = NULL;
		PcSpfResult r = test_record(bad[i], "192.0.2.1", "a@dyn.test", &why);

		if (r != PC_SPF_PERMERROR)
			g_error("\"%s\": %s (%s)", bad[i], pc_spf_result_name(r), why);
		g_assert_cmpuint(test_dns.lookups, ==, 1);
	}
	for (guint i = 0; i < G_N_ELEMENTS(good); i++) {
		g_autofree char *why = NULL;
		PcSpfResult r = test_record(good[i].record, "192.0.2.1", "a@dyn.test", &why);

		if (r != good[i].expect)
			g_error("\"%s\": %s (%s)", good[i].record, pc_spf_result_name(r), why);
	}
	g_assert_cmpint(test_record("v=spf1 a:a.test. -all", "192.0.2.10", "a@dyn.test", NULL), ==,
			PC_SPF_PASS);
	g_assert_cmpint(test_record("v=spf1 a//0 -all", "2001:db9::1", "a@a.test", NULL), ==,
			PC_SPF_PASS);
	g_assert_cmpint(test_record("v=spf1 a//0 -all", "192.0.2.1", "a@a.test", NULL), ==,
			PC_SPF_FAIL);
	/* exp= is never fetched */
	test_record("v=spf1 -all exp=explain.test", "192.0.2.1", "a@dyn.test", NULL);
	g_assert_cmpuint(test_dns.lookups, ==, 1);
	test_record("v=spf1 ip4:192.0.2.1 \x80", "192.0.2.1", "a@dyn.test", &reason);
	g_assert_cmpstr(reason, ==, "SPF record has a control or non-ASCII character");
}

/* The name an exists:expr asked for, the record being sender's. */
static char *
test_expand(const char *ip, const char *sender, const char *expr)
{
	g_autofree char *record = g_strdup_printf("v=spf1 exists:%s", expr);
	g_autofree char *why = NULL;
	PcSpfResult r = test_record(record, ip, sender, &why);

	if (r != PC_SPF_NEUTRAL || test_dns.asked->len != 2)
		g_error("%s: %s (%s)", expr, pc_spf_result_name(r), why);
	return g_strdup((char *)g_ptr_array_index(test_dns.asked, 1) + 2);
}

/* The examples of RFC 7208 7.4, and the openspf suite's macro cases. */
static void
test_macros(void)
{
	static const struct {
		const char *ip, *sender, *expr, *expect;
	} cases[] = {
		{ "192.0.2.3", "strong-bad@email.example.com", "%{s}", "strong-bad@email.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{o}", "email.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d}", "email.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d4}", "email.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d3}", "email.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d2}", "example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d1}", "com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{dr}", "com.example.email" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d2r}", "example.email" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{l}", "strong-bad" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{l-}", "strong.bad" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{lr}", "strong-bad" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{lr-}", "bad.strong" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{l1r-}", "strong" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{ir}.%{v}._spf.%{d2}",
		  "3.2.0.192.in-addr._spf.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{lr-}.lp._spf.%{d2}",
		  "bad.strong.lp._spf.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
		  "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
		  "3.2.0.192.in-addr.strong.lp._spf.example.com" },
		{ "192.0.2.3", "strong-bad@email.example.com", "%{d2}.trusted-domains.example.net",
		  "example.com.trusted-domains.example.net" },
		{ "2001:db8::cb01", "strong-bad@email.example.com", "%{ir}.%{v}._spf.%{d2}",
		  V6_PTR ".ip6._spf.example.com" },
		{ "2001:db8::cb01", "strong-bad@email.example.com", "%{i}.x.test",
		  "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.c.b.0.1.x.test" },
		{ "::ffff:192.0.2.3", "a@b.test", "%{i}.%{v}.x.test", "192.0.2.3.in-addr.x.test" },
		{ "192.0.2.3", "a@b.test", "%{p}.%{h}.x.test", "unknown.mail.helo.test.x.test" },
		{ "192.0.2.3", "a@b.test", "%{h2}.%{H}.%{V}", "helo.test.mail.helo.test.in-addr" },
		{ "192.0.2.3", "a@b.test", "macro%%percent%_%_space%-url-space.test",
		  "macro%percent  space%20url-space.test" },
		{ "192.0.2.3", "~jack&jill=up-a_b3.c@b.test", "%{L}.x.test",
		  "~jack%26jill%3Dup-a_b3.c.x.test" },
		{ "192.0.2.3", "foo-bar+zip+quux@b.test", "%{l2r+-}.user.%{d2}", "bar.foo.user.b.test" },
		{ "1.2.3.4", "philip-gladstone-test@e11.example.com", "%{i}.%{l2r-}.user.%{d2}",
		  "1.2.3.4.gladstone.philip.user.example.com" },
		{ "192.0.2.3", "a.b.c@b.test", "%{l999}.%{lR}.%{l1}", "a.b.c.c.b.a.c" },
		{ "192.0.2.3", "a=b,c/d_e@b.test", "%{l=,/_}", "a.b.c.d.e" },
		{ "192.0.2.3", "@b.test", "%{l}.%{s}", "postmaster.postmaster@b.test" },
	};

	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = test_expand(cases[i].ip, cases[i].sender, cases[i].expr);

		g_assert_cmpstr(name, ==, cases[i].expect);
	}
}

/* An expansion longer than 253 octets loses whole labels on the left. */
static void
test_truncation(void)
{
	g_autoptr(GString) local = g_string_new(NULL);
	g_autoptr(GString) expect = g_string_new(NULL);
	g_autofree char *sender = NULL;
	g_autofree char *name = NULL;

	/* 100 labels "x00".."x99": 399 octets, with ".trunc.test" 410; the
	 * first 40 labels (160 octets) go, leaving 250 */
	for (guint i = 0; i < 100; i++)
		g_string_append_printf(local, "%sx%02u", i ? "." : "", i);
	for (guint i = 40; i < 100; i++)
		g_string_append_printf(expect, "x%02u.", i);
	g_string_append(expect, "trunc.test");
	sender = g_strdup_printf("%s@b.test", local->str);
	name = test_expand("192.0.2.3", sender, "%{l}.trunc.test");
	g_assert_cmpuint(strlen(name), ==, 250);
	g_assert_cmpstr(name, ==, expect->str);
}

/* Loops end in permerror through the lookup limit. */
static void
test_loops(void)
{
	static const TestCase cases[] = {
		{ "192.0.2.1", "a@r-loop.test", PC_SPF_PERMERROR },
		{ "192.0.2.1", "a@i-loop1.test", PC_SPF_PERMERROR },
		{ "10.0.0.1", "a@r-loop.test", PC_SPF_PASS },
	};

	test_cases(cases, G_N_ELEMENTS(cases));
	/* the record is asked once, however often it is reached */
	test_mailfrom("192.0.2.1", "a@r-loop.test", NULL, NULL);
	g_assert_cmpuint(test_dns.lookups, ==, 1);
}

/* Each name and type is asked once per evaluation, and a second run
 * asks the same questions and gets the same answer. */
static void
test_once(void)
{
	g_autoptr(GPtrArray) first = NULL;

	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@dup.test", NULL, NULL), ==, PC_SPF_FAIL);
	g_assert_cmpuint(test_dns.lookups, ==, 3);
	g_assert_true(test_asked("TXT dup.test"));
	g_assert_true(test_asked("TXT inc.test"));
	g_assert_true(test_asked("A inc.test"));
	first = g_ptr_array_ref(test_dns.asked);
	g_assert_cmpint(test_mailfrom("192.0.2.1", "a@dup.test", NULL, NULL), ==, PC_SPF_FAIL);
	g_assert_cmpuint(test_dns.asked->len, ==, first->len);
	for (guint i = 0; i < first->len; i++)
		g_assert_cmpstr(g_ptr_array_index(test_dns.asked, i), ==, g_ptr_array_index(first, i));
}

/* Huge and odd input costs little and breaks nothing. */
static void
test_hostile(void)
{
	gint64 start = g_get_monotonic_time();
	g_autoptr(GString) local = g_string_new(NULL);
	g_autoptr(GString) record = g_string_new("v=spf1");
	g_autoptr(GString) terms = g_string_new("v=spf1");
	g_autoptr(GString) helo = g_string_new(NULL);
	g_autofree char *sender = NULL;
	g_autofree char *why = NULL;
	PcSpfResult r;

	for (guint i = 0; i < 100000; i++)
		g_string_append_c(local, "a.-+\x01\xff%"[i % 7]);
	sender = g_strdup_printf("%s@b.test", local->str);
	while (record->len < 4000)
		g_string_append(record, " a:%{l}%{L}%{lr-+}%{s1r}%{i}%{h}.x.test");
	g_string_append(record, " -all");
	r = test_record(record->str, "2001:db8::1", sender, NULL);
	g_assert_true(r == PC_SPF_PERMERROR || r == PC_SPF_FAIL);
	/* the budget is spent long before the lookup limit */
	g_assert_cmpint(test_record(record->str, "192.0.2.1", sender, NULL), ==, PC_SPF_PERMERROR);

	g_string_assign(record, "v=spf1");
	while (record->len < 9000)
		g_string_append(record, " ip4:10.0.0.1");
	g_string_append(record, " +all");
	g_assert_cmpint(test_record(record->str, "192.0.2.1", "a@b.test", &why), ==,
			PC_SPF_PERMERROR);
	g_assert_cmpstr(why, ==, "SPF record too long");
	g_clear_pointer(&why, g_free);
	/* 12 copies of a 100000-octet local-part are more than macros may read */
	r = test_record("v=spf1 exists:%{l}%{l}%{l}%{l}%{l}%{l}%{l}%{l}%{l}%{l}%{l}%{l}.x.test ?all",
			"192.0.2.1", sender, &why);
	g_assert_cmpint(r, ==, PC_SPF_PERMERROR);
	g_assert_cmpstr(why, ==, "macro expansion too large");
	g_clear_pointer(&why, g_free);
	for (guint i = 0; i < 600; i++)
		g_string_append(terms, " ?all");
	g_assert_cmpint(test_record(terms->str, "192.0.2.1", "a@b.test", NULL), ==,
			PC_SPF_PERMERROR);

	for (guint i = 0; i < 1000000; i++)
		g_string_append_c(helo, "ab."[i % 3]);
	g_assert_cmpint(test_helo("192.0.2.1", helo->str, NULL), ==, PC_SPF_NONE);
	test_record_helo = helo->str;
	r = test_record("v=spf1 a:%{h}.x.test -all", "192.0.2.1", "a@b.test", NULL);
	test_record_helo = "mail.helo.test";
	g_assert_cmpint(r, ==, PC_SPF_FAIL);
	g_assert_cmpuint(test_dns.lookups, ==, 2);
	g_assert_cmpint(test_mailfrom("not an address", "a@ip4.test", NULL, NULL), ==, PC_SPF_NONE);
	g_assert_cmpint(test_mailfrom(NULL, "a@ip4.test", NULL, NULL), ==, PC_SPF_NONE);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 20 * G_USEC_PER_SEC);
}

static void
test_names(void)
{
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_NONE), ==, "none");
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_NEUTRAL), ==, "neutral");
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_PASS), ==, "pass");
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_FAIL), ==, "fail");
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_SOFTFAIL), ==, "softfail");
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_TEMPERROR), ==, "temperror");
	g_assert_cmpstr(pc_spf_result_name(PC_SPF_PERMERROR), ==, "permerror");
}

int
main(int argc, char **argv)
{
	int rc;

	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/spf/mechanisms", test_mechanisms);
	g_test_add_func("/spf/selection", test_selection);
	g_test_add_func("/spf/include-redirect", test_include_redirect);
	g_test_add_func("/spf/lookup-limit", test_lookup_limit);
	g_test_add_func("/spf/void-limit", test_void_limit);
	g_test_add_func("/spf/temperror", test_temperror);
	g_test_add_func("/spf/helo", test_helo_identity);
	g_test_add_func("/spf/null-sender", test_null_sender);
	g_test_add_func("/spf/require-helo", test_require_helo);
	g_test_add_func("/spf/bad-sender-domain", test_bad_sender_domain);
	g_test_add_func("/spf/syntax", test_syntax);
	g_test_add_func("/spf/macros", test_macros);
	g_test_add_func("/spf/truncation", test_truncation);
	g_test_add_func("/spf/loops", test_loops);
	g_test_add_func("/spf/once", test_once);
	g_test_add_func("/spf/hostile", test_hostile);
	g_test_add_func("/spf/names", test_names);
	rc = g_test_run();
	test_reset();
	g_ptr_array_unref(test_dns.asked);
	return rc;
}
