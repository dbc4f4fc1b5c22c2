/*
 * NAME
 *	expr.c - meta expressions (see expr.h): recursive descent into a tree
 */
#include "config.h"

#include <string.h>

#include "expr.h"

typedef enum {
	PC_X_NUM, PC_X_NAME, PC_X_NOT, PC_X_NEG, PC_X_AND, PC_X_OR, PC_X_ADD, PC_X_SUB,
	PC_X_MUL, PC_X_DIV, PC_X_LT, PC_X_GT, PC_X_LE, PC_X_GE, PC_X_EQ, PC_X_NE,
} PcExprOp;

struct _PcExpr {
	PcExprOp op;
	double number;
	char *name;
	PcExpr *a, *b;
};

typedef struct {
	const char *text;
	const char *p;
	GError **error;
} PcLexer;

static PcExpr *pc_expr_or(PcLexer *lx);

static PcExpr *
pc_expr_node(PcExprOp op, PcExpr *a, PcExpr *b)
{
	PcExpr *e = g_new0(PcExpr, 1);

	e->op = op;
	e->a = a;
	e->b = b;
	return e;
}

void
pc_expr_free(PcExpr *expr)
{
	if (expr == NULL)
		return;
	pc_expr_free(expr->a);
	pc_expr_free(expr->b);
	g_free(expr->name);
	g_free(expr);
}

static void
pc_lex_space(PcLexer *lx)
{
	while (g_ascii_isspace(*lx->p))
		lx->p++;
}

/* Consumes tok if it comes next ("&&" before "&" is the caller's order). */
static gboolean
pc_lex_take(PcLexer *lx, const char *tok)
{
	pc_lex_space(lx);
	if (strncmp(lx->p, tok, strlen(tok)) != 0)
		return FALSE;
	lx->p += strlen(tok);
	return TRUE;
}

static PcExpr *
pc_lex_fail(PcLexer *lx, const char *what)
{
	if (lx->error != NULL && *lx->error == NULL)
		g_set_error(lx->error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
			    "meta expression \"%s\": %s at offset %d", lx->text, what,
			    (int)(lx->p - lx->text));
	return NULL;
}

static PcExpr *
pc_expr_primary(PcLexer *lx)
{
	PcExpr *e;

	pc_lex_space(lx);
	if (pc_lex_take(lx, "(")) {
		e = pc_expr_or(lx);
		if (e != NULL && !pc_lex_take(lx, ")")) {
			pc_expr_free(e);
			return pc_lex_fail(lx, "missing )");
		}
		return e;
	}
	if (g_ascii_isdigit(*lx->p) || (*lx->p == '.' && g_ascii_isdigit(lx->p[1]))) {
		char *end = NULL;

		e = pc_expr_node(PC_X_NUM, NULL, NULL);
		e->number = g_ascii_strtod(lx->p, &end);
		lx->p = end;
		return e;
	}
	if (g_ascii_isalpha(*lx->p) || *lx->p == '_') {
		const char *start = lx->p;

		while (g_ascii_isalnum(*lx->p) || *lx->p == '_')
			lx->p++;
		e = pc_expr_node(PC_X_NAME, NULL, NULL);
		e->name = g_strndup(start, lx->p - start);
		return e;
	}
	return pc_lex_fail(lx, *lx->p ? "unexpected character" : "unexpected end");
}

static PcExpr *
pc_expr_unary(PcLexer *lx)
{
	PcExpr *a;

	if (pc_lex_take(lx, "!")) {
		a = pc_expr_unary(lx);
		return a ? pc_expr_node(PC_X_NOT, a, NULL) : NULL;
	}
	if (pc_lex_take(lx, "-")) {
		a = pc_expr_unary(lx);
		return a ? pc_expr_node(PC_X_NEG, a, NULL) : NULL;
	}
	return pc_expr_primary(lx);
}

typedef struct {
	const char *tok;
	PcExprOp op;
} PcExprTok;

/* One precedence level: next (tok next)*; tokens longest first. */
static PcExpr *
pc_expr_level(PcLexer *lx, PcExpr *(*next)(PcLexer *), const PcExprTok *toks, guint n,
	      gboolean chain)
{
	PcExpr *a = next(lx);

	while (a != NULL) {
		guint i;
		PcExpr *b;

		for (i = 0; i < n && !pc_lex_take(lx, toks[i].tok); i++)
			;
		if (i == n)
			return a;
		b = next(lx);
		if (b == NULL) {
			pc_expr_free(a);
			return NULL;
		}
		a = pc_expr_node(toks[i].op, a, b);
		if (!chain)
			return a;
	}
	return NULL;
}

static PcExpr *
pc_expr_mul(PcLexer *lx)
{
	static const PcExprTok t[] = { { "*", PC_X_MUL }, { "/", PC_X_DIV } };

	return pc_expr_level(lx, pc_expr_unary, t, G_N_ELEMENTS(t), TRUE);
}

static PcExpr *
pc_expr_add(PcLexer *lx)
{
	static const PcExprTok t[] = { { "+", PC_X_ADD }, { "-", PC_X_SUB } };

	return pc_expr_level(lx, pc_expr_mul, t, G_N_ELEMENTS(t), TRUE);
}

static PcExpr *
pc_expr_cmp(PcLexer *lx)
{
	static const PcExprTok t[] = {
		{ "<=", PC_X_LE }, { ">=", PC_X_GE }, { "==", PC_X_EQ }, { "!=", PC_X_NE },
		{ "<", PC_X_LT }, { ">", PC_X_GT },
	};

	return pc_expr_level(lx, pc_expr_add, t, G_N_ELEMENTS(t), FALSE);
}

static PcExpr *
pc_expr_and(PcLexer *lx)
{
	static const PcExprTok t[] = { { "&&", PC_X_AND } };

	return pc_expr_level(lx, pc_expr_cmp, t, G_N_ELEMENTS(t), TRUE);
}

static PcExpr *
pc_expr_or(PcLexer *lx)
{
	static const PcExprTok t[] = { { "||", PC_X_OR } };

	return pc_expr_level(lx, pc_expr_and, t, G_N_ELEMENTS(t), TRUE);
}

PcExpr *
pc_expr_parse(const char *text, GError **error)
{
	PcLexer lx = { text, text, error };
	PcExpr *e = pc_expr_or(&lx);

	pc_lex_space(&lx);
	if (e != NULL && *lx.p != '\0') {
		pc_expr_free(e);
		return pc_lex_fail(&lx, "unexpected text");
	}
	return e;
}

double
pc_expr_eval(const PcExpr *e, PcExprLookup lookup, gpointer data)
{
	double a, b;

	switch (e->op) {
	case PC_X_NUM:
		return e->number;
	case PC_X_NAME:
		return lookup(e->name, data);
	case PC_X_NOT:
		return pc_expr_eval(e->a, lookup, data) == 0;
	case PC_X_NEG:
		return -pc_expr_eval(e->a, lookup, data);
	case PC_X_AND:
		return pc_expr_eval(e->a, lookup, data) != 0 && pc_expr_eval(e->b, lookup, data) != 0;
	case PC_X_OR:
		return pc_expr_eval(e->a, lookup, data) != 0 || pc_expr_eval(e->b, lookup, data) != 0;
	default:
		break;
	}
	a = pc_expr_eval(e->a, lookup, data);
	b = pc_expr_eval(e->b, lookup, data);
	switch (e->op) {
	case PC_X_ADD: return a + b;
	case PC_X_SUB: return a - b;
	case PC_X_MUL: return a * b;
	case PC_X_DIV: return b == 0 ? 0 : a / b;
	case PC_X_LT: return a < b;
	case PC_X_GT: return a > b;
	case PC_X_LE: return a <= b;
	case PC_X_GE: return a >= b;
	case PC_X_EQ: return a == b;
	case PC_X_NE: return a != b;
	default: return 0;
	}
}

void
pc_expr_names(const PcExpr *expr, GPtrArray *names)
{
	if (expr == NULL)
		return;
	if (expr->op == PC_X_NAME)
		g_ptr_array_add(names, expr->name);
	pc_expr_names(expr->a, names);
	pc_expr_names(expr->b, names);
}
