/*
 * Unit tests for the DNS list resolver (engine/dns/): answers from a real
 * list server (Debian's rbldnsd, started here on loopback), "no such
 * name", the cache, and a server that never answers costing no more than
 * the deadline.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "cases.h"
#include "dns/resolver.h"

/* A UDP socket on a free loopback port; the caller closes it. */
static int
udp_socket(guint *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *)&sa, &len), ==, 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void
test_rbldnsd(void)
{
	g_autofree char *dir = g_dir_make_tmp("pc-rbl-XXXXXX", NULL);
	g_autofree char *ip = g_build_filename(dir, "ip", NULL);
	g_autofree char *dom = g_build_filename(dir, "dom", NULL);
	g_autofree char *bind_to = NULL, *server = NULL;
	g_autoptr(GHashTable) answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							      g_free);
	g_autoptr(GPtrArray) names = pc_test_strings((const char *const[]){
		"1.0.0.127.bl.test", "55.2.0.192.bl.test", "2.0.0.127.bl.test",
		"spammy.example.uribl.test", NULL });
	guint port;
	int fd = udp_socket(&port);
	GPid pid;
	PcResolver *r;
	gint64 start;

	close(fd);	/* rbldnsd binds it next */
	g_assert_cmpint(g_chmod(dir, 0755), ==, 0);	/* read as nobody */
	g_assert_true(g_file_set_contents(ip, ":127.0.0.2:Listed\n127.0.0.1\n"
					  "192.0.2.55 :127.0.0.4:Listed too\n", -1, NULL));
	g_assert_true(g_file_set_contents(dom, ":127.0.0.2:Listed\nspammy.example\n", -1, NULL));
	bind_to = g_strdup_printf("127.0.0.1/%u", port);
	{
		/* timeout: a failed assertion must not leave the server running */
		const char *argv[] = { "timeout", "60", "rbldnsd", "-n", "-u", "nobody", "-w", dir,
				       "-b", bind_to, "bl.test:ip4set:ip", "uribl.test:dnset:dom",
				       NULL };

		g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
					    G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
					    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
					    NULL, NULL, &pid, NULL));
	}
	g_usleep(300000);
	server = g_strdup_printf("127.0.0.1:%u", port);
	r = pc_resolver_new(server, 500, NULL);
	g_assert_nonnull(r);
	g_assert_cmpuint(pc_resolver_wait(r, names, g_get_monotonic_time() + 3 * G_USEC_PER_SEC,
					  answers), ==, 0);
	g_assert_cmpstr(g_hash_table_lookup(answers, "1.0.0.127.bl.test"), ==, "127.0.0.2");
	g_assert_cmpstr(g_hash_table_lookup(answers, "55.2.0.192.bl.test"), ==, "127.0.0.4");
	g_assert_cmpstr(g_hash_table_lookup(answers, "2.0.0.127.bl.test"), ==, "");
	g_assert_cmpstr(g_hash_table_lookup(answers, "spammy.example.uribl.test"), ==,
			"127.0.0.2");
	/* other types, as sender authentication asks them */
	{
		g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func(g_free);
		gint64 deadline = g_get_monotonic_time() + 3 * G_USEC_PER_SEC;

		g_assert_cmpint(pc_resolver_lookup(r, PC_DNS_TXT, "55.2.0.192.bl.test", deadline,
						   records), ==, PC_DNS_ANSWER);
		g_assert_cmpuint(records->len, ==, 1);
		g_assert_cmpstr(records->pdata[0], ==, "Listed too");
		g_ptr_array_set_size(records, 0);
		g_assert_cmpint(pc_resolver_lookup(r, PC_DNS_TXT, "3.0.0.127.bl.test", deadline,
						   records), ==, PC_DNS_NXDOMAIN);
		g_assert_cmpuint(records->len, ==, 0);
		/* the A answer for the same name is cached apart from the TXT one */
		g_assert_cmpint(pc_resolver_lookup(r, PC_DNS_A, "55.2.0.192.bl.test", deadline,
						   records), ==, PC_DNS_ANSWER);
		g_assert_cmpstr(records->pdata[0], ==, "127.0.0.4");
	}
	/* the list server is gone: answers now come from the cache, at once */
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	g_spawn_close_pid(pid);
	g_hash_table_remove_all(answers);
	start = g_get_monotonic_time();
	g_assert_cmpuint(pc_resolver_wait(r, names, start + 3 * G_USEC_PER_SEC, answers), ==, 0);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 100000);
	g_assert_cmpuint(g_hash_table_size(answers), ==, 4);
	pc_resolver_free(r);
	g_unlink(ip);
	g_unlink(dom);
	g_rmdir(dir);
}

/* A DNS server that takes queries and never answers, as "127.0.0.1:PORT";
 * the caller closes the socket. */
static int
silent_server(char **server)
{
	guint port;
	int fd = udp_socket(&port);

	*server = g_strdup_printf("127.0.0.1:%u", port);
	return fd;
}

/* A server that takes queries and never answers: the wait ends at the
 * deadline, the name is reported missing, and the failure is cached. */
static void
test_silent_server(void)
{
	g_autofree char *server = NULL;
	int fd = silent_server(&server);
	g_autoptr(GHashTable) answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							      g_free);
	g_autoptr(GPtrArray) names = pc_test_strings((const char *const[]){ "1.0.0.127.slow.test", NULL });
	PcResolver *r = pc_resolver_new(server, 200, NULL);
	gint64 start = g_get_monotonic_time(), took;

	g_assert_cmpuint(pc_resolver_wait(r, names, start + 300000, answers), ==, 1);
	took = g_get_monotonic_time() - start;
	g_test_message("waited %" G_GINT64_FORMAT " µs for a budget of 300000", took);
	g_assert_cmpint(took, >=, 290000);
	g_assert_cmpint(took, <, 450000);
	g_assert_cmpuint(g_hash_table_size(answers), ==, 0);
	/* c-ares gives up after two tries of 200 ms: then the failure is cached */
	g_usleep(300000);
	start = g_get_monotonic_time();
	g_assert_cmpuint(pc_resolver_wait(r, names, start + 300000, answers), ==, 1);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 100000);
	pc_resolver_free(r);
	close(fd);
}

/* An engine built by a reload acquires the resolver its predecessor holds:
 * the failure cached through the first is answered at once through the
 * second after the first is released; other servers get their own. */
static void
test_shared(void)
{
	g_autofree char *server = NULL;
	int fd = silent_server(&server);
	g_autoptr(GHashTable) answers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							      g_free);
	g_autoptr(GPtrArray) names = pc_test_strings((const char *const[]){ "2.0.0.127.slow.test", NULL });
	PcResolver *old = pc_resolver_acquire(server, 100, NULL);
	PcResolver *other = pc_resolver_acquire(server, 200, NULL);
	PcResolver *new;
	gint64 start = g_get_monotonic_time();

	g_assert_nonnull(old);
	g_assert_true(other != old);
	g_assert_cmpuint(pc_resolver_wait(old, names, start + 100000, answers), ==, 1);
	g_usleep(300000);	/* c-ares gives up after two tries of 100 ms */
	new = pc_resolver_acquire(server, 100, NULL);
	g_assert_true(new == old);
	pc_resolver_release(old);
	start = g_get_monotonic_time();
	g_assert_cmpuint(pc_resolver_wait(new, names, start + 300000, answers), ==, 1);
	g_assert_cmpint(g_get_monotonic_time() - start, <, 100000);
	pc_resolver_release(new);
	pc_resolver_release(other);
	close(fd);
}

static void
test_bad_servers(void)
{
	g_autoptr(GError) error = NULL;

	g_assert_null(pc_resolver_new("not an address", 100, &error));
	g_assert_nonnull(strstr(error->message, "not an address"));
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/resolver/rbldnsd", test_rbldnsd);
	g_test_add_func("/resolver/silent-server", test_silent_server);
	g_test_add_func("/resolver/shared", test_shared);
	g_test_add_func("/resolver/bad-servers", test_bad_servers);
	return g_test_run();
}
