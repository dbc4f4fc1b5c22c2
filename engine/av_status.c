/*
 * NAME
 *	av_status.c - what a libclamav signature name means for a part
 * DESCRIPTION
 *	libclamav reports every detection as a name.  Heuristic names carry
 *	their class in a prefix; postmasters tune noisy classes, so
 *	signature_overrides ("glob=status", first match wins, "pass" means
 *	clean) are consulted before the built-in table:
 *	  Heuristics.Limits.Exceeded.*   unscannable (same on every retry)
 *	  Heuristics.Encrypted.*         encrypted
 *	  Heuristics.Broken.Media.*      corrupted
 *	  Heuristics.*, PUA.*            suspicious (macros, phishing, broken PE)
 *	  anything else                  infected
 */
#include "config.h"

#include <string.h>

#include "check.h"

gboolean
pc_signature_override_parse(const char *item, char **glob, PcStatus *status)
{
	const char *eq = strrchr(item, '=');
	g_autofree char *word = NULL;
	int mapped;

	if (eq == NULL || eq == item)
		return FALSE;
	word = g_strstrip(g_strdup(eq + 1));
	/* "pass" reads better in a policy than "clean"; both mean the same. */
	mapped = g_ascii_strcasecmp(word, "pass") == 0 ? PC_STATUS_CLEAN :
		 pc_status_from_name(word);
	if (mapped < 0)
		return FALSE;
	*status = (PcStatus)mapped;
	*glob = g_strstrip(g_strndup(item, eq - item));
	return TRUE;
}

static gboolean
pc_av_override(const char *signature, char *const *overrides, PcStatus *status)
{
	for (guint i = 0; overrides != NULL && overrides[i] != NULL; i++) {
		g_autofree char *glob = NULL;
		PcStatus mapped;

		if (pc_signature_override_parse(overrides[i], &glob, &mapped) &&
		    g_pattern_match_simple(glob, signature)) {
			*status = mapped;
			return TRUE;
		}
	}
	return FALSE;
}

PcStatus
pc_av_status_of(const char *signature, char *const *overrides)
{
	static const struct {
		const char *prefix;
		PcStatus status;
	} classes[] = {
		{ "Heuristics.Limits.Exceeded", PC_STATUS_UNSCANNABLE },
		{ "Heuristics.Encrypted.", PC_STATUS_ENCRYPTED },
		{ "Heuristics.Broken.Media.", PC_STATUS_CORRUPTED },
		{ "Heuristics.", PC_STATUS_SUSPICIOUS },
		{ "PUA.", PC_STATUS_SUSPICIOUS },
	};
	PcStatus status;

	if (pc_av_override(signature, overrides, &status))
		return status;
	for (guint i = 0; i < G_N_ELEMENTS(classes); i++)
		if (g_str_has_prefix(signature, classes[i].prefix))
			return classes[i].status;
	return PC_STATUS_INFECTED;
}
