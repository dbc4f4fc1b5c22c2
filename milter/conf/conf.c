/*
 * NAME
 *	conf.c - load and validate portcullis.conf against the key table
 * DESCRIPTION
 *	The file is GKeyFile syntax ([group], key = value, # comments).  Every
 *	key is checked against conf_keys.c: unknown groups and keys are
 *	errors, values are parsed by type and bounds-checked.  GKeyFile does
 *	not report line numbers, so on error the key's line is found again in
 *	the file text.  Defaults go through the same parser, so a bad default
 *	is caught by the unit tests, not by a postmaster.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf_keys.h"
#include "groups.h"
#include "masks.h"
#include "template.h"

G_DEFINE_QUARK(pcm-conf-error-quark, pcm_conf_error)

static const char *const pcm_log_levels[] = { "error", "warning", "notice", "info", "debug", NULL };
static const int pcm_log_priorities[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

#define PCM_FIELD(conf, row, type) ((type *)((char *)(conf) + (row)->offset))

static const PcmKey *
pcm_conf_find(const char *group, const char *key)
{
	for (guint i = 0; i < pcm_conf_nkeys; i++)
		if (strcmp(pcm_conf_keys[i].group, group) == 0 &&
		    (key == NULL || strcmp(pcm_conf_keys[i].key, key) == 0))
			return &pcm_conf_keys[i];
	return NULL;
}

/* Plain decimal with an optional binary-multiple suffix: 512K, 10M, 1G. */
static gboolean
pcm_parse_size(const char *text, guint64 *out)
{
	char *end = NULL;
	guint64 value, mult = 1;

	if (!g_ascii_isdigit(*text))
		return FALSE;
	errno = 0;
	value = g_ascii_strtoull(text, &end, 10);
	if (errno != 0)
		return FALSE;
	switch (g_ascii_toupper(*end)) {
	case 'K': mult = 1024ULL; end++; break;
	case 'M': mult = 1024ULL * 1024; end++; break;
	case 'G': mult = 1024ULL * 1024 * 1024; end++; break;
	default: break;
	}
	if (g_ascii_strcasecmp(end, "") != 0 && g_ascii_strcasecmp(end, "B") != 0 &&
	    !(mult > 1 && g_ascii_strcasecmp(end, "iB") == 0))
		return FALSE;
	if (value > G_MAXUINT64 / mult)
		return FALSE;
	*out = value * mult;
	return TRUE;
}

static gboolean
pcm_parse_uint(const char *text, guint base, guint64 *out)
{
	char *end = NULL;

	if (!g_ascii_isdigit(*text))
		return FALSE;
	errno = 0;
	*out = g_ascii_strtoull(text, &end, base);
	return errno == 0 && *end == '\0';
}

static int
pcm_parse_choice(const char *const *choices, const char *text)
{
	for (int i = 0; choices[i] != NULL; i++)
		if (strcmp(choices[i], text) == 0)
			return i;
	return -1;
}

static gboolean
pcm_conf_fail(GError **error, const PcmKey *row, const char *value, const char *what)
{
	g_set_error(error, PCM_CONF_ERROR, 0, "[%s] %s: \"%s\" %s", row->group, row->key,
		    value, what);
	return FALSE;
}

static gboolean
pcm_conf_check_range(const PcmKey *row, const char *value, guint64 n, GError **error)
{
	g_autofree char *what = NULL;

	if (n >= row->min && (row->max == 0 || n <= row->max))
		return TRUE;
	if (row->type == PCM_KEY_SIZE) {
		g_autofree char *lo = pcm_conf_format_size(row->min);
		g_autofree char *hi = pcm_conf_format_size(row->max);

		what = g_strdup_printf("is out of range (%s to %s)", lo, hi);
	} else {
		what = g_strdup_printf("is out of range (%" G_GUINT64_FORMAT " to %"
				       G_GUINT64_FORMAT ")", row->min, row->max);
	}
	return pcm_conf_fail(error, row, value, what);
}

static gboolean
pcm_conf_set_choice(gpointer field, const PcmKey *row, const char *value,
		    const char *const *choices, GError **error)
{
	int index = pcm_parse_choice(choices, value);

	if (index < 0) {
		g_autofree char *list = g_strjoinv(", ", (char **)choices);
		g_autofree char *what = g_strdup_printf("is not one of: %s", list);

		return pcm_conf_fail(error, row, value, what);
	}
	*(gint *)field = row->type == PCM_KEY_LOGLEVEL ?
				      pcm_log_priorities[index] : index;
	return TRUE;
}

/* "a, b ,c" -> {"a","b","c"}; empty items dropped; NULL when empty. */
static char **
pcm_parse_list(const char *value)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);
	g_autoptr(GStrvBuilder) out = g_strv_builder_new();
	gboolean any = FALSE;

	for (guint i = 0; items[i] != NULL; i++) {
		if (*g_strstrip(items[i]) == '\0')
			continue;
		g_strv_builder_add(out, items[i]);
		any = TRUE;
	}
	return any ? g_strv_builder_end(out) : NULL;
}

static gboolean
pcm_parse_bool(const char *text, gboolean *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (guint i = 0; yes[i] != NULL; i++) {
		if (g_ascii_strcasecmp(text, yes[i]) == 0)
			return (*out = TRUE);
		if (g_ascii_strcasecmp(text, no[i]) == 0)
			return !(*out = FALSE);
	}
	return FALSE;
}

static gboolean
pcm_conf_set_statuses(gpointer field, const PcmKey *row, const char *value, GError **error)
{
	g_auto(GStrv) items = pcm_parse_list(value);
	guint mask = 0;

	for (guint i = 0; items != NULL && items[i] != NULL; i++) {
		int status = pc_status_from_name(items[i]);

		if (status <= PC_STATUS_UNSCANNED || status == PC_STATUS_ERROR) {
			g_autofree char *what = g_strdup_printf(
				"has \"%s\", not one of: infected, unscannable, encrypted, "
				"corrupted, suspicious, filtered, spam, probable", items[i]);

			return pcm_conf_fail(error, row, value, what);
		}
		mask |= 1u << status;
	}
	*(guint *)field = mask;
	return TRUE;
}

/* Drops a PCM_KEY_MASKS or PCM_KEY_NETWORKS field's reference. */
static void
pcm_conf_unref_list(gpointer field, const PcmKey *row)
{
	if (row->type == PCM_KEY_MASKS)
		g_clear_pointer((PcMasks **)field, pc_masks_unref);
	else if (row->type == PCM_KEY_NETWORKS)
		g_clear_pointer((PcNetworks **)field, pc_networks_unref);
}

static gboolean
pcm_conf_set_overrides(gpointer field, const PcmKey *row, const char *value, GError **error)
{
	char **items = pcm_parse_list(value);

	for (guint i = 0; items != NULL && items[i] != NULL; i++) {
		g_autofree char *glob = NULL;
		PcStatus status;

		if (!pc_signature_override_parse(items[i], &glob, &status)) {
			g_autofree char *what = g_strdup_printf(
				"has \"%s\", not GLOB=STATUS (STATUS: pass, suspicious, corrupted, "
				"encrypted, unscannable, infected)", items[i]);

			g_strfreev(items);
			return pcm_conf_fail(error, row, value, what);
		}
	}
	g_strfreev(*(char ***)field);
	*(char ***)field = items;
	return TRUE;
}

/* Address masks (masks.h) or client ranges, compiled once and shared by
 * every policy that inherits them. */
static gboolean
pcm_conf_set_lists(gpointer field, const PcmKey *row, const char *value, GError **error)
{
	g_auto(GStrv) items = pcm_parse_list(value);
	gboolean masks = row->type == PCM_KEY_MASKS;
	gpointer list = NULL;

	for (guint i = 0; items != NULL && items[i] != NULL; i++) {
		g_autoptr(GError) local = NULL;

		if (list == NULL)
			list = masks ? (gpointer)pc_masks_new() : (gpointer)pc_networks_new();
		if (!(masks ? pc_masks_add(list, items[i], &local)
			    : pc_networks_add(list, items[i], &local))) {
			masks ? pc_masks_unref(list) : pc_networks_unref(list);
			return pcm_conf_fail(error, row, value, local->message);
		}
	}
	pcm_conf_unref_list(field, row);
	*(gpointer *)field = list;
	return TRUE;
}

/* The value is a file; its text is kept, checked for unknown variables. */
static gboolean
pcm_conf_set_template(gpointer field, const PcmKey *row, const char *value, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *text = NULL;

	if (*value != '\0' && !g_file_get_contents(value, &text, NULL, &local))
		return pcm_conf_fail(error, row, value, local->message);
	if (text != NULL && !pc_template_check(text, row->choices, &local)) {
		g_set_error(error, PCM_CONF_ERROR, 0, "[%s] %s: %s:%d: %s", row->group, row->key,
			    value, local->code, local->message);
		return FALSE;
	}
	g_free(*(char **)field);
	*(char **)field = g_steal_pointer(&text);
	return TRUE;
}

static gboolean
pcm_conf_set_number(gpointer field, const PcmKey *row, const char *value, GError **error)
{
	char *end = NULL;
	double n = g_ascii_strtod(value, &end);

	if (*value == '\0' || *end != '\0' || n < (double)row->min || n > (double)row->max)
		return pcm_conf_fail(error, row, value, "is not a number in range");
	*(double *)field = n;
	return TRUE;
}

/* A one-line template: its {variables} are the row's choices. */
static gboolean
pcm_conf_check_text(const PcmKey *row, const char *value, GError **error)
{
	g_autoptr(GError) local = NULL;

	if (pc_template_check(value, row->choices, &local))
		return TRUE;
	return pcm_conf_fail(error, row, value, local->message);
}

gboolean
pcm_key_set(gpointer field, const PcmKey *row, const char *value, GError **error)
{
	guint64 n = 0;
	gboolean flag = FALSE;

	switch (row->type) {
	case PCM_KEY_STRING:
		if (row->min > 0 && *value == '\0')
			return pcm_conf_fail(error, row, value, "must not be empty");
		if (row->choices != NULL && !pcm_conf_check_text(row, value, error))
			return FALSE;
		g_free(*(char **)field);
		*(char **)field = g_strdup(value);
		return TRUE;
	case PCM_KEY_SIZE:
		if (!pcm_parse_size(value, &n))
			return pcm_conf_fail(error, row, value, "is not a size (e.g. 512K, 10M, 1G)");
		if (!pcm_conf_check_range(row, value, n, error))
			return FALSE;
		*(guint64 *)field = n;
		return TRUE;
	case PCM_KEY_UINT:
	case PCM_KEY_MODE:
		if (!pcm_parse_uint(value, row->type == PCM_KEY_MODE ? 8 : 10, &n))
			return pcm_conf_fail(error, row, value, row->type == PCM_KEY_MODE ?
					     "is not an octal mode (e.g. 0660)" :
					     "is not a whole number");
		if (!pcm_conf_check_range(row, value, n, error))
			return FALSE;
		*(guint *)field = (guint)n;
		return TRUE;
	case PCM_KEY_ENUM:
		return pcm_conf_set_choice(field, row, value, row->choices, error);
	case PCM_KEY_LOGLEVEL:
		return pcm_conf_set_choice(field, row, value, pcm_log_levels, error);
	case PCM_KEY_BOOL:
		if (!pcm_parse_bool(value, &flag))
			return pcm_conf_fail(error, row, value, "is not yes or no");
		*(gboolean *)field = flag;
		return TRUE;
	case PCM_KEY_LIST:
		g_strfreev(*(char ***)field);
		*(char ***)field = pcm_parse_list(value);
		return TRUE;
	case PCM_KEY_STATUSES:
		return pcm_conf_set_statuses(field, row, value, error);
	case PCM_KEY_OVERRIDES:
		return pcm_conf_set_overrides(field, row, value, error);
	case PCM_KEY_TEMPLATE:
		return pcm_conf_set_template(field, row, value, error);
	case PCM_KEY_NUMBER:
		return pcm_conf_set_number(field, row, value, error);
	case PCM_KEY_MASKS:
	case PCM_KEY_NETWORKS:
		return pcm_conf_set_lists(field, row, value, error);
	}
	g_assert_not_reached();
}

gboolean
pcm_conf_set(PcmConfig *conf, const char *group, const char *key, const char *value,
	     GError **error)
{
	const PcmKey *row = pcm_conf_find(group, key);

	if (row == NULL && pcm_conf_replaced(group, key) != NULL) {
		g_set_error(error, PCM_CONF_ERROR, 0, "[%s] %s: %s", group, key,
			    pcm_conf_replaced(group, key));
		return FALSE;
	}
	if (row == NULL) {
		g_set_error(error, PCM_CONF_ERROR, 0, "[%s] %s: unknown %s", group, key,
			    pcm_conf_find(group, NULL) ? "key" : "group");
		return FALSE;
	}
	return pcm_key_set((char *)conf + row->offset, row, value, error);
}

gboolean
pcm_conf_set_option(PcmConfig *conf, const char *assignment, GError **error)
{
	g_auto(GStrv) kv = g_strsplit(assignment, "=", 2);
	g_auto(GStrv) gk = NULL;

	if (kv[0] == NULL || kv[1] == NULL ||
	    g_strv_length(gk = g_strsplit(g_strstrip(kv[0]), ".", 2)) != 2) {
		g_set_error(error, PCM_CONF_ERROR, 0,
			    "-o %s: expected group.key=value (e.g. av.database_dir=/path)",
			    assignment);
		return FALSE;
	}
	return pcm_conf_set(conf, gk[0], gk[1], g_strstrip(kv[1]), error);
}

PcmConfig *
pcm_conf_new(void)
{
	PcmConfig *conf = g_atomic_rc_box_new0(PcmConfig);

	for (guint i = 0; i < pcm_conf_nkeys; i++) {
		g_autoptr(GError) error = NULL;

		const PcmKey *row = &pcm_conf_keys[i];

		if (!pcm_key_set((char *)conf + row->offset, row, row->defval, &error))
			g_error("built-in default is invalid: %s", error->message);
	}
	return conf;
}

const char *
pcm_conf_replaced(const char *group, const char *key)
{
	for (guint i = 0; i < pcm_conf_nreplaced; i++)
		if (strcmp(pcm_conf_replaced_keys[i].group, group) == 0 &&
		    strcmp(pcm_conf_replaced_keys[i].key, key) == 0)
			return pcm_conf_replaced_keys[i].replacement;
	return NULL;
}

static void
pcm_conf_clear(gpointer data)
{
	PcmConfig *conf = data;

	for (guint i = 0; i < pcm_conf_nkeys; i++) {
		const PcmKey *row = &pcm_conf_keys[i];

		if (row->type == PCM_KEY_STRING || row->type == PCM_KEY_TEMPLATE)
			g_free(*PCM_FIELD(conf, row, char *));
		else if (row->type == PCM_KEY_LIST || row->type == PCM_KEY_OVERRIDES)
			g_strfreev(*PCM_FIELD(conf, row, char **));
		else
			pcm_conf_unref_list(PCM_FIELD(conf, row, gpointer), row);
	}
	g_clear_pointer(&conf->groups, g_ptr_array_unref);
	g_free(conf->path);
}

PcmConfig *
pcm_conf_ref(PcmConfig *conf)
{
	return g_atomic_rc_box_acquire(conf);
}

void
pcm_conf_unref(PcmConfig *conf)
{
	if (conf != NULL)
		g_atomic_rc_box_release_full(conf, pcm_conf_clear);
}

/* Line of the last "key =" inside "[group]" (GKeyFile lets the last one win), or 0. */
guint
pcm_conf_line_of(const char *text, const char *group, const char *key)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	gboolean in_group = FALSE;
	guint found = 0;
	size_t keylen = key ? strlen(key) : 0;

	for (guint i = 0; lines[i] != NULL; i++) {
		const char *line = lines[i] + strspn(lines[i], " \t");

		if (*line == '[') {
			const char *end = strchr(line, ']');

			in_group = end && (size_t)(end - line - 1) == strlen(group) &&
				   strncmp(line + 1, group, end - line - 1) == 0;
			if (in_group && key == NULL)
				return i + 1;
		} else if (in_group && key != NULL && strncmp(line, key, keylen) == 0 &&
			   line[keylen + strspn(line + keylen, " \t")] == '=') {
			found = i + 1;
		}
	}
	return found;
}

static gboolean
pcm_conf_apply_file(PcmConfig *conf, const char *path, const char *text, GKeyFile *kf,
		    GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (guint g = 0; groups[g] != NULL; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, groups[g], NULL, NULL);

		if (g_str_has_prefix(groups[g], PCM_GROUP_PREFIX))
			continue;	/* built once the default policy is complete */
		if (pcm_conf_find(groups[g], NULL) == NULL) {
			g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: [%s]: unknown group", path,
				    pcm_conf_line_of(text, groups[g], NULL), groups[g]);
			return FALSE;
		}
		for (guint k = 0; keys != NULL && keys[k] != NULL; k++) {
			g_autoptr(GError) local = NULL;
			g_autofree char *value = g_key_file_get_string(kf, groups[g], keys[k], &local);

			if (value != NULL)
				pcm_conf_set(conf, groups[g], keys[k], g_strstrip(value), &local);
			if (local != NULL) {
				g_set_error(error, PCM_CONF_ERROR, 0, "%s:%u: %s", path,
					    pcm_conf_line_of(text, groups[g], keys[k]),
					    local->message);
				return FALSE;
			}
		}
	}
	return TRUE;
}

GKeyFile *
pcm_conf_read_file(const char *path, char **text, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) local = NULL;

	if (!g_file_get_contents(path, text, NULL, &local) ||
	    !g_key_file_load_from_data(kf, *text, -1, G_KEY_FILE_NONE, &local)) {
		g_set_error(error, PCM_CONF_ERROR, 0, "%s: %s", path, local->message);
		g_clear_pointer(text, g_free);
		return NULL;
	}
	return g_steal_pointer(&kf);
}

PcmConfig *
pcm_conf_load(const char *path, GError **error)
{
	return pcm_conf_load_with(path, NULL, error);
}

char *
pcm_conf_format_size(guint64 bytes)
{
	static const char units[] = "KMG";

	for (int i = 2; i >= 0; i--) {
		guint64 unit = 1ULL << (10 * (i + 1));

		if (bytes >= unit && bytes % unit == 0)
			return g_strdup_printf("%" G_GUINT64_FORMAT "%c", bytes / unit, units[i]);
	}
	return g_strdup_printf("%" G_GUINT64_FORMAT, bytes);
}

static void
pcm_conf_dump_doc(FILE *out, const char *doc)
{
	g_auto(GStrv) lines = g_strsplit(doc, "\n", -1);

	for (guint i = 0; lines[i] != NULL; i++)
		fprintf(out, "# %s\n", lines[i]);
}

void
pcm_conf_dump_defaults(FILE *out)
{
	const char *group = NULL;

	fputs("# portcullis.conf: configuration of the portcullis mail filter.\n"
	      "# Every key is shown commented out with its built-in default; uncomment a\n"
	      "# line to change it. Generated by \"portcullis --dump-defaults\".\n", out);
	for (guint i = 0; i < pcm_conf_nkeys; i++) {
		const PcmKey *row = &pcm_conf_keys[i];

		if (group == NULL || strcmp(group, row->group) != 0) {
			group = row->group;
			fprintf(out, "\n[%s]\n", group);
		}
		fputc('\n', out);
		pcm_conf_dump_doc(out, row->doc);
		fprintf(out, "#%s =%s%s\n", row->key, *row->defval ? " " : "", row->defval);
	}
}

/* Every message is also scanned whole, as one file: a scan limit below
 * the message size limit would make every message between the two
 * unscannable. */
static gboolean
pcm_conf_check_limits(const PcmConfig *conf, GError **error)
{
	const struct {
		const char *key;
		guint64 value;
	} limits[] = {
		{ "max_file_size", conf->max_file_size },
		{ "max_scan_size", conf->max_scan_size },
	};

	for (guint i = 0; i < G_N_ELEMENTS(limits); i++) {
		g_autofree char *limit = NULL;
		g_autofree char *message = NULL;

		if (limits[i].value >= conf->max_message_size)
			continue;
		limit = pcm_conf_format_size(limits[i].value);
		message = pcm_conf_format_size(conf->max_message_size);
		g_set_error(error, PCM_CONF_ERROR, 0, "[av] %s (%s) is below [message] "
			    "max_message_size (%s): every message is also scanned whole, as one "
			    "file; raise %s or lower max_message_size", limits[i].key, limit,
			    message, limits[i].key);
		return FALSE;
	}
	return TRUE;
}

/* "auto" (the spam directories' default) is path; with must_exist, only
 * when it is there (the shipped rules once installed, Debian's
 * spamassassin package), else none.  The Bayes store is made by the first
 * portcullisctl learn; until then the daemon scores without it. */
static void
pcm_conf_auto(char **value, const char *path, gboolean must_exist)
{
	if (strcmp(*value, "auto") != 0)
		return;
	g_free(*value);
	*value = g_strdup(!must_exist || g_file_test(path, G_FILE_TEST_IS_DIR) ? path : "");
}

/* The web console's list file joins the masks of [spam] (before the groups
 * inherit them); a file that is not there yet is an empty list. */
static gboolean
pcm_conf_add_list_file(PcMasks **masks, const char *key, const char *path, GError **error)
{
	g_autofree char *mask = NULL;
	g_autoptr(GError) local = NULL;

	if (*path == '\0' || !g_file_test(path, G_FILE_TEST_EXISTS))
		return TRUE;
	if (*masks == NULL)
		*masks = pc_masks_new();
	mask = g_strconcat("file:", path, NULL);
	if (pc_masks_add(*masks, mask, &local))
		return TRUE;
	g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "[spam] %s: %s", key,
		    local->message);
	return FALSE;
}

PcmConfig *
pcm_conf_load_with(const char *path, const char *const *overrides, GError **error)
{
	g_autoptr(PcmConfig) conf = pcm_conf_new();
	g_autoptr(GKeyFile) kf = NULL;
	g_autofree char *text = NULL;

	if (path != NULL) {
		kf = pcm_conf_read_file(path, &text, error);
		if (kf == NULL || !pcm_conf_apply_file(conf, path, text, kf, error))
			return NULL;
		conf->path = g_strdup(path);
	}
	for (guint i = 0; overrides != NULL && overrides[i] != NULL; i++)
		if (!pcm_conf_set_option(conf, overrides[i], error))
			return NULL;
	if (!pcm_conf_check_limits(conf, error) ||
	    !pcm_conf_add_list_file(&conf->policy.allow_senders, "allow_senders_file",
				    conf->allow_senders_file, error) ||
	    !pcm_conf_add_list_file(&conf->policy.block_senders, "block_senders_file",
				    conf->block_senders_file, error) ||
	    !pcm_conf_load_groups(conf, path, text, kf, error))
		return NULL;
	if (*conf->scan_tmp_dir == '\0') {
		g_free(conf->scan_tmp_dir);
		conf->scan_tmp_dir = g_build_filename(conf->spool_dir, "scratch", NULL);
	}
	pcm_conf_auto(&conf->spam_rules_dir, PCM_SPAM_RULES_DIR, TRUE);
	pcm_conf_auto(&conf->sa_rules_dir, PCM_SA_RULES_DIR, TRUE);
	pcm_conf_auto(&conf->bayes_dir, PCM_BAYES_DIR, FALSE);
	pcm_conf_auto(&conf->spam_scores_file, PCM_SCORES_FILE, FALSE);
	pcm_conf_auto(&conf->web_static_dir, PCM_WEB_STATIC_DIR, FALSE);
	if (*conf->notify_queue_dir == '\0') {
		g_free(conf->notify_queue_dir);
		conf->notify_queue_dir = g_build_filename(conf->spool_dir, "notify", NULL);
	}
	return g_steal_pointer(&conf);
}

gboolean
pcm_key_is_policy(const PcmKey *row)
{
	return row->offset >= offsetof(PcmConfig, policy) &&
	       row->offset < offsetof(PcmConfig, policy) + sizeof(PcPolicy);
}

gpointer
pcm_policy_field(PcPolicy *policy, const PcmKey *row)
{
	return (char *)policy + (row->offset - offsetof(PcmConfig, policy));
}

/* Pointer fields are duplicated, so a group's policy owns all it holds. */
void
pcm_policy_copy(PcPolicy *dst, const PcPolicy *src)
{
	*dst = *src;
	for (guint i = 0; i < pcm_conf_nkeys; i++) {
		const PcmKey *row = &pcm_conf_keys[i];
		gpointer field = pcm_policy_field(dst, row);

		if (!pcm_key_is_policy(row))
			continue;
		if (row->type == PCM_KEY_STRING || row->type == PCM_KEY_TEMPLATE)
			*(char **)field = g_strdup(*(char **)field);
		else if (row->type == PCM_KEY_LIST || row->type == PCM_KEY_OVERRIDES)
			*(char ***)field = g_strdupv(*(char ***)field);
		else if (row->type == PCM_KEY_MASKS)
			pc_masks_ref(*(PcMasks **)field);
		else if (row->type == PCM_KEY_NETWORKS)
			pc_networks_ref(*(PcNetworks **)field);
	}
}

void
pcm_policy_clear(PcPolicy *policy)
{
	for (guint i = 0; i < pcm_conf_nkeys; i++) {
		const PcmKey *row = &pcm_conf_keys[i];
		gpointer field = pcm_policy_field(policy, row);

		if (!pcm_key_is_policy(row))
			continue;
		if (row->type == PCM_KEY_STRING || row->type == PCM_KEY_TEMPLATE)
			g_clear_pointer((char **)field, g_free);
		else if (row->type == PCM_KEY_LIST || row->type == PCM_KEY_OVERRIDES)
			g_clear_pointer((char ***)field, g_strfreev);
		else
			pcm_conf_unref_list(field, row);
	}
}

/* The per-message key with this name (names are unique across groups). */
const PcmKey *
pcm_policy_key(const char *name)
{
	for (guint i = 0; i < pcm_conf_nkeys; i++)
		if (pcm_key_is_policy(&pcm_conf_keys[i]) && strcmp(pcm_conf_keys[i].key, name) == 0)
			return &pcm_conf_keys[i];
	return NULL;
}

/* Any key with this name, for the message about engine-wide keys. */
const PcmKey *
pcm_conf_key_named(const char *name)
{
	for (guint i = 0; i < pcm_conf_nkeys; i++)
		if (strcmp(pcm_conf_keys[i].key, name) == 0)
			return &pcm_conf_keys[i];
	return NULL;
}

/* signed_action = pass holds only for a verified signature from a listed
 * domain: without either, the setting does nothing, which the postmaster
 * who set it should hear. */
static void
pcm_conf_warn_signed(const PcmConfig *conf, const PcPolicy *policy, const char *where,
		     GPtrArray *warnings)
{
	if (policy->signed_action != PC_SIGNED_PASS)
		return;
	if (!conf->auth)
		g_ptr_array_add(warnings, g_strdup_printf(
			"%ssigned_action = pass keeps no message unchanged: [auth] enabled = no, "
			"so no DKIM signature is verified", where));
	else if (policy->signed_domains == NULL || policy->signed_domains[0] == NULL)
		g_ptr_array_add(warnings, g_strdup_printf(
			"%ssigned_action = pass keeps no message unchanged: signed_domains is empty "
			"(list the signing domains whose verified signatures you trust)", where));
}

GPtrArray *
pcm_conf_warnings(const PcmConfig *conf)
{
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);

	pcm_conf_warn_signed(conf, &conf->policy, "[policy] ", warnings);
	for (guint i = 0; conf->groups != NULL && i < conf->groups->len; i++) {
		const PcGroup *group = g_ptr_array_index(conf->groups, i);
		g_autofree char *where = g_strdup_printf("[group:%s] ", group->name);

		pcm_conf_warn_signed(conf, &group->policy, where, warnings);
	}
	return warnings;
}

const char *
pcm_conf_authserv_id(const PcmConfig *conf)
{
	return conf->authserv_id != NULL && *conf->authserv_id != '\0' ? conf->authserv_id
									 : g_get_host_name();
}
