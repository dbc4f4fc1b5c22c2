/*
 * NAME
 *	html.c - an HTML part as the reader sees it (spam rules and Bayes)
 * DESCRIPTION
 *	libxml2's HTML parser (it recovers from what mailers write) gives a
 *	tree; the walk keeps visible text, ends a paragraph at block
 *	elements and drops script and style.  It also notes what spammers
 *	do with markup: text the reader cannot see (display:none,
 *	visibility:hidden, a font size of 0 or 1, the colour of the
 *	background: white on an unset background included) is counted and
 *	left out of the text, so it cannot dilute Bayes; links whose text
 *	names a domain other than the one they lead to; images.
 */
#include "config.h"

#include <string.h>
#include <libxml/HTMLparser.h>

#include <portcullis/text.h>

#include "spam.h"
#include "url.h"

typedef struct {
	GString *text;
	PcSpamView *view;
	GString *anchor;	/* text of the link being walked, or NULL */
} PcHtmlWalk;

static gboolean
pc_html_block(const char *name)
{
	static const char *const blocks[] = {
		"p", "br", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
		"blockquote", "pre", "hr", "title", NULL,
	};

	return g_strv_contains(blocks, name);
}

/* "#FFF", "white", "rgb(255,255,255)" -> "#ffffff"; NULL if unknown. */
static char *
pc_html_colour(const char *value)
{
	static const struct { const char *name, *hex; } names[] = {
		{ "white", "#ffffff" }, { "black", "#000000" }, { "red", "#ff0000" },
		{ "silver", "#c0c0c0" }, { "gray", "#808080" }, { "grey", "#808080" },
	};
	g_autofree char *copy = g_strdup(value);
	g_autofree char *v = g_ascii_strdown(g_strstrip(copy), -1);
	guint r, g, b;

	for (guint i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(v, names[i].name) == 0)
			return g_strdup(names[i].hex);
	if (v[0] == '#' && strlen(v) == 4)
		return g_strdup_printf("#%c%c%c%c%c%c", v[1], v[1], v[2], v[2], v[3], v[3]);
	if (v[0] == '#' && strlen(v) == 7)
		return g_strdup(v);
	if (sscanf(v, "rgb(%u,%u,%u)", &r, &g, &b) == 3 || sscanf(v, "rgb( %u , %u , %u )", &r, &g,
								   &b) == 3)
		return g_strdup_printf("#%02x%02x%02x", r & 255, g & 255, b & 255);
	return NULL;
}

/* The value of property in a style attribute ("color: red; ..."). */
static char *
pc_html_style(const char *style, const char *property)
{
	g_auto(GStrv) decls = g_strsplit(style, ";", -1);

	for (guint i = 0; decls[i] != NULL; i++) {
		char *colon = strchr(decls[i], ':');

		if (colon == NULL)
			continue;
		*colon = '\0';
		if (g_ascii_strcasecmp(g_strstrip(decls[i]), property) == 0)
			return g_strstrip(g_strdup(colon + 1));
	}
	return NULL;
}

static char *
pc_html_attr(xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *out = v ? g_strdup((const char *)v) : NULL;

	xmlFree(v);
	return out;
}

/* Whether node hides its text; *bg is the background its children see. */
static gboolean
pc_html_hides(xmlNode *node, char **bg)
{
	g_autofree char *style = pc_html_attr(node, "style");
	g_autofree char *display = NULL, *visibility = NULL, *size = NULL, *colour = NULL;
	g_autofree char *background = NULL, *fg = NULL, *bgcolor = NULL;

	if (style != NULL) {
		display = pc_html_style(style, "display");
		visibility = pc_html_style(style, "visibility");
		size = pc_html_style(style, "font-size");
		colour = pc_html_style(style, "color");
		background = pc_html_style(style, "background-color");
		if (background == NULL)
			background = pc_html_style(style, "background");
	}
	if (background == NULL && (bgcolor = pc_html_attr(node, "bgcolor")) != NULL)
		background = g_strdup(bgcolor);
	if (background != NULL) {
		char *c = pc_html_colour(background);

		if (c != NULL) {
			g_free(*bg);
			*bg = c;
		}
	}
	if ((display && g_ascii_strcasecmp(display, "none") == 0) ||
	    (visibility && g_ascii_strcasecmp(visibility, "hidden") == 0) ||
	    (size && (size[0] == '0' || (size[0] == '1' && !g_ascii_isdigit(size[1])))))
		return TRUE;
	if (colour == NULL && g_ascii_strcasecmp((const char *)node->name, "font") == 0)
		colour = pc_html_attr(node, "color");
	if (colour != NULL && (fg = pc_html_colour(colour)) != NULL)
		return strcmp(fg, *bg) == 0;
	return FALSE;
}

/* A domain named in a link's text: "www.bank.example", "https://bank.example/x". */
static char *
pc_html_text_domain(const char *text)
{
	static GRegex *re;
	g_autoptr(GMatchInfo) m = NULL;
	g_autofree char *match = NULL, *host = NULL;

	if (g_once_init_enter(&re)) {
		GRegex *r = g_regex_new("(?:https?://)?((?:[a-z0-9-]+\\.)+[a-z]{2,24})\\b",
					G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);

		g_once_init_leave(&re, r);
	}
	if (!g_regex_match(re, text, 0, &m))
		return NULL;
	match = g_match_info_fetch(m, 1);
	host = g_ascii_strdown(match, -1);
	return pc_url_registrable(host);
}

static void
pc_html_link_end(PcHtmlWalk *w, const char *href)
{
	g_autofree char *url = href ? pc_url_normalise(href) : NULL;
	g_autofree char *host = url ? pc_url_host(url) : NULL;
	g_autofree char *target = host ? pc_url_registrable(host) : NULL;
	g_autofree char *named = pc_html_text_domain(w->anchor->str);

	if (target != NULL && named != NULL && g_ascii_strcasecmp(target, named) != 0)
		w->view->link_mismatches++;
}

static void pc_html_walk(PcHtmlWalk *w, xmlNode *node, gboolean hidden, const char *bg);

static void
pc_html_text_node(PcHtmlWalk *w, const char *content, gboolean hidden)
{
	if (hidden) {
		for (const char *p = content; *p; p++)
			w->view->hidden_chars += !g_ascii_isspace(*p);
		return;
	}
	g_string_append(w->text, content);
	if (w->anchor != NULL)
		g_string_append(w->anchor, content);
}

static void
pc_html_element(PcHtmlWalk *w, xmlNode *node, gboolean hidden, const char *bg)
{
	const char *name = (const char *)node->name;
	g_autofree char *child_bg = g_strdup(bg);
	g_autofree char *href = NULL;
	gboolean block = pc_html_block(name), link = FALSE;

	if (g_ascii_strcasecmp(name, "script") == 0 || g_ascii_strcasecmp(name, "style") == 0)
		return;
	if (g_ascii_strcasecmp(name, "img") == 0)
		w->view->images++;
	hidden |= pc_html_hides(node, &child_bg);
	if (g_ascii_strcasecmp(name, "a") == 0 && (href = pc_html_attr(node, "href")) != NULL) {
		char *url = pc_url_normalise(href);

		g_ptr_array_add(w->view->uris, url ? url : g_strdup(href));
		link = w->anchor == NULL;
		if (link)
			w->anchor = g_string_new(NULL);
	}
	if (block)
		g_string_append(w->text, "\n\n");
	pc_html_walk(w, node->children, hidden, child_bg);
	if (block)
		g_string_append(w->text, "\n\n");
	if (link) {
		pc_html_link_end(w, href);
		g_string_free(w->anchor, TRUE);
		w->anchor = NULL;
	}
}

static void
pc_html_walk(PcHtmlWalk *w, xmlNode *node, gboolean hidden, const char *bg)
{
	for (; node != NULL; node = node->next) {
		if (node->type == XML_TEXT_NODE && node->content != NULL)
			pc_html_text_node(w, (const char *)node->content, hidden);
		else if (node->type == XML_ELEMENT_NODE)
			pc_html_element(w, node, hidden, bg);
	}
}

char *
pc_spam_html_text(const char *html, PcSpamView *view)
{
	htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	PcHtmlWalk w = { g_string_new(NULL), view, NULL };

	if (doc != NULL) {
		pc_html_walk(&w, xmlDocGetRootElement(doc), FALSE, "#ffffff");
		xmlFreeDoc(doc);
	}
	return g_string_free(w.text, FALSE);
}

char *
pc_text_from_html(const char *html)
{
	PcSpamView view = { .uris = g_ptr_array_new_with_free_func(g_free) };
	char *text = pc_spam_html_text(html, &view);

	g_ptr_array_unref(view.uris);
	return text;
}
