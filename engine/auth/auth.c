/*
 * NAME
 *	auth.c - the sender authentication check: SPF, DKIM, ARC, DMARC
 * DESCRIPTION
 *	Runs at the end of the message, before the spam rules (their eval
 *	tests read the results), with every DNS answer from the engine's
 *	resolver within dns_budget_ms.  The lookups start earlier, so they
 *	overlap the body transfer: SPF's chain of questions runs in a
 *	background job at MAIL FROM (its answers wait in the cache, and the
 *	evaluation at the end asks them again for free), and the DKIM keys
 *	and DMARC records are asked for as soon as the header is in.
 *	A DNS failure is a temperror result; the check itself never fails a
 *	message.
 */
#include "config.h"

#include <string.h>

#include "auth.h"
#include "../dns/resolver.h"
#include "header.h"
#include "../spam/spam.h"
#include "../spam/url.h"
#include "spf.h"

/* SPF jobs at once; a job waits on DNS, not the CPU. */
#define PC_AUTH_SPF_THREADS 4
/* Jobs waiting past this many are not queued: a client looping on MAIL
 * FROM cannot grow the queue, and the message's own check at its end still
 * asks every question. */
#define PC_AUTH_SPF_QUEUE 256

typedef struct {
	gboolean on;			/* [auth] enabled */
	PcResolver *resolver;
	guint budget_ms;
	char *receiver;
	GPtrArray *trusted;		/* trusted_networks (relay.c) */
	GThreadPool *spf_jobs;
} PcAuthState;

typedef struct {
	char *ip, *helo, *sender;
} PcSpfJob;

static PcAuthResult
pc_auth_from_spf(PcSpfResult r)
{
	static const PcAuthResult map[] = {
		[PC_SPF_NONE] = PC_AUTH_NONE,		[PC_SPF_NEUTRAL] = PC_AUTH_NEUTRAL,
		[PC_SPF_PASS] = PC_AUTH_PASS,		[PC_SPF_FAIL] = PC_AUTH_FAIL,
		[PC_SPF_SOFTFAIL] = PC_AUTH_SOFTFAIL,	[PC_SPF_TEMPERROR] = PC_AUTH_TEMPERROR,
		[PC_SPF_PERMERROR] = PC_AUTH_PERMERROR,
	};

	return map[r];
}

/* Both SPF identities; with sender NULL nothing is known (a file scan). */
static void
pc_auth_spf(PcAuthState *st, const char *ip, const char *helo, const char *sender,
	    const PcResolverLookup *waits, PcAuth *auth)
{
	PcResolverLookup lookup = *waits;
	PcSpfRequest req = { ip, sender, helo, st->receiver, pc_resolver_lookup_func, &lookup };

	auth->helo = g_strdup(helo);
	if (ip == NULL || sender == NULL)
		return;
	auth->spf = pc_auth_from_spf(pc_spf_check_mailfrom(&req, &auth->spf_domain,
							   &auth->spf_why));
	auth->spf_helo = helo ? pc_auth_from_spf(pc_spf_check_helo(&req, NULL)) : PC_AUTH_NONE;
}

static void
pc_spf_job_free(gpointer data)
{
	PcSpfJob *job = data;

	g_free(job->ip);
	g_free(job->helo);
	g_free(job->sender);
	g_free(job);
}

static void
pc_spf_job_run(gpointer data, gpointer user)
{
	PcSpfJob *job = data;
	PcAuthState *st = user;
	g_autoptr(PcAuth) warm = pc_auth_new();
	PcResolverLookup lookup = { st->resolver,
				    g_get_monotonic_time() + (gint64)st->budget_ms * 1000, NULL };

	pc_auth_spf(st, job->ip, job->helo, job->sender, &lookup, warm);
	pc_spf_job_free(job);
}

static void
pc_auth_destroy(gpointer state)
{
	PcAuthState *st = state;

	if (st == NULL)
		return;
	if (st->spf_jobs != NULL)	/* queued jobs dropped, running ones end in budget */
		g_thread_pool_free(st->spf_jobs, TRUE, TRUE);
	pc_resolver_release(st->resolver);
	if (st->trusted != NULL)
		pc_trusted_free(st->trusted);
	g_free(st->receiver);
	g_free(st);
}

static gpointer
pc_auth_create(const PcEngineOptions *options, GError **error)
{
	PcAuthState *st = g_new0(PcAuthState, 1);

	/* a state even when off: the engine takes NULL for a failure */
	if (!(st->on = options->auth))
		return st;
	st->budget_ms = options->dns_budget_ms;
	st->receiver = g_strdup(options->auth_receiver);
	st->resolver = pc_resolver_acquire(options->dns_servers,
					   MAX(options->dns_budget_ms / 2, 100), error);
	if (st->resolver == NULL ||
	    (st->trusted = pc_trusted_new(options->trusted_networks, error)) == NULL) {
		pc_auth_destroy(st);
		return NULL;
	}
	return st;
}

static void
pc_auth_start(PcAuthState *st, const PcPrefetch *what)
{
	PcSpfJob *job;

	/* the pool is made here, not at create: threads do not survive the
	 * daemon's fork into the background */
	if (g_once_init_enter(&st->spf_jobs))
		g_once_init_leave(&st->spf_jobs,
				  g_thread_pool_new_full(pc_spf_job_run, st, pc_spf_job_free,
							 PC_AUTH_SPF_THREADS, FALSE, NULL));
	if (g_thread_pool_unprocessed(st->spf_jobs) >= PC_AUTH_SPF_QUEUE)
		return;
	job = g_new(PcSpfJob, 1);
	job->ip = g_strdup(what->client_address);
	job->helo = g_strdup(what->helo);
	job->sender = g_strdup(what->sender);
	g_thread_pool_push(st->spf_jobs, job, NULL);
}

static void
pc_auth_prefetch(gpointer state, const PcPrefetch *what)
{
	PcAuthState *st = state;
	g_autoptr(GPtrArray) names = NULL;

	if (!st->on)
		return;
	if (what->sender != NULL && what->client_address != NULL)
		pc_auth_start(st, what);
	if (what->header == NULL)
		return;
	names = g_ptr_array_new_with_free_func(g_free);
	pc_auth_header_names(what->header, what->header_len, names);
	for (guint i = 0; i < names->len; i++)
		pc_resolver_start_type(st->resolver, PC_DNS_TXT, names->pdata[i]);
}

static gboolean
pc_auth_scan_message(gpointer state, PcScan *scan, GError **error)
{
	PcAuthState *st = state;
	const PcInput *in = scan->input;
	PcResolverLookup lookup = { st->resolver, 0, &scan->verdict->stage_us[PC_STAGE_DNS] };
	PcAuthMessage m = { .lookup = pc_resolver_lookup_func, .lookup_data = &lookup,
			    .now = g_get_real_time() / G_USEC_PER_SEC };
	gsize body_offset;
	PcAuth *auth;

	(void)error;
	if (!st->on || in == NULL || scan->alternate)
		return TRUE;
	lookup.deadline = pc_scan_dns_deadline(scan, st->budget_ms);
	if (scan->deadline != 0)
		lookup.deadline = MIN(lookup.deadline, scan->deadline);
	auth = pc_auth_new();
	auth->local_client = in->client_address != NULL &&
			     pc_relay_is_ours(in->client_address, st->trusted);
	pc_auth_spf(st, in->client_address, in->helo, in->sender, &lookup, auth);
	m.fields = pc_auth_fields(scan->data, scan->len, PC_AUTH_MAX_FIELDS, &body_offset);
	m.body = scan->data + body_offset;
	m.body_len = scan->len - body_offset;
	m.bodies = g_array_new(FALSE, FALSE, sizeof(PcBodyHash));
	pc_dkim_verify(&m, auth);
	pc_arc_verify(&m, auth);
	pc_dmarc_evaluate(&m, auth);
	g_ptr_array_unref(m.fields);
	g_array_unref(m.bodies);
	pc_auth_free(scan->verdict->auth);
	scan->verdict->auth = auth;
	return TRUE;
}

static void
pc_auth_add_key_name(GPtrArray *names, const PcAuthField *f)
{
	g_autoptr(GHashTable) tags = pc_auth_tags(pc_auth_field_value(f));
	const char *d = tags ? g_hash_table_lookup(tags, "d") : NULL;
	const char *s = tags ? g_hash_table_lookup(tags, "s") : NULL;

	if (d != NULL && s != NULL && names->len < 2 * PC_DKIM_MAX_SIGNATURES)
		g_ptr_array_add(names, g_strdup_printf("%s._domainkey.%s", s, d));
}

void
pc_auth_header_names(const guint8 *data, gsize len, GPtrArray *names)
{
	gsize body;
	g_autoptr(GPtrArray) fields = pc_auth_fields(data, len, PC_AUTH_MAX_FIELDS, &body);

	for (guint i = 0; i < fields->len; i++) {
		const PcAuthField *f = g_ptr_array_index(fields, i);

		if (g_ascii_strcasecmp(f->name, "DKIM-Signature") == 0 ||
		    g_ascii_strcasecmp(f->name, "ARC-Seal") == 0 ||
		    g_ascii_strcasecmp(f->name, "ARC-Message-Signature") == 0)
			pc_auth_add_key_name(names, f);
	}
	pc_dmarc_record_names(fields, names);
}

const PcCheck pc_check_auth = {
	.name = "auth",
	.stage = PC_STAGE_AUTH,
	.create = pc_auth_create,
	.scan_message = pc_auth_scan_message,
	.destroy = pc_auth_destroy,
	.prefetch = pc_auth_prefetch,
};
