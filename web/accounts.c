/*
 * NAME
 *	accounts.c - users, passwords and sessions of the web console (accounts.h)
 */
#include "config.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>
#include <portcullis/random.h>

#include "accounts.h"

#define PCW_TOKEN_BYTES 32
#define PCW_TABLE_MAX 10000	/* sessions, and names and addresses that failed */

struct _PcwAccounts {
	GPtrArray *users;	/* PcwUser * */
};

typedef struct {
	char *user;
	char *csrf;
	gint64 started, used;
} PcwSession;

/* Failures of one name or one address in the current window. */
typedef struct {
	guint count;
	gint64 since;
} PcwFailures;

struct _PcwSessions {
	GMutex lock;
	GHashTable *sessions;	/* token -> PcwSession */
	GHashTable *failures;	/* "n:NAME" or "a:ADDRESS" -> PcwFailures */
	guint idle, lifetime;
};

G_DEFINE_QUARK(pcw-error-quark, pcw_error)

static void
pcw_user_free(gpointer data)
{
	PcwUser *u = data;

	g_free(u->name);
	g_free(u->hash);
	g_strfreev(u->domains);
	g_free(u);
}

static gboolean
pcw_bad_line(GError **error, const char *path, guint line, const char *what)
{
	g_set_error(error, PCW_ERROR, 0, "%s:%u: %s", path, line, what);
	return FALSE;
}

/* One "NAME:HASH:ROLE[:DOMAINS]" line into users. */
static gboolean
pcw_parse_user(const char *text, const char *path, guint line, GPtrArray *users, GError **error)
{
	g_auto(GStrv) f = g_strsplit(text, ":", 4);
	PcwUser *u;

	if (g_strv_length(f) < 3 || *f[0] == '\0')
		return pcw_bad_line(error, path, line, "want NAME:HASH:ROLE[:DOMAINS]");
	if (!g_str_has_prefix(f[1], "$y$") && !g_str_has_prefix(f[1], "$2b$"))
		return pcw_bad_line(error, path, line, "the hash is not yescrypt ($y$) or bcrypt ($2b$)");
	if (strcmp(f[2], "admin") != 0 && strcmp(f[2], "domain") != 0)
		return pcw_bad_line(error, path, line, "the role is not admin or domain");
	if (strcmp(f[2], "domain") == 0 && (f[3] == NULL || *f[3] == '\0'))
		return pcw_bad_line(error, path, line, "a domain administrator needs DOMAINS");
	for (guint i = 0; i < users->len; i++)
		if (strcmp(((PcwUser *)g_ptr_array_index(users, i))->name, f[0]) == 0)
			return pcw_bad_line(error, path, line, "the name is there twice");
	u = g_new0(PcwUser, 1);
	u->name = g_strdup(f[0]);
	u->hash = g_strdup(f[1]);
	u->role = strcmp(f[2], "admin") == 0 ? PCW_ROLE_ADMIN : PCW_ROLE_DOMAIN;
	u->domains = u->role == PCW_ROLE_DOMAIN ? g_strsplit(f[3], ",", -1) : g_new0(char *, 1);
	for (guint i = 0; u->domains[i] != NULL; i++) {
		char *d = g_ascii_strdown(g_strstrip(u->domains[i]), -1);

		g_free(u->domains[i]);
		u->domains[i] = d;
		if (*d == '\0') {
			pcw_user_free(u);
			return pcw_bad_line(error, path, line, "an empty domain in DOMAINS");
		}
	}
	g_ptr_array_add(users, u);
	return TRUE;
}

PcwAccounts *
pcw_accounts_load(const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	PcwAccounts *a;

	if (!g_file_get_contents(path, &text, NULL, error))
		return NULL;
	a = pcw_accounts_new();
	lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		char *line = g_strstrip(lines[i]);

		if (*line == '\0' || *line == '#')
			continue;
		if (!pcw_parse_user(line, path, i + 1, a->users, error)) {
			pcw_accounts_free(a);
			return NULL;
		}
	}
	return a;
}

PcwAccounts *
pcw_accounts_new(void)
{
	PcwAccounts *a = g_atomic_rc_box_new0(PcwAccounts);

	a->users = g_ptr_array_new_with_free_func(pcw_user_free);
	return a;
}

PcwAccounts *
pcw_accounts_ref(PcwAccounts *a)
{
	return g_atomic_rc_box_acquire(a);
}

static void
pcw_accounts_clear(gpointer data)
{
	PcwAccounts *a = data;

	g_ptr_array_unref(a->users);
}

void
pcw_accounts_free(PcwAccounts *a)
{
	if (a != NULL)
		g_atomic_rc_box_release_full(a, pcw_accounts_clear);
}

const PcwUser *
pcw_accounts_find(const PcwAccounts *a, const char *name)
{
	for (guint i = 0; name != NULL && i < a->users->len; i++) {
		const PcwUser *u = g_ptr_array_index(a->users, i);

		if (strcmp(u->name, name) == 0)
			return u;
	}
	return NULL;
}

char *
pcw_password_hash(const char *password, GError **error)
{
	g_autofree char *salt = crypt_gensalt_ra("$y$", 0, NULL, 0);	/* libcrypt's entropy */
	void *data = NULL;
	int size = 0;
	char *hash = salt ? crypt_ra(password, salt, &data, &size) : NULL;
	char *out = hash && *hash != '*' ? g_strdup(hash) : NULL;

	free(data);
	if (out == NULL)
		g_set_error(error, PCW_ERROR, 0, "libcrypt cannot make a yescrypt hash");
	return out;
}

gboolean
pcw_password_check(const char *hash, const char *password)
{
	void *data = NULL;
	int size = 0;
	const char *again = crypt_ra(password, hash, &data, &size);
	gboolean ok = again != NULL && *again != '*' && pc_secret_equal(again, hash);

	free(data);
	return ok;
}

gboolean
pcw_user_sees(const PcwUser *user, const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;
	g_autofree char *domain = at ? g_ascii_strdown(at + 1, -1) : NULL;

	if (user->role == PCW_ROLE_ADMIN)
		return TRUE;
	for (guint i = 0; domain != NULL && user->domains[i] != NULL; i++) {
		const char *d = user->domains[i];
		gsize dl = strlen(d), al = strlen(domain);

		if (strcmp(domain, d) == 0 ||
		    (al > dl && domain[al - dl - 1] == '.' && strcmp(domain + al - dl, d) == 0))
			return TRUE;
	}
	return FALSE;
}

static void
pcw_session_free(gpointer data)
{
	PcwSession *s = data;

	g_free(s->user);
	g_free(s->csrf);
	g_free(s);
}

PcwSessions *
pcw_sessions_new(guint idle_s, guint lifetime_s)
{
	PcwSessions *ss = g_new0(PcwSessions, 1);

	g_mutex_init(&ss->lock);
	ss->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pcw_session_free);
	ss->failures = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ss->idle = idle_s;
	ss->lifetime = lifetime_s;
	return ss;
}

void
pcw_sessions_free(PcwSessions *ss)
{
	if (ss == NULL)
		return;
	g_hash_table_unref(ss->sessions);
	g_hash_table_unref(ss->failures);
	g_mutex_clear(&ss->lock);
	g_free(ss);
}

/* Under the lock: whether key is locked out now. */
static gboolean
pcw_locked_out(PcwSessions *ss, const char *key, gint64 now)
{
	PcwFailures *f = g_hash_table_lookup(ss->failures, key);

	if (f != NULL && now - f->since >= PCW_LOGIN_WINDOW) {
		g_hash_table_remove(ss->failures, key);
		return FALSE;
	}
	return f != NULL && f->count >= PCW_LOGIN_FAILURES;
}

static void
pcw_failed(PcwSessions *ss, const char *key, gint64 now)
{
	PcwFailures *f = g_hash_table_lookup(ss->failures, key);

	if (f == NULL) {
		f = g_new0(PcwFailures, 1);
		f->since = now;
		g_hash_table_insert(ss->failures, g_strdup(key), f);
	}
	f->count++;
}

static gboolean
pcw_failure_stale(gpointer key, gpointer value, gpointer now)
{
	(void)key;
	return *(gint64 *)now - ((PcwFailures *)value)->since >= PCW_LOGIN_WINDOW;
}

static gboolean
pcw_session_stale(gpointer key, gpointer value, gpointer data)
{
	const PcwSessions *ss = ((gpointer *)data)[0];
	gint64 now = *(gint64 *)((gpointer *)data)[1];
	const PcwSession *s = value;

	(void)key;
	return now - s->used > ss->idle || now - s->started > ss->lifetime;
}

/* Under the lock: both tables stay bounded whatever a client sends;
 * FALSE when the sessions are still full of live ones. */
static gboolean
pcw_prune(PcwSessions *ss, gint64 now)
{
	gpointer data[] = { ss, &now };

	if (g_hash_table_size(ss->failures) >= PCW_TABLE_MAX)
		g_hash_table_foreach_remove(ss->failures, pcw_failure_stale, &now);
	if (g_hash_table_size(ss->sessions) >= PCW_TABLE_MAX)
		g_hash_table_foreach_remove(ss->sessions, pcw_session_stale, data);
	return g_hash_table_size(ss->sessions) < PCW_TABLE_MAX;
}

/* The hash an unknown name is checked against, so that it costs the same. */
static const char *
pcw_dummy_hash(void)
{
	static char *hash;

	if (g_once_init_enter(&hash))
		g_once_init_leave(&hash, pcw_password_hash("no such user", NULL));
	return hash ? hash : "$y$j9T$unused$unused";
}

char *
pcw_login(PcwSessions *ss, const PcwAccounts *accounts, const char *name, const char *password,
	  const char *address, gint64 now, char **csrf, GError **error)
{
	g_autofree char *by_name = g_strconcat("n:", name, NULL);
	g_autofree char *by_address = g_strconcat("a:", address ? address : "", NULL);
	const PcwUser *user = pcw_accounts_find(accounts, name);
	gboolean locked, ok;
	PcwSession *s;
	char *token;

	g_mutex_lock(&ss->lock);
	/* a full failures table locks everyone out rather than forgetting */
	locked = !pcw_prune(ss, now) || g_hash_table_size(ss->failures) >= PCW_TABLE_MAX ||
		 pcw_locked_out(ss, by_name, now) || pcw_locked_out(ss, by_address, now);
	g_mutex_unlock(&ss->lock);
	if (locked) {
		g_set_error(error, PCW_ERROR, 0, "too many failed logins, try later");
		return NULL;
	}
	ok = pcw_password_check(user ? user->hash : pcw_dummy_hash(), password) && user != NULL;
	g_mutex_lock(&ss->lock);
	if (!ok) {
		pcw_failed(ss, by_name, now);
		pcw_failed(ss, by_address, now);
		g_mutex_unlock(&ss->lock);
		g_set_error(error, PCW_ERROR, 0, "wrong name or password");
		return NULL;
	}
	g_mutex_unlock(&ss->lock);
	token = pc_random_hex(PCW_TOKEN_BYTES, error);
	s = g_new0(PcwSession, 1);
	s->csrf = token ? pc_random_hex(PCW_TOKEN_BYTES, error) : NULL;
	if (s->csrf == NULL) {
		pcw_session_free(s);
		g_free(token);
		return NULL;
	}
	s->user = g_strdup(name);
	s->started = s->used = now;
	*csrf = g_strdup(s->csrf);
	g_mutex_lock(&ss->lock);
	g_hash_table_insert(ss->sessions, g_strdup(token), s);
	g_mutex_unlock(&ss->lock);
	return token;
}

/* Under the lock: the live session of token, or NULL (an expired one is dropped). */
static PcwSession *
pcw_session_live(PcwSessions *ss, const char *token, gint64 now)
{
	PcwSession *s = token ? g_hash_table_lookup(ss->sessions, token) : NULL;

	if (s != NULL && (now - s->used > ss->idle || now - s->started > ss->lifetime)) {
		g_hash_table_remove(ss->sessions, token);
		return NULL;
	}
	return s;
}

char *
pcw_session_user(PcwSessions *ss, const char *token, gint64 now)
{
	PcwSession *s;
	char *user = NULL;

	g_mutex_lock(&ss->lock);
	s = pcw_session_live(ss, token, now);
	if (s != NULL) {
		s->used = now;
		user = g_strdup(s->user);
	}
	g_mutex_unlock(&ss->lock);
	return user;
}

gboolean
pcw_session_csrf_ok(PcwSessions *ss, const char *token, const char *csrf)
{
	PcwSession *s;
	gboolean ok;

	g_mutex_lock(&ss->lock);
	s = token ? g_hash_table_lookup(ss->sessions, token) : NULL;
	ok = s != NULL && csrf != NULL && pc_secret_equal(s->csrf, csrf);
	g_mutex_unlock(&ss->lock);
	return ok;
}

char *
pcw_session_csrf(PcwSessions *ss, const char *token, gint64 now)
{
	PcwSession *s;
	char *csrf;

	g_mutex_lock(&ss->lock);
	s = pcw_session_live(ss, token, now);
	csrf = s ? g_strdup(s->csrf) : NULL;
	g_mutex_unlock(&ss->lock);
	return csrf;
}

void
pcw_logout(PcwSessions *ss, const char *token)
{
	g_mutex_lock(&ss->lock);
	if (token != NULL)
		g_hash_table_remove(ss->sessions, token);
	g_mutex_unlock(&ss->lock);
}
