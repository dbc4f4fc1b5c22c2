/*
 * NAME
 *	resolver.c - DNS list lookups on c-ares, one thread, a shared cache
 */
#include "config.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "resolver.h"

#define PC_TTL_MIN 60
#define PC_TTL_MAX 3600
#define PC_TTL_NXDOMAIN 300
#define PC_TTL_FAILED 30
/* Past this many names, expired ones are dropped at the next insert. */
#define PC_CACHE_SWEEP 50000

typedef struct {
	PcDnsStatus status;	/* PC_DNS_ERROR while in flight */
	char **records;		/* NULL unless status is PC_DNS_ANSWER */
	gboolean done;
	gint64 expires;		/* monotonic µs; 0 while in flight */
} PcDnsEntry;

struct _PcResolver {
	char *key;		/* "servers/timeout" when shared (acquired) */
	guint refs;		/* under pc_shared_lock */
	ares_channel channel;
	GThread *thread;
	int wake;		/* eventfd: new queries or stop */
	GMutex lock;		/* guards everything below */
	GCond answered;
	GHashTable *cache;	/* pc_resolver_key() -> PcDnsEntry */
	GPtrArray *todo;	/* keys to send (the thread owns the channel) */
	gboolean stop;
};

#define PC_RESOLVER_ERROR (g_quark_from_static_string("pc-resolver-error"))

static void
pc_dns_entry_free(gpointer data)
{
	PcDnsEntry *e = data;

	g_strfreev(e->records);
	g_free(e);
}

/* The cache holds every type: its keys are "T name", T the type's letter. */
static const char pc_type_letter[] = { [PC_DNS_A] = 'A', [PC_DNS_AAAA] = '6', [PC_DNS_TXT] = 'T',
				       [PC_DNS_MX] = 'M', [PC_DNS_PTR] = 'P' };
static const int pc_type_code[] = { [PC_DNS_A] = ns_t_a, [PC_DNS_AAAA] = ns_t_aaaa,
				    [PC_DNS_TXT] = ns_t_txt, [PC_DNS_MX] = ns_t_mx,
				    [PC_DNS_PTR] = ns_t_ptr };

static char *
pc_resolver_key(PcDnsType type, const char *name)
{
	return g_strdup_printf("%c %s", pc_type_letter[type], name);
}

static PcDnsType
pc_resolver_key_type(const char *key)
{
	for (guint t = 0; t < G_N_ELEMENTS(pc_type_letter); t++)
		if (pc_type_letter[t] == key[0])
			return (PcDnsType)t;
	return PC_DNS_A;
}

static void
pc_parse_addresses(const unsigned char *abuf, int alen, gboolean v6, GPtrArray *out, int *ttl)
{
	struct ares_addrttl a4[32];
	struct ares_addr6ttl a6[32];
	int n = 32;
	char text[INET6_ADDRSTRLEN];

	if ((v6 ? ares_parse_aaaa_reply(abuf, alen, NULL, a6, &n)
		: ares_parse_a_reply(abuf, alen, NULL, a4, &n)) != ARES_SUCCESS)
		return;
	for (int i = 0; i < n; i++) {
		inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? (const void *)&a6[i].ip6addr
						       : (const void *)&a4[i].ipaddr,
			  text, sizeof(text));
		g_ptr_array_add(out, g_strdup(text));
		*ttl = MIN(*ttl, v6 ? a6[i].ttl : a4[i].ttl);
	}
}

/* Each record's character-strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
static void
pc_parse_txt(const unsigned char *abuf, int alen, GPtrArray *out)
{
	struct ares_txt_ext *txt = NULL;
	GString *record = NULL;

	if (ares_parse_txt_reply_ext(abuf, alen, &txt) != ARES_SUCCESS)
		return;
	for (struct ares_txt_ext *t = txt; t != NULL; t = t->next) {
		if (t->record_start && record != NULL)
			g_ptr_array_add(out, g_string_free(g_steal_pointer(&record), FALSE));
		if (record == NULL)
			record = g_string_new(NULL);
		g_string_append_len(record, (const char *)t->txt, (gssize)t->length);
	}
	if (record != NULL)
		g_ptr_array_add(out, g_string_free(record, FALSE));
	ares_free_data(txt);
}

static gint
pc_mx_order(gconstpointer a, gconstpointer b)
{
	const struct ares_mx_reply *x = *(struct ares_mx_reply *const *)a;
	const struct ares_mx_reply *y = *(struct ares_mx_reply *const *)b;

	return (gint)x->priority - (gint)y->priority;
}

static void
pc_parse_mx(const unsigned char *abuf, int alen, GPtrArray *out)
{
	struct ares_mx_reply *mx = NULL;
	g_autoptr(GPtrArray) sorted = g_ptr_array_new();

	if (ares_parse_mx_reply(abuf, alen, &mx) != ARES_SUCCESS)
		return;
	for (struct ares_mx_reply *m = mx; m != NULL; m = m->next)
		g_ptr_array_add(sorted, m);
	g_ptr_array_sort(sorted, pc_mx_order);
	for (guint i = 0; i < sorted->len; i++)
		g_ptr_array_add(out, g_strdup(((struct ares_mx_reply *)sorted->pdata[i])->host));
	ares_free_data(mx);
}

static void
pc_parse_ptr(const unsigned char *abuf, int alen, GPtrArray *out)
{
	struct hostent *host = NULL;
	/* c-ares copies this address into the hostent; the names are what count */
	const char any[16] = { 0 };

	if (ares_parse_ptr_reply(abuf, alen, any, 4, AF_INET, &host) != ARES_SUCCESS)
		return;
	g_ptr_array_add(out, g_strdup(host->h_name));
	for (char **alias = host->h_aliases; alias != NULL && *alias != NULL; alias++)
		g_ptr_array_add(out, g_strdup(*alias));
	ares_free_hostent(host);
}

/* An answer's records and how long they may be kept.  Only A and AAAA
 * answers carry their TTL through c-ares' parsers; the rest are kept 5
 * minutes (keys and policies change rarely; an answer is never kept long). */
static char **
pc_resolver_parse(PcDnsType type, const unsigned char *abuf, int alen, int *ttl)
{
	GPtrArray *out = g_ptr_array_new();

	*ttl = type == PC_DNS_A || type == PC_DNS_AAAA ? PC_TTL_MAX : PC_TTL_NXDOMAIN;
	switch (type) {
	case PC_DNS_A:
	case PC_DNS_AAAA:
		pc_parse_addresses(abuf, alen, type == PC_DNS_AAAA, out, ttl);
		break;
	case PC_DNS_TXT:
		pc_parse_txt(abuf, alen, out);
		break;
	case PC_DNS_MX:
		pc_parse_mx(abuf, alen, out);
		break;
	case PC_DNS_PTR:
		pc_parse_ptr(abuf, alen, out);
		break;
	}
	*ttl = CLAMP(*ttl, PC_TTL_MIN, PC_TTL_MAX);
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

typedef struct {
	PcResolver *resolver;
	char *name;
} PcQuery;

static void
pc_resolver_answered(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	PcQuery *q = arg;
	PcResolver *r = q->resolver;
	PcDnsEntry *e;
	int ttl = PC_TTL_FAILED;
	PcDnsStatus result = PC_DNS_ERROR;
	char **records = NULL;

	(void)timeouts;
	if (status == ARES_SUCCESS) {
		records = pc_resolver_parse(pc_resolver_key_type(q->name), abuf, alen, &ttl);
		result = PC_DNS_ANSWER;
	} else if (status == ARES_ENODATA) {
		records = g_new0(char *, 1);
		result = PC_DNS_ANSWER;
		ttl = PC_TTL_NXDOMAIN;
	} else if (status == ARES_ENOTFOUND) {
		result = PC_DNS_NXDOMAIN;
		ttl = PC_TTL_NXDOMAIN;
	}
	g_mutex_lock(&r->lock);
	if ((e = g_hash_table_lookup(r->cache, q->name)) != NULL) {
		g_strfreev(e->records);
		e->records = records;
		e->status = result;
		e->done = TRUE;
		e->expires = g_get_monotonic_time() + (gint64)ttl * G_USEC_PER_SEC;
	} else {
		g_strfreev(records);
	}
	g_cond_broadcast(&r->answered);
	g_mutex_unlock(&r->lock);
	g_free(q->name);
	g_free(q);
}

static void
pc_resolver_send(PcResolver *r, GPtrArray *names)
{
	for (guint i = 0; i < names->len; i++) {
		PcQuery *q = g_new(PcQuery, 1);

		q->resolver = r;
		q->name = g_strdup(g_ptr_array_index(names, i));
		ares_query(r->channel, q->name + 2, ns_c_in,
			   pc_type_code[pc_resolver_key_type(q->name)], pc_resolver_answered, q);
	}
}

/* Waits for the channel's sockets, the wake-up fd or c-ares' next timeout. */
static void
pc_resolver_poll(PcResolver *r)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd fds[ARES_GETSOCK_MAXNUM + 1];
	struct timeval max = { 1, 0 }, tv, *tvp;
	/* c-ares' ARES_GETSOCK_* macros shift a signed 1 into the sign bit */
	guint bits = (guint)ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
	nfds_t n = 0;

	fds[n++] = (struct pollfd){ .fd = r->wake, .events = POLLIN };
	for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		short ev = (bits & (1u << i) ? POLLIN : 0) |
			   (bits & (1u << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0);

		if (ev)
			fds[n++] = (struct pollfd){ .fd = socks[i], .events = ev };
	}
	tvp = ares_timeout(r->channel, &max, &tv);
	if (poll(fds, n, (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000)) < 0 && errno != EINTR)
		g_usleep(10000);
	if (fds[0].revents & POLLIN) {
		guint64 count;

		if (read(r->wake, &count, sizeof(count)) < 0) { /* nothing to do */ }
	}
	for (nfds_t i = 1; i < n; i++)
		ares_process_fd(r->channel,
				fds[i].revents & (POLLIN | POLLERR | POLLHUP) ? fds[i].fd
									   : ARES_SOCKET_BAD,
				fds[i].revents & POLLOUT ? fds[i].fd : ARES_SOCKET_BAD);
	/* timeouts are processed too when nothing was ready */
	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

static gpointer
pc_resolver_thread(gpointer data)
{
	PcResolver *r = data;

	for (;;) {
		g_autoptr(GPtrArray) names = NULL;

		g_mutex_lock(&r->lock);
		names = g_steal_pointer(&r->todo);
		r->todo = g_ptr_array_new_with_free_func(g_free);
		if (r->stop) {
			g_mutex_unlock(&r->lock);
			break;
		}
		g_mutex_unlock(&r->lock);
		pc_resolver_send(r, names);
		pc_resolver_poll(r);
	}
	ares_cancel(r->channel);
	return NULL;
}

PcResolver *
pc_resolver_new(const char *servers, guint timeout_ms, GError **error)
{
	PcResolver *r = g_new0(PcResolver, 1);
	struct ares_options opts = { 0 };
	int status;

	opts.timeout = (int)MAX(timeout_ms, 100);
	opts.tries = 2;
	/* EDNS: a 2048-bit DKIM key does not fit the 512 bytes of plain UDP;
	 * 1232 is the size DNS flag day 2020 settled on (no fragmentation) */
	opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS;
	opts.ednspsz = 1232;
	status = ares_library_init(ARES_LIB_INIT_ALL);
	if (status == ARES_SUCCESS)
		status = ares_init_options(&r->channel, &opts,
					   ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS |
					   ARES_OPT_EDNSPSZ);
	if (status != ARES_SUCCESS) {
		g_set_error(error, PC_RESOLVER_ERROR, 0, "DNS resolver: %s", ares_strerror(status));
		g_free(r);
		return NULL;
	}
	if (servers != NULL && *servers != '\0' &&
	    (status = ares_set_servers_ports_csv(r->channel, servers)) != ARES_SUCCESS) {
		g_set_error(error, PC_RESOLVER_ERROR, 0, "DNS servers \"%s\": %s", servers,
			    ares_strerror(status));
		ares_destroy(r->channel);
		g_free(r);
		return NULL;
	}
	r->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g_mutex_init(&r->lock);
	g_cond_init(&r->answered);
	r->cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pc_dns_entry_free);
	r->todo = g_ptr_array_new_with_free_func(g_free);
	return r;
}

static void
pc_resolver_wake(PcResolver *r)
{
	guint64 one = 1;

	if (write(r->wake, &one, sizeof(one)) < 0) { /* already pending: fine */ }
}

void
pc_resolver_free(PcResolver *r)
{
	if (r == NULL)
		return;
	g_mutex_lock(&r->lock);
	r->stop = TRUE;
	g_mutex_unlock(&r->lock);
	pc_resolver_wake(r);
	if (r->thread != NULL)
		g_thread_join(r->thread);
	ares_destroy(r->channel);	/* after the thread: callbacks use the cache */
	ares_library_cleanup();
	close(r->wake);
	g_hash_table_unref(r->cache);
	g_ptr_array_unref(r->todo);
	g_cond_clear(&r->answered);
	g_mutex_clear(&r->lock);
	g_free(r->key);
	g_free(r);
}

/* Shared resolvers by "servers/timeout": an engine built by a reload takes
 * over its predecessor's cache and queries in flight, so a reload (after
 * every signature update) neither asks again nor waits again for a dead
 * list. */
static GMutex pc_shared_lock;
static GHashTable *pc_shared;	/* key -> PcResolver */

PcResolver *
pc_resolver_acquire(const char *servers, guint timeout_ms, GError **error)
{
	g_autofree char *key = g_strdup_printf("%s/%u", servers ? servers : "", timeout_ms);
	PcResolver *r;

	g_mutex_lock(&pc_shared_lock);
	if (pc_shared == NULL)
		pc_shared = g_hash_table_new(g_str_hash, g_str_equal);
	r = g_hash_table_lookup(pc_shared, key);
	if (r != NULL) {
		r->refs++;
	} else if ((r = pc_resolver_new(servers, timeout_ms, error)) != NULL) {
		r->key = g_steal_pointer(&key);
		r->refs = 1;
		g_hash_table_insert(pc_shared, r->key, r);
	}
	g_mutex_unlock(&pc_shared_lock);
	return r;
}

void
pc_resolver_release(PcResolver *r)
{
	if (r == NULL)
		return;
	g_mutex_lock(&pc_shared_lock);
	if (--r->refs == 0) {
		g_hash_table_remove(pc_shared, r->key);
		if (g_hash_table_size(pc_shared) == 0)
			g_clear_pointer(&pc_shared, g_hash_table_unref);
	} else {
		r = NULL;
	}
	g_mutex_unlock(&pc_shared_lock);
	pc_resolver_free(r);	/* outside the lock: it joins the thread */
}

static gboolean
pc_dns_entry_expired(gpointer key, gpointer value, gpointer now)
{
	const PcDnsEntry *e = value;

	(void)key;
	return e->done && e->expires <= *(gint64 *)now;
}

/* Under the lock: TRUE when a query was queued. */
static gboolean
pc_resolver_start_locked(PcResolver *r, const char *key, gint64 now)
{
	PcDnsEntry *e = g_hash_table_lookup(r->cache, key);

	if (e != NULL && (!e->done || e->expires > now))
		return FALSE;
	if (e == NULL && g_hash_table_size(r->cache) >= PC_CACHE_SWEEP)
		g_hash_table_foreach_remove(r->cache, pc_dns_entry_expired, &now);
	if (e == NULL) {
		e = g_new0(PcDnsEntry, 1);
		g_hash_table_insert(r->cache, g_strdup(key), e);
	}
	g_clear_pointer(&e->records, g_strfreev);
	e->status = PC_DNS_ERROR;
	e->done = FALSE;
	e->expires = 0;
	g_ptr_array_add(r->todo, g_strdup(key));
	/* Started at the first query, not with the engine: the daemon builds
	 * its engine before it forks into the background, and a thread does
	 * not survive fork(); queries would wait their whole budget, unanswered. */
	if (r->thread == NULL)
		r->thread = g_thread_new("dns", pc_resolver_thread, r);
	return TRUE;
}

void
pc_resolver_start_type(PcResolver *r, PcDnsType type, const char *name)
{
	g_autofree char *key = pc_resolver_key(type, name);
	gboolean queued;

	g_mutex_lock(&r->lock);
	queued = pc_resolver_start_locked(r, key, g_get_monotonic_time());
	g_mutex_unlock(&r->lock);
	if (queued)
		pc_resolver_wake(r);
}

void
pc_resolver_start(PcResolver *r, const char *name)
{
	pc_resolver_start_type(r, PC_DNS_A, name);
}

/* Under the lock: how many keys are still in flight; answers filled. */
static guint
pc_resolver_collect(PcResolver *r, GPtrArray *keys, GHashTable *answers, guint *failed)
{
	guint pending = 0;

	*failed = 0;
	for (guint i = 0; i < keys->len; i++) {
		const char *key = g_ptr_array_index(keys, i);
		const PcDnsEntry *e = g_hash_table_lookup(r->cache, key);

		if (e == NULL || !e->done)
			pending++;
		else if (e->status == PC_DNS_ERROR)
			(*failed)++;
		else if (!g_hash_table_contains(answers, key + 2))
			g_hash_table_insert(answers, g_strdup(key + 2),
					    e->records ? g_strjoinv(" ", e->records) : g_strdup(""));
	}
	return pending;
}

/* Under the lock: queues what is not cached and waits for all of keys. */
static guint
pc_resolver_wait_locked(PcResolver *r, GPtrArray *keys, gint64 deadline, GHashTable *answers)
{
	gboolean queued = FALSE;
	guint pending, failed;
	gint64 now = g_get_monotonic_time();

	for (guint i = 0; i < keys->len; i++)
		queued |= pc_resolver_start_locked(r, g_ptr_array_index(keys, i), now);
	if (queued)
		pc_resolver_wake(r);
	while ((pending = pc_resolver_collect(r, keys, answers, &failed)) > 0)
		if (!g_cond_wait_until(&r->answered, &r->lock, deadline)) {
			pending = pc_resolver_collect(r, keys, answers, &failed);
			break;
		}
	return pending + failed;
}

guint
pc_resolver_wait(PcResolver *r, GPtrArray *names, gint64 deadline, GHashTable *answers)
{
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	guint missing;

	for (guint i = 0; i < names->len; i++)
		g_ptr_array_add(keys, pc_resolver_key(PC_DNS_A, g_ptr_array_index(names, i)));
	g_mutex_lock(&r->lock);
	missing = pc_resolver_wait_locked(r, keys, deadline, answers);
	g_mutex_unlock(&r->lock);
	return missing;
}

PcDnsStatus
pc_resolver_lookup(PcResolver *r, PcDnsType type, const char *name, gint64 deadline,
		   GPtrArray *records)
{
	g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GHashTable) unused = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							     g_free);
	const PcDnsEntry *e;
	PcDnsStatus status = PC_DNS_ERROR;

	g_ptr_array_add(keys, pc_resolver_key(type, name));
	g_mutex_lock(&r->lock);
	pc_resolver_wait_locked(r, keys, deadline, unused);
	e = g_hash_table_lookup(r->cache, keys->pdata[0]);
	if (e != NULL && e->done) {
		status = e->status;
		for (char **rec = e->records; rec != NULL && *rec != NULL; rec++)
			g_ptr_array_add(records, g_strdup(*rec));
	}
	g_mutex_unlock(&r->lock);
	return status;
}

PcDnsStatus
pc_resolver_lookup_func(gpointer data, PcDnsType type, const char *name, GPtrArray *records)
{
	const PcResolverLookup *l = data;
	gint64 start = g_get_monotonic_time();
	PcDnsStatus status = pc_resolver_lookup(l->resolver, type, name, l->deadline, records);

	if (l->waited_us != NULL)
		*l->waited_us += g_get_monotonic_time() - start;
	return status;
}

char *
pc_resolver_reverse(const char *address)
{
	guint8 bytes[16];
	GString *out;

	if (inet_pton(AF_INET, address, bytes) == 1)
		return g_strdup_printf("%u.%u.%u.%u", bytes[3], bytes[2], bytes[1], bytes[0]);
	if (inet_pton(AF_INET6, address, bytes) != 1)
		return NULL;
	out = g_string_new(NULL);
	for (int i = 15; i >= 0; i--)
		g_string_append_printf(out, "%s%x.%x", i < 15 ? "." : "", bytes[i] & 0xf,
				       bytes[i] >> 4);
	return g_string_free(out, FALSE);
}
