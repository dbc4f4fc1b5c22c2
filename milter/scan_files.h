/*
 * NAME
 *	scan_files.h - portcullis --scan: the engine on files, no MTA
 * DESCRIPTION
 *	Scans each file as a message with the configured policy and prints
 *	one JSON object per file on stdout: its status, the scan mode used,
 *	every MIME object (path, declared and detected type, encoding,
 *	decoded size and SHA-256, names, names inside archives, status) and
 *	every finding.  For postmasters asking "why was this filtered?" and
 *	for the test corpora.  Exit status: 0 all clean, 1 something found,
 *	2 a file could not be read or a check failed.
 */
#ifndef PCM_SCAN_FILES_H
#define PCM_SCAN_FILES_H

#include "conf.h"

/* What an MTA would have told the milter; any may be NULL. */
typedef struct {
	char *client;
	char *helo;
	char *sender;
} PcmEnvelopeArgs;

int pcm_scan_files(PcmConfig *conf, const PcmEnvelopeArgs *envelope, char **files);
/* --list-rules: every spam rule and whether it runs (pc_engine_spam_rules). */
int pcm_list_rules(PcmConfig *conf);

#endif
