/*
 * NAME
 *	housekeeping.h - expire quarantine and archive entries in the background
 * DESCRIPTION
 *	A thread that, at start and then every hour, removes quarantine
 *	entries past max_age and the oldest past max_size, and archive
 *	entries past archive_max_age, with the configuration current at
 *	that moment.  One log line when anything was removed.
 */
#ifndef PCM_HOUSEKEEPING_H
#define PCM_HOUSEKEEPING_H

void pcm_housekeeping_start(void);
void pcm_housekeeping_stop(void);

#endif
