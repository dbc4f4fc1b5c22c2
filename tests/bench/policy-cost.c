/*
 * policy-cost - what policy groups cost per message
 *   policy-cost GROUPS MASKS MESSAGES
 * Writes a configuration with GROUPS groups holding MASKS masks in all
 * (per group: mostly exact addresses, some *@domain, a few globs and one
 * re: mask; half the groups also have a client range), loads it as the
 * daemon does, then resolves MESSAGES envelopes of 3 recipients each, a
 * third of them matching no group (the slowest case: every group tried).
 * Prints the load time and the lookup cost per message and per recipient.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "conf.h"
#include "groups.h"

static char *
policy_conf(guint groups, guint masks)
{
	GString *text = g_string_new("[policy]\nblock = infected\n");
	guint per = MAX(masks / groups, 4);

	for (guint g = 0; g < groups; g++) {
		g_string_append_printf(text, "[group:g%u]\npriority = %u\nrecipients = ", g, g % 7);
		for (guint m = 0; m + 3 < per; m++)
			g_string_append_printf(text, "user%u@dom%u.test, ", m, g);
		g_string_append_printf(text, "*@team%u.test, *@*.sub%u.test, re:^list-[0-9]+@g%u\\.test$\n",
				       g, g, g);
		if (g % 2)
			g_string_append_printf(text, "clients = 10.%u.0.0/16\n", g);
		g_string_append(text, "block = infected, filtered\n");
	}
	return g_string_free(text, FALSE);
}

int
main(int argc, char **argv)
{
	guint groups = argc > 1 ? atoi(argv[1]) : 50;
	guint masks = argc > 2 ? atoi(argv[2]) : 10000;
	guint messages = argc > 3 ? atoi(argv[3]) : 100000;
	g_autofree char *text = policy_conf(groups, masks);
	g_autofree char *path = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(PcmConfig) conf = NULL;
	gint64 t0, t1, t2;
	guint hits = 0, total_masks = 0;
	int fd = g_file_open_tmp("policy-cost-XXXXXX.conf", &path, NULL);

	close(fd);
	g_file_set_contents(path, text, -1, NULL);
	t0 = g_get_monotonic_time();
	conf = pcm_conf_load(path, &error);
	t1 = g_get_monotonic_time();
	g_unlink(path);
	if (conf == NULL) {
		fprintf(stderr, "policy-cost: %s\n", error->message);
		return 1;
	}
	for (guint i = 0; i < conf->groups->len; i++)
		total_masks += pc_masks_count(((PcGroup *)g_ptr_array_index(conf->groups, i))->recipients);
	for (guint i = 0; i < messages; i++) {
		guint g = i % groups;
		char rcpt[3][64], client[32];

		g_snprintf(rcpt[0], sizeof(rcpt[0]), "user%u@dom%u.test", i % 150, g);
		g_snprintf(rcpt[1], sizeof(rcpt[1]), "someone@team%u.test", (i + 7) % groups);
		g_snprintf(rcpt[2], sizeof(rcpt[2]), "nobody%u@elsewhere.test", i);
		g_snprintf(client, sizeof(client), "10.%u.1.%u", g, i % 250);
		for (guint r = 0; r < 3; r++) {
			PcEnvelope env = { "sender@example.org", rcpt[r], client, FALSE };

			hits += pc_groups_match(conf->groups, &env) != NULL;
		}
	}
	t2 = g_get_monotonic_time();
	printf("groups %u, masks %u: load %.1f ms; %u messages x 3 recipients: %.2f us per "
	       "message, %.2f us per recipient (%u of %u recipients in a group)\n",
	       conf->groups->len, total_masks, (t1 - t0) / 1000.0, messages,
	       (double)(t2 - t1) / messages, (double)(t2 - t1) / (messages * 3.0), hits,
	       messages * 3);
	return 0;
}
