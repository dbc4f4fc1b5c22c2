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

typedef enum { PCM_RELOAD_DATABASE, PCM_RELOAD_CONFIG } PcmReloadKind;

/* conf_path may be NULL (built-in defaults); overrides as for pcm_conf_load_with(). */
void pcm_reloader_start(const char *conf_path, const char *const *overrides);
void pcm_reloader_request(PcmReloadKind kind);
void pcm_reloader_stop(void);

/* Logs pcm_conf_warnings() of a configuration being put to use. */
void pcm_conf_log_warnings(const PcmConfig *conf);

#endif
