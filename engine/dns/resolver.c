/*
 * NAME
 *	resolver.c - DNS list lookups on c-ares, one thread, a shared cache
 */
#include "config.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
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
	char *answer;		/* NULL while in flight or after a failure */
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
	GHashTable *cache;	/* name -> PcDnsEntry */
	GPtrArray *todo;	/* names to send (the thread owns the channel) */
	gboolean stop;
};

#define PC_RESOLVER_ERROR (g_quark_from_static_string("pc-resolver-error"))

static void
pc_dns_entry_free(gpointer data)
{
	PcDnsEntry *e = data;

	g_free(e->answer);
	g_free(e);
}

/* An answer's text and how long it may be kept. */
static char *
pc_resolver_parse(const unsigned char *abuf, int alen, int *ttl)
{
	struct ares_addrttl addrs[16];
	int n = G_N_ELEMENTS(addrs);
	GString *out = g_string_new(NULL);

	*ttl = PC_TTL_MAX;
	if (ares_parse_a_reply(abuf, alen, NULL, addrs, &n) != ARES_SUCCESS)
		n = 0;
	for (int i = 0; i < n; i++) {
		char text[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &addrs[i].ipaddr, text, sizeof(text));
		g_string_append_printf(out, "%s%s", out->len ? " " : "", text);
		*ttl = MIN(*ttl, addrs[i].ttl);
	}
	*ttl = CLAMP(*ttl, PC_TTL_MIN, PC_TTL_MAX);
	return g_string_free(out, FALSE);
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
	char *answer = NULL;

	(void)timeouts;
	if (status == ARES_SUCCESS) {
		answer = pc_resolver_parse(abuf, alen, &ttl);
	} else if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		answer = g_strdup("");
		ttl = PC_TTL_NXDOMAIN;
	}
	g_mutex_lock(&r->lock);
	if ((e = g_hash_table_lookup(r->cache, q->name)) != NULL) {
		g_free(e->answer);
		e->answer = answer;
		e->done = TRUE;
		e->expires = g_get_monotonic_time() + (gint64)ttl * G_USEC_PER_SEC;
	} else {
		g_free(answer);
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
		ares_query(r->channel, q->name, ns_c_in, ns_t_a, pc_resolver_answered, q);
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
	opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
	status = ares_library_init(ARES_LIB_INIT_ALL);
	if (status == ARES_SUCCESS)
		status = ares_init_options(&r->channel, &opts,
					   ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS);
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
pc_resolver_start_locked(PcResolver *r, const char *name, gint64 now)
{
	PcDnsEntry *e = g_hash_table_lookup(r->cache, name);

	if (e != NULL && (!e->done || e->expires > now))
		return FALSE;
	if (e == NULL && g_hash_table_size(r->cache) >= PC_CACHE_SWEEP)
		g_hash_table_foreach_remove(r->cache, pc_dns_entry_expired, &now);
	if (e == NULL) {
		e = g_new0(PcDnsEntry, 1);
		g_hash_table_insert(r->cache, g_strdup(name), e);
	}
	g_clear_pointer(&e->answer, g_free);
	e->done = FALSE;
	e->expires = 0;
	g_ptr_array_add(r->todo, g_strdup(name));
	/* Started at the first query, not with the engine: the daemon builds
	 * its engine before it forks into the background, and a thread does
	 * not survive fork(); queries would wait their whole budget, unanswered. */
	if (r->thread == NULL)
		r->thread = g_thread_new("dns", pc_resolver_thread, r);
	return TRUE;
}

void
pc_resolver_start(PcResolver *r, const char *name)
{
	gboolean queued;

	g_mutex_lock(&r->lock);
	queued = pc_resolver_start_locked(r, name, g_get_monotonic_time());
	g_mutex_unlock(&r->lock);
	if (queued)
		pc_resolver_wake(r);
}

/* Under the lock: how many names are still in flight; answers filled. */
static guint
pc_resolver_collect(PcResolver *r, GPtrArray *names, GHashTable *answers, guint *failed)
{
	guint pending = 0;

	*failed = 0;
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		const PcDnsEntry *e = g_hash_table_lookup(r->cache, name);

		if (e == NULL || !e->done)
			pending++;
		else if (e->answer == NULL)
			(*failed)++;
		else if (!g_hash_table_contains(answers, name))
			g_hash_table_insert(answers, g_strdup(name), g_strdup(e->answer));
	}
	return pending;
}

guint
pc_resolver_wait(PcResolver *r, GPtrArray *names, gint64 deadline, GHashTable *answers)
{
	gboolean queued = FALSE;
	guint pending, failed;
	gint64 now = g_get_monotonic_time();

	g_mutex_lock(&r->lock);
	for (guint i = 0; i < names->len; i++)
		queued |= pc_resolver_start_locked(r, g_ptr_array_index(names, i), now);
	if (queued)
		pc_resolver_wake(r);
	while ((pending = pc_resolver_collect(r, names, answers, &failed)) > 0)
		if (!g_cond_wait_until(&r->answered, &r->lock, deadline)) {
			pending = pc_resolver_collect(r, names, answers, &failed);
			break;
		}
	g_mutex_unlock(&r->lock);
	return pending + failed;
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
