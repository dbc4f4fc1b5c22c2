/*
 * NAME
 *	text.h - message text made safe for the places it is shown
 * SYNOPSIS
 *	name = pc_text_name(raw);            where a name enters the engine
 *	shown = pc_text_display(value, 200); before a value goes into a notice
 * DESCRIPTION
 *	Every name and header value of a message is the sender's choice.
 *	pc_text_name() returns valid UTF-8 with every control character
 *	(C0, DEL, C1) dropped: a name then never carries a line break into a
 *	notice, a header or a log.  Dropping rather than replacing keeps
 *	"x.exe\n" an ".exe" name for the filter; bidirectional controls are
 *	kept, because the filter's right-to-left check looks for them.
 *
 *	pc_text_display() is for text a person reads: the same controls
 *	dropped, bidirectional and line or paragraph separators shown as
 *	"<U+202E>", and at most max characters (then "...").
 *
 *	pc_text_ascii() is for protocol text (SMTP replies, header values):
 *	printable ASCII only, line breaks and tabs as spaces, any other
 *	control or 8-bit character (one UTF-8 character or one stray byte)
 *	as '?', at most max bytes.
 *
 *	pc_text_json_append() appends a JSON string (or null for NULL): every
 *	control character escaped (JSON output goes to terminals too), bytes
 *	that are not UTF-8 as U+FFFD.
 */
#ifndef PC_TEXT_H
#define PC_TEXT_H

#include <glib.h>

char *pc_text_name(const char *raw);
char *pc_text_display(const char *text, gsize max);
char *pc_text_ascii(const char *text, gsize max);
gboolean pc_text_is_control(gunichar c);
void pc_text_json_append(GString *out, const char *raw);
/* The text a reader of an HTML document sees (scripts, styles and hidden
 * text left out; blocks on lines of their own), as the spam rules see it. */
char *pc_text_from_html(const char *html);

#endif
