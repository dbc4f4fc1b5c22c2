/*
 * NAME
 *	check.h - the interface every analysis check implements
 * DESCRIPTION
 *	A check is constructed from the engine options when an engine is
 *	built (signatures loaded, rules compiled), scans any number of
 *	messages concurrently, and is freed with the engine.  scan() adds
 *	findings to the verdict; it returns FALSE with an error only when the
 *	check itself failed, which the engine records as an error finding.
 *	New checks (MIME parts, spam rules, DNS lists) are one file and one
 *	row in engine.c's table.
 */
#ifndef PC_ENGINE_CHECK_H
#define PC_ENGINE_CHECK_H

#include <portcullis/engine.h>

typedef struct {
	const char *name;
	gpointer (*create)(const PcEngineOptions *options, GError **error);
	gboolean (*scan)(gpointer state, const PcInput *input,
			 PcVerdict *verdict, GError **error);
	void (*destroy)(gpointer state);
} PcCheck;

/* engine/av.c: libclamav. */
extern const PcCheck pc_check_av;
gboolean pc_av_global_init(PcEngineLogFunc handler, GError **error);
void pc_av_fill_info(gpointer state, PcEngineInfo *info);
gboolean pc_av_database_changed(gpointer state);

#endif
