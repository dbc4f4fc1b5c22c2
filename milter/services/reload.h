/*
 * NAME
 *	reload.h - background reloads of signatures and configuration
 * DESCRIPTION
 *	One thread builds new runtimes so that no MTA connection ever waits
 *	for signatures to load.  It wakes on a request (SIGUSR2: signatures,
 *	SIGHUP: configuration and signatures) and every db_check_interval
 *	seconds to see whether database_dir changed.  A failed build keeps
 *	the current runtime and logs why.
 */
#ifndef PCM_RELOAD_H
#define PCM_RELOAD_H

#include <glib.h>

#include "conf.h"

/* POLICY: the configuration with the running engine when the engine's
 * settings did not change (else the whole configuration). */
typedef enum { PCM_RELOAD_DATABASE, PCM_RELOAD_CONFIG, PCM_RELOAD_POLICY } PcmReloadKind;

/* conf_path may be NULL (built-in defaults); overrides as for pcm_conf_load_with(). */
void pcm_reloader_start(const char *conf_path, const char *const *overrides);
/* Asks for a reload; the ticket is for pcm_reloader_wait(). */
guint64 pcm_reloader_request(PcmReloadKind kind);

/* The last reload's outcome. */
typedef struct {
	gint64 when;		/* wall clock, µs; 0: none yet */
	char *what;		/* "configuration", "signature database", "policy" */
	gboolean ok;
	char *detail;		/* what was loaded, or why it failed (file:line) */
} PcmReloadResult;
void pcm_reload_result_clear(PcmReloadResult *result);
void pcm_reload_last(PcmReloadResult *out);
/* Waits (until deadline, monotonic µs) for the reload that serves ticket;
 * FALSE when it has not finished by then. */
gboolean pcm_reloader_wait(guint64 ticket, gint64 deadline, PcmReloadResult *out);
void pcm_reloader_stop(void);

/* Logs pcm_conf_warnings() of a configuration being put to use. */
void pcm_conf_log_warnings(const PcmConfig *conf);

#endif
