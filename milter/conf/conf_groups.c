/*
 * NAME
 *	conf_groups.c - [group:NAME] sections: conditions and policy overrides
 * DESCRIPTION
 *	A group section has the group's conditions (senders, recipients,
 *	clients, authenticated), its priority, and any per-message key of
 *	[scan], [filter], [policy] and [notify] by its bare name.  Its policy
 *	starts as a copy of the default policy, complete with -o overrides,
 *	so a group states only what differs.  Sections come from
 *	portcullis.conf first, then from the *.conf files of groups_dir in name order;
 *	that is the order that breaks priority ties.
 * DIAGNOSTICS
 *	Every error names file and line: "groups.d/sales.conf:4:
 *	[group:sales] senders: \"re:([\": ...".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf_keys.h"
#include "groups.h"

static void
pcm_group_free(gpointer data)
{
	PcGroup *group = data;

	pcm_policy_clear(&group->policy);
	pc_group_free_conditions(group);
}

static gboolean
pcm_group_masks(PcMasks **masks, const char *value, GError **error)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	pc_masks_unref(*masks);
	*masks = pc_masks_new();
	for (guint i = 0; items[i] != NULL; i++)
		if (*g_strstrip(items[i]) != '\0' && !pc_masks_add(*masks, items[i], error))
			return FALSE;
	return TRUE;
}

static gboolean
pcm_group_clients(PcGroup *group, const char *value, GError **error)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	pc_networks_unref(group->clients);
	group->clients = pc_networks_new();
	for (guint i = 0; items[i] != NULL; i++)
		if (*g_strstrip(items[i]) != '\0' &&
		    !pc_networks_add(group->clients, items[i], error))
			return FALSE;
	return TRUE;
}

static gboolean
pcm_group_priority(PcGroup *group, const char *value, GError **error)
{
	char *end = NULL;
	long n = strtol(value, &end, 10);

	if (*value == '\0' || *end != '\0' || n < -1000000 || n > 1000000) {
		g_set_error(error, PCM_CONF_ERROR, 0, "\"%s\" is not a whole number", value);
		return FALSE;
	}
	group->priority = (gint)n;
	return TRUE;
}

static gboolean
pcm_group_authenticated(PcGroup *group, const char *value, GError **error)
{
	if (g_ascii_strcasecmp(value, "yes") == 0 || g_ascii_strcasecmp(value, "no") == 0) {
		group->authenticated = g_ascii_strcasecmp(value, "yes") == 0;
		return TRUE;
	}
	g_set_error(error, PCM_CONF_ERROR, 0, "\"%s\" is not yes or no", value);
	return FALSE;
}

/* A per-message key: parsed into the group's copy of the policy. */
static gboolean
pcm_group_policy_key(PcGroup *group, const char *key, const char *value, GError **error)
{
	const PcmKey *row = pcm_policy_key(key);
	const PcmKey *other;

	if (row != NULL)
		return pcm_key_set(pcm_policy_field(&group->policy, row), row, value, error);
	other = pcm_conf_key_named(key);
	if (other != NULL)
		g_set_error(error, PCM_CONF_ERROR, 0, "engine-wide key of [%s], not a policy "
			    "key: set it there, for all mail", other->group);
	else
		g_set_error(error, PCM_CONF_ERROR, 0, "unknown policy key (a group takes "
			    "senders, recipients, clients, authenticated, priority and the "
			    "keys of [scan], [filter], [policy] and [notify])");
	return FALSE;
}

static gboolean
pcm_group_key(PcGroup *group, const char *key, const char *value, GError **error)
{
	if (strcmp(key, "senders") == 0)
		return pcm_group_masks(&group->senders, value, error);
	if (strcmp(key, "recipients") == 0)
		return pcm_group_masks(&group->recipients, value, error);
	if (strcmp(key, "clients") == 0)
		return pcm_group_clients(group, value, error);
	if (strcmp(key, "priority") == 0)
		return pcm_group_priority(group, value, error);
	if (strcmp(key, "authenticated") == 0)
		return pcm_group_authenticated(group, value, error);
	return pcm_group_policy_key(group, key, value, error);
}

static const PcGroup *
pcm_group_named(const GPtrArray *groups, const char *name)
{
	for (guint i = 0; i < groups->len; i++)
		if (strcmp(((const PcGroup *)g_ptr_array_index(groups, i))->name, name) == 0)
			return g_ptr_array_index(groups, i);
	return NULL;
}

/* GKeyFile merges repeated sections; a repeated group is a mistake that
 * must not silently mix two policies, so the text is searched for it. */
static guint
pcm_group_repeated_at(const char *text, const char *section)
{
	g_autofree char *header = g_strdup_printf("[%s]", section);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean seen = FALSE;

	for (guint i = 0; lines[i] != NULL; i++) {
		if (strcmp(g_strstrip(lines[i]), header) != 0)
			continue;
		if (seen)
			return i + 1;
		seen = TRUE;
	}
	return 0;
}

static gboolean
pcm_group_build(PcmConfig *conf, const char *path, const char *text, GKeyFile *kf,
		const char *section, GError **error)
{
	const char *name = section + strlen(PCM_GROUP_PREFIX);
	guint line = pcm_conf_line_of(text, section, NULL);
	g_auto(GStrv) keys = g_key_file_get_keys(kf, section, NULL, NULL);
	const PcGroup *twin = pcm_group_named(conf->groups, name);
	guint again = pcm_group_repeated_at(text, section);
	PcGroup *group;

	if (*name == '\0') {
		g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: [%s]: group without a name", path,
			    line, section);
		return FALSE;
	}
	if (again > 0) {
		g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: [%s]: already defined at %s:%u",
			    path, again, section, path, line);
		return FALSE;
	}
	if (twin != NULL) {
		g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: [%s]: already defined at %s:%u",
			    path, line, section, twin->file, twin->line);
		return FALSE;
	}
	group = pc_group_new(name, path, line, conf->groups->len);
	g_ptr_array_add(conf->groups, group);
	pcm_policy_copy(&group->policy, &conf->policy);
	for (guint k = 0; keys != NULL && keys[k] != NULL; k++) {
		g_autoptr(GError) local = NULL;
		g_autofree char *value = g_key_file_get_string(kf, section, keys[k], &local);

		if (value == NULL || !pcm_group_key(group, keys[k], g_strstrip(value), &local)) {
			g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: [%s] %s: %s", path,
				    pcm_conf_line_of(text, section, keys[k]), section, keys[k],
				    local->message);
			return FALSE;
		}
	}
	return TRUE;
}

/* only_groups: a groups_dir file, where other sections are mistakes. */
static gboolean
pcm_groups_from(PcmConfig *conf, const char *path, const char *text, GKeyFile *kf,
		gboolean only_groups, GError **error)
{
	g_auto(GStrv) sections = g_key_file_get_groups(kf, NULL);

	for (guint i = 0; sections[i] != NULL; i++) {
		if (g_str_has_prefix(sections[i], PCM_GROUP_PREFIX)) {
			if (!pcm_group_build(conf, path, text, kf, sections[i], error))
				return FALSE;
		} else if (only_groups) {
			g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: [%s]: only [group:NAME] "
				    "sections belong in groups_dir", path,
				    pcm_conf_line_of(text, sections[i], NULL), sections[i]);
			return FALSE;
		}
	}
	return TRUE;
}

static gint
pcm_strcmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* *.conf in name order; a missing directory is no groups. */
static gboolean
pcm_groups_dir(PcmConfig *conf, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	const char *name;

	if (*conf->groups_dir == '\0' || !g_file_test(conf->groups_dir, G_FILE_TEST_EXISTS))
		return TRUE;
	dir = g_dir_open(conf->groups_dir, 0, &local);
	if (dir == NULL) {
		g_set_error(error, PCM_CONF_ERROR, 0, "[groups] groups_dir: %s", local->message);
		return FALSE;
	}
	while ((name = g_dir_read_name(dir)) != NULL)
		if (g_str_has_suffix(name, ".conf") && *name != '.')
			g_ptr_array_add(names, g_build_filename(conf->groups_dir, name, NULL));
	g_ptr_array_sort(names, pcm_strcmp);
	for (guint i = 0; i < names->len; i++) {
		const char *path = g_ptr_array_index(names, i);
		g_autofree char *text = NULL;
		g_autoptr(GKeyFile) kf = pcm_conf_read_file(path, &text, error);

		if (kf == NULL || !pcm_groups_from(conf, path, text, kf, TRUE, error))
			return FALSE;
	}
	return TRUE;
}

gboolean
pcm_conf_load_groups(PcmConfig *conf, const char *path, const char *text, GKeyFile *kf,
		     GError **error)
{
	conf->groups = g_ptr_array_new_with_free_func(pcm_group_free);
	if (kf != NULL && !pcm_groups_from(conf, path, text, kf, FALSE, error))
		return FALSE;
	if (!pcm_groups_dir(conf, error))
		return FALSE;
	pc_groups_sort(conf->groups);
	return TRUE;
}
