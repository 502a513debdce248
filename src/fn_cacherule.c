/*
 * cloudflare.cacherule: the zone's cache rules, the entrypoint ruleset
 * of phase http_request_cache_settings; cloudflare.cacherule.edit: a
 * small builder for one rule; cloudflare.cacherule.delete.
 *
 * Saving changes one rule through the rule endpoints (POST a new one,
 * PATCH an edited one) rather than PUTting the whole list back: both
 * take one read and one write, but a PUT would wipe out whatever
 * changed in the ruleset between the two, and a rule call cannot.
 * The first rule creates the entrypoint with POST /rulesets, which
 * fails, where a PUT would overwrite, if one appeared meanwhile.
 * Only rules whose action is set_cache_settings are ever touched.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "validate.h"

#define PHASE		"http_request_cache_settings"
#define CR_ACTION	"set_cache_settings"
#define CR_MAX_EXPR	4096
#define CR_MAX_EXT	50	/* extensions in one rule */
#define CR_MAX_GROUP	500

/* One rule, pointing into the reply it came from. */
struct crule {
	const struct json	*j;
	const char		*id, *action, *expression, *description;
	int			 enabled;
	int			 cache;		/* -1 when not set */
	const char		*edge_mode, *browser_mode;	/* or NULL */
	long long		 edge_ttl, browser_ttl;		/* or -1 */
};

static int
ttl_parse(const struct json *ap, const char *key, const char **mode,
    long long *ttl)
{
	const struct json	*t = json_get(ap, key);

	*mode = NULL;
	*ttl = -1;
	if (t == NULL || json_is_null(t))
		return 0;
	if (!json_is_obj(t) || json_str_opt(t, "mode", mode, NULL) == -1 ||
	    json_int_opt(t, "default", ttl, -1) == -1)
		return -1;
	return 0;
}

/* 0 a cache rule, 1 a rule of another action (never touched), -1 bad. */
static int
crule_parse(const struct json *j, struct crule *r)
{
	const struct json	*ap, *cache;

	memset(r, 0, sizeof(*r));
	r->j = j;
	r->cache = -1;
	if (json_str(j, "id", &r->id) == -1 || !is_cfid(r->id) ||
	    json_str(j, "action", &r->action) == -1)
		return -1;
	if (strcmp(r->action, CR_ACTION) != 0)
		return 1;
	if (json_str(j, "expression", &r->expression) == -1 ||
	    json_str_opt(j, "description", &r->description, "") == -1 ||
	    json_bool_opt(j, "enabled", &r->enabled, 1) == -1)
		return -1;
	ap = json_get(j, "action_parameters");
	if (ap != NULL && !json_is_null(ap) && !json_is_obj(ap))
		return -1;
	if ((cache = json_get(ap, "cache")) != NULL && !json_is_null(cache) &&
	    json_as_bool(cache, &r->cache) == -1)
		return -1;
	if (ttl_parse(ap, "edge_ttl", &r->edge_mode, &r->edge_ttl) == -1 ||
	    ttl_parse(ap, "browser_ttl", &r->browser_mode,
	    &r->browser_ttl) == -1)
		return -1;
	return 0;
}

/* The phase's entrypoint ruleset; exists is 0 when the zone has none. */
struct entry {
	struct cf_req		 q;
	int			 exists;
	const char		*id;
	const struct json	*rules;		/* an array, or NULL */
};

static int
entry_bad(struct ctx *c)
{
	err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare sent cache "
	    "rules the plugin cannot read.", "Cloudflare прислал правила "
	    "кеширования, которые модуль не может прочитать."));
	return -1;
}

static int
entry_read(struct ctx *c, const struct zone *z, struct entry *e)
{
	struct crule	 r;
	size_t		 i;

	memset(e, 0, sizeof(*e));
	cf_req_init(&e->q, "GET", PERM_CACHE_RULES);
	e->q.notfound_ok = 1;	/* no cache rule yet */
	if (cf_path(&e->q, "/zones/%s/rulesets/phases/" PHASE "/entrypoint",
	    z->id) == -1)
		return ctx_nomem(c);
	if (cf_call(ctx_cf(c), &e->q, &c->err) == -1)
		return -1;
	if (e->q.status == 404)
		return 0;
	if (!json_is_obj(e->q.result) ||
	    json_str(e->q.result, "id", &e->id) == -1 || !is_cfid(e->id))
		return entry_bad(c);
	e->rules = json_get(e->q.result, "rules");
	if (e->rules != NULL && !json_is_null(e->rules) &&
	    !json_is_arr(e->rules))
		return entry_bad(c);
	for (i = 0; i < json_count(e->rules); i++)
		if (crule_parse(json_at(e->rules, i), &r) == -1)
			return entry_bad(c);
	e->exists = 1;
	return 0;
}

/* The rule with this id: 0 a cache rule, 1 another action, -1 none. */
static int
entry_find(const struct entry *e, const char *id, struct crule *r)
{
	size_t	 i;
	int	 k;

	for (i = 0; i < json_count(e->rules); i++) {
		k = crule_parse(json_at(e->rules, i), r);
		if (k != -1 && strcmp(r->id, id) == 0)
			return k;
	}
	return -1;
}

static int
rule_missing(struct ctx *c, const char *id)
{
	err_set(&c->err, "missed", "elid", T("The cache rule %s is not among "
	    "the zone's rules; it may have been deleted meanwhile. Refresh "
	    "the list.", "Правила кеширования %s нет среди правил зоны — "
	    "возможно, его уже удалили. Обновите список."), id);
	return -1;
}

static int
rule_foreign(struct ctx *c, const struct crule *r)
{
	err_set(&c->err, "access", "elid", T("The rule %s is not a cache "
	    "settings rule (its action is %s), so it is left alone here.",
	    "Правило %s — не правило настроек кеширования (его действие — "
	    "%s), поэтому здесь оно не изменяется."), r->id, r->action);
	return -1;
}

static void
ttl_text(const char *mode, long long ttl, char *buf, size_t sz)
{
	if (mode == NULL || strcmp(mode, "respect_origin") == 0)
		cf_strlcpy(buf, T("respect origin", "по заголовкам сервера"),
		    sz);
	else if (strcmp(mode, "override_origin") == 0 && ttl >= 0)
		cf_snprintf(buf, sz, "%lld", ttl);
	else if (strcmp(mode, "bypass_by_default") == 0)
		cf_strlcpy(buf, T("origin's headers, else no cache", "по "
		    "заголовкам сервера, иначе без кеша"), sz);
	else if (strcmp(mode, "bypass") == 0)
		cf_strlcpy(buf, T("no cache", "без кеша"), sz);
	else
		cf_strlcpy(buf, mode, sz);
}

int
fn_cr_list(struct ctx *c)
{
	struct zone	 z;
	struct entry	 e;
	struct crule	 r;
	char		 edge[160], browser[160];
	size_t		 i;
	int		 rc = -1;

	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	if (entry_read(c, &z, &e) == -1)
		goto out;
	for (i = 0; i < json_count(e.rules); i++) {
		if (crule_parse(json_at(e.rules, i), &r) != 0)
			continue;
		edge[0] = browser[0] = '\0';
		if (r.cache == 1) {
			ttl_text(r.edge_mode, r.edge_ttl, edge, sizeof(edge));
			ttl_text(r.browser_mode, r.browser_ttl, browser,
			    sizeof(browser));
		}
		reply_row(c->reply);
		reply_col(c->reply, "id", r.id);
		reply_col(c->reply, "description", r.description);
		reply_col(c->reply, "expression", r.expression);
		reply_col(c->reply, "cache", r.cache == 1 ? "on" : "off");
		reply_col(c->reply, "edge_ttl", edge);
		reply_col(c->reply, "browser_ttl", browser);
		reply_col(c->reply, "enabled", r.enabled ? "on" : "off");
	}
	rc = 0;
out:
	cf_req_clean(&e.q);
	return rc;
}

/* ---- the builder: three shapes of expression, and back */

static const char X_HOST[] = "(http.host eq \"";
static const char X_HOST_END[] = "\")";
static const char X_PATH[] = "(starts_with(http.request.uri.path, \"";
static const char X_PATH_END[] = "\"))";
static const char X_EXT[] = "(http.request.uri.path.extension in {";
static const char X_EXT_END[] = "})";

static int
match_bad(struct err *err, const char *why)
{
	err_set(err, "value", "match_value", "%s", why);
	return -1;
}

/* Printable ASCII without spaces, starting with '/'. */
static int
is_path(const char *s)
{
	if (*s != '/')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

static int
is_ext(const char *s, size_t len)
{
	size_t	 i;

	if (len < 1 || len > 10)
		return 0;
	for (i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) ||
		    isdigit((unsigned char)s[i])))
			return 0;
	return 1;
}

/* The expression a builder choice stands for; value is checked here. */
static int
build_expr(const char *match, const char *value, char *out, size_t sz,
    struct err *err)
{
	char		 v[1100], *p, *tok;
	size_t		 len, n = 0;

	while (*value == ' ')
		value++;
	len = strlen(value);
	while (len > 0 && value[len - 1] == ' ')
		len--;
	if (len == 0) {
		err_set(err, "missed", "match_value", "%s", T("Enter the value "
		    "the rule matches.", "Укажите значение, которому "
		    "соответствует правило."));
		return -1;
	}
	if (len >= sizeof(v))
		return match_bad(err, T("The value is too long.",
		    "Значение слишком длинное."));
	memcpy(v, value, len);
	v[len] = '\0';
	if (strpbrk(v, "\"\\") != NULL)
		return match_bad(err, T("The value may not contain \" or \\; "
		    "for such a match write a custom expression.", "Значение "
		    "не может содержать \" или \\; для такого условия "
		    "напишите своё выражение."));
	if (strcmp(match, "hostname") == 0) {
		for (p = v; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!is_hostname(v, 0))
			return match_bad(err, T("Write a host name, such as "
			    "www.example.com.", "Укажите имя хоста, например "
			    "www.example.com."));
		return cf_snprintf(out, sz, "%s%s%s", X_HOST, v, X_HOST_END);
	}
	if (strcmp(match, "path_prefix") == 0) {
		if (v[0] != '/')
			return match_bad(err, T("A path starts with /, such as "
			    "/images/.", "Путь начинается с /, например "
			    "/images/."));
		if (!is_path(v))
			return match_bad(err, T("A path holds no spaces and "
			    "no letters outside ASCII; write them "
			    "percent-encoded (%20).", "Путь не содержит пробелов "
			    "и букв вне ASCII; запишите их в виде %-кодов "
			    "(%20)."));
		return cf_snprintf(out, sz, "%s%s%s", X_PATH, v, X_PATH_END);
	}
	if (strcmp(match, "extension") == 0) {
		if (cf_snprintf(out, sz, "%s", X_EXT) == -1)
			return -1;
		for (p = v; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		for (p = v; (tok = strsep(&p, " ,")) != NULL; ) {
			if (*tok == '\0')
				continue;
			if (!is_ext(tok, strlen(tok)))
				return match_bad(err, T("File extensions are "
				    "1 to 10 letters or digits, without the "
				    "dot, separated by spaces or commas: jpg "
				    "png.", "Расширения файлов — от 1 до 10 "
				    "букв или цифр без точки, через пробел или "
				    "запятую: jpg png."));
			if (++n > CR_MAX_EXT)
				return match_bad(err, T("At most 50 file "
				    "extensions in one rule.", "Не более 50 "
				    "расширений в одном правиле."));
			if (cf_snprintf(out + strlen(out), sz - strlen(out),
			    "%s\"%s\"", n > 1 ? " " : "", tok) == -1)
				return -1;
		}
		if (n == 0)
			return match_bad(err, T("Enter at least one file "
			    "extension, such as jpg.", "Укажите хотя бы одно "
			    "расширение файла, например jpg."));
		return cf_snprintf(out + strlen(out), sz - strlen(out), "%s",
		    X_EXT_END);
	}
	return match_bad(err, T("Unknown kind of match.",
	    "Неизвестный вид условия."));
}

/* The inside of prefix…suffix, if expr is exactly that. */
static int
between(const char *expr, const char *pre, const char *suf, char *out,
    size_t sz)
{
	size_t	 len = strlen(expr), pl = strlen(pre), sl = strlen(suf);

	if (len <= pl + sl || strncmp(expr, pre, pl) != 0 ||
	    strcmp(expr + len - sl, suf) != 0 || len - pl - sl >= sz)
		return 0;
	memcpy(out, expr + pl, len - pl - sl);
	out[len - pl - sl] = '\0';
	return strpbrk(out, "\"\\") == NULL;
}

/* {"jpg" "png"} back to "jpg png"; 0 when it is not that shape. */
static int
ext_list(const char *in, char *out, size_t sz)
{
	const char	*p = in, *q;
	size_t		 n;

	out[0] = '\0';
	while (*p != '\0') {
		if (*p != '"' || (q = strchr(p + 1, '"')) == NULL)
			return 0;
		n = (size_t)(q - p - 1);
		if (!is_ext(p + 1, n) || strlen(out) + n + 2 > sz)
			return 0;
		if (out[0] != '\0')
			strncat(out, " ", sz - strlen(out) - 1);
		strncat(out, p + 1, n);
		p = q + 1;
		if (*p == ' ' && p[1] == '"')
			p++;
		else if (*p != '\0')
			return 0;
	}
	return out[0] != '\0';
}

/* Which builder choice makes this expression, if one does. */
static const char *
parse_expr(const char *expr, char *value, size_t sz)
{
	char	 in[CR_MAX_EXPR + 1];
	size_t	 len = strlen(expr), pl = strlen(X_EXT), sl = strlen(X_EXT_END);

	if (between(expr, X_HOST, X_HOST_END, value, sz) &&
	    is_hostname(value, 0))
		return "hostname";
	if (between(expr, X_PATH, X_PATH_END, value, sz) && is_path(value))
		return "path_prefix";
	/* between() refuses the quotes this one is made of. */
	if (len > pl + sl && len < sizeof(in) &&
	    strncmp(expr, X_EXT, pl) == 0 &&
	    strcmp(expr + len - sl, X_EXT_END) == 0) {
		memcpy(in, expr + pl, len - pl - sl);
		in[len - pl - sl] = '\0';
		if (ext_list(in, value, sz))
			return "extension";
	}
	value[0] = '\0';
	return "expression";
}

/* ---- the form */

static const char *const matches[] = { "hostname", "path_prefix",
    "extension", "expression", NULL };

static void
form_slists(struct ctx *c)
{
	size_t	 i;

	reply_slist(c->reply, "match");
	for (i = 0; matches[i] != NULL; i++)
		reply_slist_msg(c->reply, matches[i]);
}

static void
ttl_field(struct ctx *c, const char *name, const char *mode, long long ttl)
{
	char	 buf[32];

	buf[0] = '\0';
	if (mode != NULL && strcmp(mode, "override_origin") == 0 && ttl >= 0)
		cf_snprintf(buf, sizeof(buf), "%lld", ttl);
	reply_field(c->reply, name, buf);
}

static int
cr_form(struct ctx *c)
{
	const char	*id = req_str(c->req, "elid"), *match;
	char		 value[1100];
	struct zone	 z;
	struct entry	 e;
	struct crule	 r;
	int		 rc = -1;

	reply_field(c->reply, "plid", req_str(c->req, "plid"));
	if (*id == '\0') {
		reply_field(c->reply, "match", "hostname");
		reply_field(c->reply, "cache", "on");
		reply_field(c->reply, "enabled", "on");
		form_slists(c);
		return 0;
	}
	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	if (entry_read(c, &z, &e) == -1)
		goto out;
	switch (entry_find(&e, id, &r)) {
	case 0:
		break;
	case 1:
		rule_foreign(c, &r);
		goto out;
	default:
		rule_missing(c, id);
		goto out;
	}
	match = parse_expr(r.expression, value, sizeof(value));
	reply_field(c->reply, "elid", r.id);
	reply_field(c->reply, "description", r.description);
	reply_field(c->reply, "match", match);
	reply_field(c->reply, "match_value", value);
	reply_field(c->reply, "expression", r.expression);
	reply_field(c->reply, "cache", r.cache == 1 ? "on" : "off");
	ttl_field(c, "edge_ttl", r.edge_mode, r.edge_ttl);
	ttl_field(c, "browser_ttl", r.browser_mode, r.browser_ttl);
	reply_field(c->reply, "enabled", r.enabled ? "on" : "off");
	form_slists(c);
	rc = 0;
out:
	cf_req_clean(&e.q);
	return rc;
}

/* ---- saving */

/*
 * edge_ttl or browser_ttl: a number overrides the origin; empty
 * respects it, except that a mode the form cannot show (such as
 * bypass_by_default) is kept.  Other members (status_code_ttl) stay.
 */
static int
ttl_set(struct json *ap, const char *key, const struct json *old,
    const char *secs)
{
	struct json		*t;
	const char		*mode = NULL;
	unsigned long long	 n;

	if (!json_is_obj(old))
		old = NULL;
	if (old != NULL && json_str_opt(old, "mode", &mode, NULL) == -1)
		mode = NULL;
	if ((t = old ? json_dup(old) : json_new_obj()) == NULL)
		return -1;
	if (secs != NULL && *secs != '\0' &&
	    parse_uint(secs, 31536000, &n) == 0) {
		if (json_set_str(t, "mode", "override_origin") == -1 ||
		    json_set_int(t, "default", (long long)n) == -1)
			goto fail;
	} else if (mode == NULL || strcmp(mode, "override_origin") == 0 ||
	    strcmp(mode, "respect_origin") == 0) {
		if (json_set_str(t, "mode", "respect_origin") == -1 ||
		    json_del(t, "default") == -1)
			goto fail;
	}
	return json_set(ap, key, t);
fail:
	json_free(t);
	return -1;
}

static struct json *
action_params(const struct json *old, int cache, const char *edge,
    const char *browser)
{
	struct json	*ap;

	if (!json_is_obj(old))
		old = NULL;
	if (!cache) {
		/* Bypass: nothing else applies. */
		if ((ap = json_new_obj()) == NULL ||
		    json_set_bool(ap, "cache", 0) == -1)
			goto fail;
		return ap;
	}
	/* Eligible: what the form does not show (cache_key …) stays. */
	if ((ap = old ? json_dup(old) : json_new_obj()) == NULL ||
	    json_set_bool(ap, "cache", 1) == -1 ||
	    ttl_set(ap, "edge_ttl", json_get(old, "edge_ttl"), edge) == -1 ||
	    ttl_set(ap, "browser_ttl", json_get(old, "browser_ttl"),
	    browser) == -1)
		goto fail;
	return ap;
fail:
	json_free(ap);
	return NULL;
}

/* A rule as sent back: what Cloudflare would refuse (read-only) goes. */
static struct json *
rule_copy(const struct json *j)
{
	struct json	*b;

	if ((b = json_dup(j)) == NULL)
		return NULL;
	json_del(b, "version");
	json_del(b, "last_updated");
	json_del(b, "categories");
	return b;
}

static struct json *
rule_body(const struct crule *old, const char *expr, int cache,
    const char *edge, const char *browser, const char *description,
    int enabled)
{
	struct json	*b, *ap;

	if ((b = old ? rule_copy(old->j) : json_new_obj()) == NULL)
		return NULL;
	if (old != NULL)
		json_del(b, "id");	/* it is in the path */
	if (json_set_str(b, "action", CR_ACTION) == -1 ||
	    json_set_str(b, "expression", expr) == -1 ||
	    json_set_str(b, "description", description) == -1 ||
	    json_set_bool(b, "enabled", enabled) == -1 ||
	    (ap = action_params(old ? json_get(old->j, "action_parameters") :
	    NULL, cache, edge, browser)) == NULL ||
	    json_set(b, "action_parameters", ap) == -1) {
		json_free(b);
		return NULL;
	}
	return b;
}

/* The expression the form describes, checked; before any call. */
static int
form_expr(struct ctx *c, char *out, size_t sz)
{
	const char	*match = req_str(c->req, "match"),
			*expr = req_str(c->req, "expression");

	if (strcmp(match, "expression") != 0) {
		if (build_expr(match, req_str(c->req, "match_value"), out, sz,
		    &c->err) != -1)
			return 0;
		if (!err_isset(&c->err))
			err_set(&c->err, "value", "match_value", "%s",
			    T("The value is too long.",
			    "Значение слишком длинное."));
		return -1;
	}
	if (expr_check(expr, "expression", &c->err) == -1)
		return -1;
	if (cf_strlcpy(out, expr, sz) >= sz) {
		err_set(&c->err, "value", "expression", "%s", T("The "
		    "expression is too long.", "Выражение слишком длинное."));
		return -1;
	}
	return 0;
}

static int
cr_save(struct ctx *c)
{
	const char	*zone = req_str(c->req, "plid"),
			*id = req_str(c->req, "elid");
	char		 expr[CR_MAX_EXPR + 1];
	struct zone	 z;
	struct entry	 e;
	struct crule	 old;
	struct cf_req	 w;
	struct json	*body = NULL, *rs = NULL, *rules;
	int		 cache = req_on(c->req, "cache", 1), k, rc = -1;

	memset(&e, 0, sizeof(e));
	cf_req_init(&w, *id ? "PATCH" : "POST", PERM_CACHE_RULES);
	if (form_expr(c, expr, sizeof(expr)) == -1)
		return -1;
	if (zone_find(c, zone, &z) == -1)
		return -1;
	if (entry_read(c, &z, &e) == -1)
		goto out;
	if (*id != '\0') {
		k = e.exists ? entry_find(&e, id, &old) : -1;
		if (k == 1) {
			rule_foreign(c, &old);
			goto out;
		}
		if (k == -1) {
			rule_missing(c, id);
			goto out;
		}
	}
	body = rule_body(*id ? &old : NULL, expr, cache,
	    req_get(c->req, "edge_ttl"), req_get(c->req, "browser_ttl"),
	    req_str(c->req, "description"), req_on(c->req, "enabled", 1));
	if (body == NULL) {
		ctx_nomem(c);
		goto out;
	}
	if (*id != '\0') {
		cf_path(&w, "/zones/%s/rulesets/%s/rules/%s", z.id, e.id, id);
		w.body = body;
	} else if (e.exists) {
		cf_path(&w, "/zones/%s/rulesets/%s/rules", z.id, e.id);
		w.body = body;	/* appended: the other rules keep their order */
	} else {
		if ((rs = json_new_obj()) == NULL ||
		    json_set_str(rs, "name", "default") == -1 ||
		    json_set_str(rs, "kind", "zone") == -1 ||
		    json_set_str(rs, "phase", PHASE) == -1 ||
		    (rules = json_new_arr()) == NULL ||
		    json_set(rs, "rules", rules) == -1) {
			ctx_nomem(c);
			goto out;
		}
		/* rules now belongs to rs, body to rules. */
		if (json_push(rules, body) == -1) {
			body = NULL;
			ctx_nomem(c);
			goto out;
		}
		body = NULL;
		cf_path(&w, "/zones/%s/rulesets", z.id);
		w.body = rs;
	}
	if (cf_call(ctx_cf(c), &w, &c->err) == -1)
		goto out;
	log_info("cacherule: %s %s rule \"%s\" (%s) in %s", c->req->user,
	    *id ? "changed" : "added", req_str(c->req, "description"), expr,
	    zone);
	reply_ok(c->reply);
	rc = 0;
out:
	cf_req_clean(&w);
	cf_req_clean(&e.q);
	json_free(body);
	json_free(rs);
	return rc;
}

int
fn_cr_edit(struct ctx *c)
{
	return c->req->submit ? cr_save(c) : cr_form(c);
}

/* The entrypoint's rules without the ones being deleted, for a PUT. */
static struct json *
rules_without(const struct entry *e, char *const *ids, size_t n)
{
	struct json		*b, *rules, *one;
	const struct json	*j;
	const char		*id;
	size_t			 i, k;

	if ((b = json_new_obj()) == NULL || (rules = json_new_arr()) == NULL ||
	    json_set(b, "rules", rules) == -1)
		goto fail;
	for (i = 0; i < json_count(e->rules); i++) {
		j = json_at(e->rules, i);
		if (json_str(j, "id", &id) == -1)
			goto fail;
		for (k = 0; k < n && strcmp(ids[k], id) != 0; k++)
			;
		if (k < n)
			continue;
		if ((one = rule_copy(j)) == NULL || json_push(rules, one) == -1)
			goto fail;
	}
	return b;
fail:
	json_free(b);
	return NULL;
}

/*
 * One rule goes with its own DELETE.  Several go in one PUT of the
 * entrypoint without them: all or none, and no run of concurrent
 * writes to one ruleset, at the cost of a (short) window in which a
 * change made elsewhere would be overwritten.
 */
int
fn_cr_delete(struct ctx *c)
{
	char		*copy, *ids[CR_MAX_GROUP];
	struct zone	 z;
	struct entry	 e;
	struct crule	 r;
	struct cf_req	 w;
	struct json	*body = NULL;
	int		 n, i, rc = -1;

	memset(&e, 0, sizeof(e));
	cf_req_init(&w, "PUT", PERM_CACHE_RULES);
	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	if ((copy = strdup(req_str(c->req, "elid"))) == NULL)
		return ctx_nomem(c);
	if ((n = split_list(copy, ids, CR_MAX_GROUP)) <= 0)
		goto out;
	if (entry_read(c, &z, &e) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		switch (e.exists ? entry_find(&e, ids[i], &r) : -1) {
		case 0:
			break;
		case 1:
			rule_foreign(c, &r);
			goto out;
		default:
			rule_missing(c, ids[i]);
			goto out;
		}
	}
	if (n == 1) {
		cf_req_init(&w, "DELETE", PERM_CACHE_RULES);
		cf_path(&w, "/zones/%s/rulesets/%s/rules/%s", z.id, e.id,
		    ids[0]);
		if (ctx_group(c, &w, 1, ids, "cacherule: deleted rule") == -1)
			goto out;
	} else {
		if ((body = rules_without(&e, ids, (size_t)n)) == NULL) {
			ctx_nomem(c);
			goto out;
		}
		cf_path(&w, "/zones/%s/rulesets/phases/" PHASE "/entrypoint",
		    z.id);
		w.body = body;
		if (cf_call(ctx_cf(c), &w, &c->err) == -1)
			goto out;
		for (i = 0; i < n; i++)
			log_info("cacherule: deleted rule %s by %s", ids[i],
			    c->req->user);
	}
	reply_ok(c->reply);
	rc = 0;
out:
	cf_req_clean(&w);
	cf_req_clean(&e.q);
	json_free(body);
	free(copy);
	return rc;
}
