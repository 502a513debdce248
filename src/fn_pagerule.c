/*
 * cloudflare.pagerule: a zone's page rules; cloudflare.pagerule.edit:
 * create or edit one; cloudflare.pagerule.delete.
 *
 * One table of actions drives the form, the validation, the request
 * body and the list's summary.  Page rules have no partial action
 * edit, so an edit PUTs the whole rule, carrying over every action the
 * form does not manage (cache_key_fields, mirage, …) as it was.
 * Always Online is not a page rule action any more: it is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "validate.h"

enum pr_kind {
	PR_FLAG,	/* checkbox; Cloudflare sends no value */
	PR_ONOFF,	/* select default/on/off */
	PR_ENUM,	/* select of strings */
	PR_NUMBER,	/* a number: from keys (a select) or lo..hi */
	PR_TEXT,	/* one line of text */
	PR_HOST,	/* a host name */
	PR_FORWARD	/* forwarding_url + forwarding_status */
};

struct pr_action {
	const char		*field;	/* the form field */
	const char		*id;	/* Cloudflare's action id */
	enum pr_kind		 kind;
	const char *const	*keys;	/* select keys, "default" aside */
	unsigned long long	 lo, hi;
	const char		*en, *ru;	/* the label, for people */
};

#define PR_TEXT_MAX	255

static const char *const k_onoff[] = { "on", "off", NULL };
static const char *const k_ssl[] = {
	"off", "flexible", "full", "strict", NULL
};
static const char *const k_security[] = {
	"off", "essentially_off", "low", "medium", "high", "under_attack", NULL
};
static const char *const k_cache_level[] = {
	"bypass", "basic", "simplified", "aggressive", "cache_everything", NULL
};
static const char *const k_polish[] = { "off", "lossless", "lossy", NULL };
static const char *const k_browser_ttl[] = {
	"0", "30", "60", "120", "300", "1200", "1800", "3600", "7200",
	"10800", "14400", "18000", "28800", "43200", "57600", "72000",
	"86400", "172800", "259200", "345600", "432000", "691200", "1382400",
	"2073600", "2678400", "5356800", "16070400", "31536000", NULL
};
static const char *const k_fwstatus[] = { "301", "302", NULL };
static const char *const k_status[] = { "active", "disabled", NULL };

/* In the form's order, which is also the order of the body. */
static const struct pr_action actions[] = {
	{ "forwarding_url", "forwarding_url", PR_FORWARD, NULL, 0, 0,
	    "Forward", "Переадресация" },
	{ "always_use_https", "always_use_https", PR_FLAG, NULL, 0, 0,
	    "Always Use HTTPS", "Всегда использовать HTTPS" },
	{ "ssl", "ssl", PR_ENUM, k_ssl, 0, 0, "SSL", "SSL" },
	{ "security_level", "security_level", PR_ENUM, k_security, 0, 0,
	    "Security level", "Уровень безопасности" },
	{ "browser_check", "browser_check", PR_ONOFF, k_onoff, 0, 0,
	    "Browser Integrity Check", "Проверка целостности браузера" },
	{ "waf", "waf", PR_ONOFF, k_onoff, 0, 0, "WAF", "WAF" },
	{ "automatic_https_rewrites", "automatic_https_rewrites", PR_ONOFF,
	    k_onoff, 0, 0, "Automatic HTTPS Rewrites",
	    "Автоматическая замена ссылок на HTTPS" },
	{ "opportunistic_encryption", "opportunistic_encryption", PR_ONOFF,
	    k_onoff, 0, 0, "Opportunistic Encryption",
	    "Оппортунистическое шифрование" },
	{ "email_obfuscation", "email_obfuscation", PR_ONOFF, k_onoff, 0, 0,
	    "Email Obfuscation", "Скрытие адресов электронной почты" },
	{ "disable_security", "disable_security", PR_FLAG, NULL, 0, 0,
	    "Disable Security", "Отключить защиту" },
	{ "cache_level", "cache_level", PR_ENUM, k_cache_level, 0, 0,
	    "Cache level", "Уровень кеширования" },
	{ "edge_cache_ttl", "edge_cache_ttl", PR_NUMBER, NULL, 1, 31536000,
	    "Edge cache TTL", "Срок кеширования на Cloudflare" },
	{ "browser_cache_ttl", "browser_cache_ttl", PR_NUMBER, k_browser_ttl,
	    0, 0, "Browser cache TTL", "Срок кеширования в браузере" },
	{ "cache_by_device_type", "cache_by_device_type", PR_ONOFF, k_onoff,
	    0, 0, "Cache by device type", "Кеширование по типу устройства" },
	{ "cache_deception_armor", "cache_deception_armor", PR_ONOFF, k_onoff,
	    0, 0, "Cache Deception Armor", "Защита от обмана кеша" },
	{ "cache_on_cookie", "cache_on_cookie", PR_TEXT, NULL, 0, 0,
	    "Cache on cookie", "Кешировать при cookie" },
	{ "bypass_cache_on_cookie", "bypass_cache_on_cookie", PR_TEXT, NULL,
	    0, 0, "Bypass cache on cookie", "Не кешировать при cookie" },
	{ "explicit_cache_control", "explicit_cache_control", PR_ONOFF,
	    k_onoff, 0, 0, "Origin Cache Control",
	    "Учитывать Cache-Control сервера" },
	{ "origin_error_page_pass_thru", "origin_error_page_pass_thru",
	    PR_ONOFF, k_onoff, 0, 0, "Origin Error Page Pass-thru",
	    "Страницы ошибок сервера" },
	{ "respect_strong_etag", "respect_strong_etag", PR_ONOFF, k_onoff, 0,
	    0, "Respect Strong ETags", "Учитывать строгие ETag" },
	{ "sort_query_string_for_cache", "sort_query_string_for_cache",
	    PR_ONOFF, k_onoff, 0, 0, "Query String Sort",
	    "Сортировка строки запроса" },
	{ "rocket_loader", "rocket_loader", PR_ONOFF, k_onoff, 0, 0,
	    "Rocket Loader", "Rocket Loader" },
	{ "polish", "polish", PR_ENUM, k_polish, 0, 0, "Polish", "Polish" },
	{ "response_buffering", "response_buffering", PR_ONOFF, k_onoff, 0, 0,
	    "Response Buffering", "Буферизация ответов" },
	{ "disable_performance", "disable_performance", PR_FLAG, NULL, 0, 0,
	    "Disable Performance", "Отключить оптимизацию" },
	{ "ip_geolocation", "ip_geolocation", PR_ONOFF, k_onoff, 0, 0,
	    "IP Geolocation Header", "Заголовок геолокации IP" },
	{ "true_client_ip_header", "true_client_ip_header", PR_ONOFF, k_onoff,
	    0, 0, "True-Client-IP Header", "Заголовок True-Client-IP" },
	{ "host_header_override", "host_header_override", PR_HOST, NULL, 0, 0,
	    "Host Header Override", "Замена заголовка Host" },
	{ "resolve_override", "resolve_override", PR_HOST, NULL, 0, 0,
	    "Resolve Override", "Замена адреса сервера" },
	{ "disable_apps", "disable_apps", PR_FLAG, NULL, 0, 0,
	    "Disable Apps", "Отключить приложения" },
	{ "disable_zaraz", "disable_zaraz", PR_FLAG, NULL, 0, 0,
	    "Disable Zaraz", "Отключить Zaraz" },
};
#define NACTIONS	(sizeof(actions) / sizeof(actions[0]))

#define FW_STATUS	"forwarding_status"	/* the forward's second field */

static const struct pr_action *
action_by_field(const char *field)
{
	size_t	 i;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].field, field) == 0)
			return &actions[i];
	return NULL;
}

static const struct pr_action *
action_by_id(const char *id)
{
	size_t	 i;

	for (i = 0; i < NACTIONS; i++)
		if (strcmp(actions[i].id, id) == 0)
			return &actions[i];
	return NULL;
}

static int
in_keys(const char *const *keys, const char *v)
{
	size_t	 i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		if (strcmp(keys[i], v) == 0)
			return 1;
	return 0;
}

/* "default" and "" both mean: the action is absent. */
static int
is_unset(const char *v)
{
	return v == NULL || *v == '\0' || strcmp(v, "default") == 0;
}

static int
bad_char(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v <= 0x20 || *v == 0x7f)
			return 1;
	return 0;
}

/* An absolute http(s) URL with a host, no spaces, bounded. */
static int
forward_ok(const char *v)
{
	const char	*h;

	if (strncasecmp(v, "https://", 8) == 0)
		h = v + 8;
	else if (strncasecmp(v, "http://", 7) == 0)
		h = v + 7;
	else
		return 0;
	if (strlen(v) > 1024 || bad_char(v) || !utf8_valid(v, strlen(v)))
		return 0;
	return *h != '\0' && *h != '/' && *h != '?' && *h != '#';
}

/*
 * The validator of every action field (and forwarding_status), looked
 * up in the table by the field's name, so the table stays the one
 * place that says what each field takes.
 */
int
v_pagerule_action(char *v, const char *field, struct err *err)
{
	const struct pr_action	*a;
	unsigned long long	 n;

	if (strcmp(field, FW_STATUS) == 0) {
		if (*v == '\0' || in_keys(k_fwstatus, v))
			return 0;
		err_set(err, "value", field, "%s", T("The redirect type must "
		    "be 301 or 302.", "Тип переадресации должен быть 301 или "
		    "302."));
		return -1;
	}
	if ((a = action_by_field(field)) == NULL) {
		err_set(err, "internal", field, T("The field «%s» is not a "
		    "page rule setting.", "Поле «%s» не является параметром "
		    "правила страницы."), field);
		return -1;
	}
	switch (a->kind) {
	case PR_FLAG:
		if (*v == '\0')
			return 0;
		return v_onoff(v, field, err);
	case PR_ONOFF:
	case PR_ENUM:
		if (is_unset(v) || in_keys(a->keys, v))
			return 0;
		break;
	case PR_NUMBER:
		if (is_unset(v))
			return 0;
		if (a->keys != NULL) {
			if (in_keys(a->keys, v))
				return 0;
			break;
		}
		if (parse_uint(v, a->hi, &n) == 0 && n >= a->lo)
			return 0;
		err_set(err, "value", field, T("«%s» must be a whole number "
		    "from %llu to %llu.", "«%s» — целое число от %llu до "
		    "%llu."), T(a->en, a->ru), a->lo, a->hi);
		return -1;
	case PR_TEXT:
		if (v_text(v, field, err) == -1)
			return -1;
		if (strlen(v) <= PR_TEXT_MAX)
			return 0;
		err_set(err, "value", field, T("«%s» holds at most %d "
		    "characters.", "«%s» — не более %d символов."),
		    T(a->en, a->ru), PR_TEXT_MAX);
		return -1;
	case PR_HOST:
		if (*v == '\0' || (strlen(v) <= 253 && is_hostname(v, 0)))
			return 0;
		err_set(err, "value", field, T("«%s» must be a host name, "
		    "such as origin.example.com.", "«%s» — имя хоста, например "
		    "origin.example.com."), T(a->en, a->ru));
		return -1;
	case PR_FORWARD:
		if (*v == '\0' || forward_ok(v))
			return 0;
		err_set(err, "value", field, "%s", T("The forwarding URL must "
		    "be a full address starting with http:// or https://, such "
		    "as https://www.example.com/$1, without spaces.", "Адрес "
		    "переадресации — полный адрес, начинающийся с http:// или "
		    "https://, например https://www.example.com/$1, без "
		    "пробелов."));
		return -1;
	}
	err_set(err, "value", field, T("«%s» has no such choice.", "У "
	    "параметра «%s» нет такого варианта."), T(a->en, a->ru));
	return -1;
}

/* ---- A rule as Cloudflare sends it. */

struct pr_rule {
	char			 id[33];
	char			 url[1024];
	long long		 priority;
	char			 status[16];
	const struct json	*actions;	/* in the reply */
};

static int
rule_parse(const struct json *j, struct pr_rule *r)
{
	const struct json	*t, *it, *a;
	const char		*s;
	size_t			 i;

	memset(r, 0, sizeof(*r));
	if (!json_is_obj(j) || json_str(j, "id", &s) == -1 || !is_cfid(s))
		return -1;
	cf_strlcpy(r->id, s, sizeof(r->id));
	if (json_int_opt(j, "priority", &r->priority, 0) == -1 ||
	    json_str_opt(j, "status", &s, "") == -1 ||
	    strlen(s) >= sizeof(r->status))
		return -1;
	cf_strlcpy(r->status, s, sizeof(r->status));
	if ((t = json_get(j, "targets")) == NULL || !json_is_arr(t))
		return -1;
	for (i = 0; i < json_count(t); i++) {
		it = json_at(t, i);
		if (json_str(it, "target", &s) == -1 || strcmp(s, "url") != 0)
			continue;
		if (json_str(json_get(it, "constraint"), "value", &s) == -1 ||
		    strlen(s) >= sizeof(r->url))
			return -1;
		cf_strlcpy(r->url, s, sizeof(r->url));
		break;
	}
	if ((r->actions = json_get(j, "actions")) == NULL)
		return 0;
	if (!json_is_arr(r->actions))
		return -1;
	for (i = 0; i < json_count(r->actions); i++) {
		a = json_at(r->actions, i);
		if (json_str(a, "id", &s) == -1)
			return -1;
	}
	return 0;
}

static const struct json *
rule_action(const struct pr_rule *r, const char *id)
{
	const struct json	*a;
	const char		*s;
	size_t			 i;

	for (i = 0; i < json_count(r->actions); i++) {
		a = json_at(r->actions, i);
		if (json_str(a, "id", &s) == 0 && strcmp(s, id) == 0)
			return a;
	}
	return NULL;
}

/*
 * An action's value as the form shows it, in buf.  0 when the form
 * can show it, -1 when it cannot (a value outside the form's choices):
 * such an action is kept on save unless the user sets the field.
 */
static int
action_value(const struct pr_action *pa, const struct json *a, char *buf,
    size_t sz)
{
	const struct json	*v;
	const char		*s;
	long long		 n;

	buf[0] = '\0';
	v = json_get(a, "value");
	switch (pa->kind) {
	case PR_FLAG:
		cf_strlcpy(buf, "on", sz);
		return 0;
	case PR_ONOFF:
	case PR_ENUM:
		if (json_as_str(v, &s) == -1 || !in_keys(pa->keys, s))
			return -1;
		cf_strlcpy(buf, s, sz);
		return 0;
	case PR_NUMBER:
		if (json_as_int(v, &n) == -1 || n < 0)
			return -1;
		snprintf(buf, sz, "%lld", n);
		if (pa->keys != NULL ? !in_keys(pa->keys, buf) :
		    ((unsigned long long)n < pa->lo ||
		    (unsigned long long)n > pa->hi))
			return -1;
		return 0;
	case PR_TEXT:
	case PR_HOST:
		if (json_as_str(v, &s) == -1 || strlen(s) >= sz)
			return -1;
		cf_strlcpy(buf, s, sz);
		return 0;
	case PR_FORWARD:
		if (json_str(v, "url", &s) == -1 || strlen(s) >= sz ||
		    json_int(v, "status_code", &n) == -1 ||
		    (n != 301 && n != 302))
			return -1;
		cf_strlcpy(buf, s, sz);
		return 0;
	}
	return -1;
}

/* ---- The list. */

static void
summary_add(char *buf, size_t sz, const char *item)
{
	if (buf[0] != '\0')
		strncat(buf, "; ", sz - strlen(buf) - 1);
	strncat(buf, item, sz - strlen(buf) - 1);
}

static const char *
onoff_text(const char *v)
{
	if (strcmp(v, "on") == 0)
		return T("on", "вкл.");
	if (strcmp(v, "off") == 0)
		return T("off", "выкл.");
	return v;
}

/* "Forward 301 → https://x/; Cache level: bypass", for the list. */
static void
summary(const struct pr_rule *r, char *buf, size_t sz)
{
	const struct pr_action	*pa;
	const struct json	*a, *v;
	const char		*id, *s;
	char			 item[1200], val[1100];
	long long		 code;
	size_t			 i;

	buf[0] = '\0';
	for (i = 0; i < json_count(r->actions); i++) {
		a = json_at(r->actions, i);
		if (json_str(a, "id", &id) == -1)
			continue;
		v = json_get(a, "value");
		if ((pa = action_by_id(id)) == NULL)
			cf_strlcpy(item, id, sizeof(item));
		else if (pa->kind == PR_FORWARD) {
			if (json_str(v, "url", &s) == -1)
				s = "?";
			if (json_int(v, "status_code", &code) == -1)
				code = 0;
			cf_snprintf(item, sizeof(item), T("Forward %lld → %s",
			    "Переадресация %lld → %s"), code, s);
		} else if (pa->kind == PR_FLAG)
			cf_strlcpy(item, T(pa->en, pa->ru), sizeof(item));
		else {
			long long n;

			if (json_as_str(v, &s) == 0)
				cf_strlcpy(val, pa->kind == PR_ONOFF ?
				    onoff_text(s) : s, sizeof(val));
			else if (json_as_int(v, &n) == 0 && n == 0 &&
			    strcmp(id, "browser_cache_ttl") == 0)
				cf_strlcpy(val, T("respect existing headers",
				    "по заголовкам сервера"), sizeof(val));
			else if (json_as_int(v, &n) == 0)
				snprintf(val, sizeof(val), T("%lld s",
				    "%lld с"), n);
			else
				cf_strlcpy(val, "?", sizeof(val));
			cf_snprintf(item, sizeof(item), "%s: %s",
			    T(pa->en, pa->ru), val);
		}
		summary_add(buf, sz, item);
	}
}

static const char *
status_text(const char *s)
{
	if (strcmp(s, "active") == 0)
		return T("active", "включено");
	if (strcmp(s, "disabled") == 0)
		return T("disabled", "отключено");
	return s;
}

int
fn_pagerule_list(struct ctx *c)
{
	struct zone	 z;
	struct cf_req	 r;
	struct pr_rule	 pr;
	char		 sum[2048], prio[32];
	size_t		 i;
	int		 rc = -1;

	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	cf_req_init(&r, "GET", PERM_ZONE_READ);
	cf_path(&r, "/zones/%s/pagerules", z.id);
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	if (!json_is_arr(r.result))
		goto malformed;
	for (i = 0; i < json_count(r.result); i++) {
		if (rule_parse(json_at(r.result, i), &pr) == -1)
			goto malformed;
		summary(&pr, sum, sizeof(sum));
		snprintf(prio, sizeof(prio), "%lld", pr.priority);
		reply_row(c->reply);
		reply_col(c->reply, "id", pr.id);
		reply_col(c->reply, "url", pr.url);
		reply_col(c->reply, "actions", sum);
		reply_col(c->reply, "priority", prio);
		reply_col(c->reply, "status", status_text(pr.status));
	}
	rc = 0;
	goto out;
malformed:
	err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare sent a page "
	    "rule the plugin cannot read.", "Cloudflare прислал правило "
	    "страницы, которое модуль не может прочитать."));
out:
	cf_req_clean(&r);
	return rc;
}

/* ---- The form. */

static int
get_rule(struct ctx *c, const struct zone *z, const char *id,
    struct cf_req *q, struct pr_rule *pr)
{
	cf_req_init(q, "GET", PERM_ZONE_READ);
	cf_path(q, "/zones/%s/pagerules/%s", z->id, id);
	if (cf_call(ctx_cf(c), q, &c->err) == -1)
		return -1;
	if (rule_parse(q->result, pr) == -1) {
		err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare sent a "
		    "page rule the plugin cannot read.", "Cloudflare прислал "
		    "правило страницы, которое модуль не может прочитать."));
		return -1;
	}
	return 0;
}

static void
slist_keys(struct ctx *c, const char *name, const char *const *keys,
    int with_default)
{
	size_t	 i;

	reply_slist(c->reply, name);
	if (with_default)
		reply_slist_msg(c->reply, "default");
	for (i = 0; keys[i] != NULL; i++)
		reply_slist_msg(c->reply, keys[i]);
}

static void
form_slists(struct ctx *c)
{
	size_t	 i;

	slist_keys(c, "status", k_status, 0);
	slist_keys(c, FW_STATUS, k_fwstatus, 0);
	for (i = 0; i < NACTIONS; i++)
		if (actions[i].keys != NULL)
			slist_keys(c, actions[i].field, actions[i].keys, 1);
}

/* Every action field: the rule's value, or the form's "absent". */
static void
form_actions(struct ctx *c, const struct pr_rule *pr)
{
	const struct pr_action	*pa;
	const struct json	*a;
	char			 buf[1100];
	long long		 code;
	size_t			 i;
	int			 shown;

	reply_field(c->reply, FW_STATUS, "301");
	for (i = 0; i < NACTIONS; i++) {
		pa = &actions[i];
		a = pr ? rule_action(pr, pa->id) : NULL;
		shown = a != NULL && action_value(pa, a, buf, sizeof(buf)) == 0;
		if (!shown)
			cf_strlcpy(buf, pa->kind == PR_FLAG ? "off" :
			    pa->keys != NULL ? "default" : "", sizeof(buf));
		reply_field(c->reply, pa->field, buf);
		if (shown && pa->kind == PR_FORWARD &&
		    json_int(json_get(a, "value"), "status_code", &code) == 0)
			reply_field(c->reply, FW_STATUS, code == 302 ? "302" :
			    "301");
	}
}

static int
pr_form(struct ctx *c)
{
	const char	*id = req_str(c->req, "elid");
	struct zone	 z;
	struct cf_req	 q;
	struct pr_rule	 pr;
	char		 buf[32];
	int		 rc = -1;

	reply_field(c->reply, "plid", req_str(c->req, "plid"));
	cf_req_init(&q, "GET", PERM_ZONE_READ);
	if (*id == '\0') {
		reply_field(c->reply, "status", "active");
		reply_field(c->reply, "priority", "");
		form_actions(c, NULL);
		form_slists(c);
		return 0;
	}
	if (zone_find(c, req_str(c->req, "plid"), &z) == -1 ||
	    get_rule(c, &z, id, &q, &pr) == -1)
		goto out;
	reply_field(c->reply, "elid", pr.id);
	reply_field(c->reply, "url", pr.url);
	reply_field(c->reply, "status", pr.status);
	snprintf(buf, sizeof(buf), "%lld", pr.priority);
	reply_field(c->reply, "priority", buf);
	form_actions(c, &pr);
	form_slists(c);
	rc = 0;
out:
	cf_req_clean(&q);
	return rc;
}

/* ---- Saving. */

static int
ci_contains(const char *hay, const char *needle)
{
	size_t	 n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* One action from the form, or NULL when the field says "absent". */
static struct json *
form_action(struct ctx *c, const struct pr_action *pa, int *err)
{
	const char		*v = req_get(c->req, pa->field), *st;
	struct json		*a, *fw;
	unsigned long long	 n;

	*err = 0;
	if (is_unset(v) || (pa->kind == PR_FLAG && strcmp(v, "on") != 0))
		return NULL;
	if ((a = json_new_obj()) == NULL ||
	    json_set_str(a, "id", pa->id) == -1)
		goto nomem;
	switch (pa->kind) {
	case PR_FLAG:
		break;
	case PR_ONOFF:
	case PR_ENUM:
	case PR_TEXT:
	case PR_HOST:
		if (json_set_str(a, "value", v) == -1)
			goto nomem;
		break;
	case PR_NUMBER:
		if (parse_uint(v, 31536000, &n) == -1 ||
		    json_set_int(a, "value", (long long)n) == -1)
			goto nomem;	/* validated: only memory fails */
		break;
	case PR_FORWARD:
		st = req_str(c->req, FW_STATUS);
		/* Attached first, so a failure below frees it with a. */
		if ((fw = json_new_obj()) == NULL ||
		    json_set(a, "value", fw) == -1 ||
		    json_set_str(fw, "url", v) == -1 ||
		    json_set_int(fw, "status_code",
		    strcmp(st, "302") == 0 ? 302 : 301) == -1)
			goto nomem;
		break;
	}
	return a;
nomem:
	json_free(a);
	*err = 1;
	return NULL;
}

/* The form's actions; *lone names a set action that must be alone. */
static struct json *
form_actions_body(struct ctx *c, size_t *n, const char **lone)
{
	struct json	*arr, *a;
	size_t		 i;
	int		 e;

	*n = 0;
	*lone = NULL;
	if ((arr = json_new_arr()) == NULL)
		return NULL;
	for (i = 0; i < NACTIONS; i++) {
		if ((a = form_action(c, &actions[i], &e)) == NULL) {
			if (e)
				goto fail;
			continue;
		}
		if (json_push(arr, a) == -1)	/* freed it */
			goto fail;
		if (actions[i].kind == PR_FORWARD ||
		    strcmp(actions[i].id, "always_use_https") == 0)
			*lone = actions[i].field;
		(*n)++;
	}
	return arr;
fail:
	json_free(arr);
	return NULL;
}

/*
 * What the form does not manage is kept: actions the table does not
 * know, and values the form cannot show when the user left the field
 * unset.  Always Online is dropped: Cloudflare refuses it now.
 */
static int
carry_over(struct ctx *c, const struct pr_rule *old, struct json *arr,
    size_t *n)
{
	const struct pr_action	*pa;
	const struct json	*a;
	struct json		*d;
	const char		*id;
	char			 buf[1100];
	size_t			 i;

	for (i = 0; i < json_count(old->actions); i++) {
		a = json_at(old->actions, i);
		if (json_str(a, "id", &id) == -1)
			continue;
		if (strcmp(id, "always_online") == 0) {
			log_info("pagerule: %s: dropped the always_online "
			    "action of rule %s", c->req->user, old->id);
			continue;
		}
		if ((pa = action_by_id(id)) != NULL && (action_value(pa, a,
		    buf, sizeof(buf)) == 0 ||
		    !is_unset(req_get(c->req, pa->field))))
			continue;
		if ((d = json_dup(a)) == NULL || json_push(arr, d) == -1)
			return ctx_nomem(c);
		(*n)++;
	}
	return 0;
}

static int
lone_error(struct ctx *c, const char *field)
{
	if (strcmp(field, "forwarding_url") == 0)
		err_set(&c->err, "value", field, "%s", T("A forwarding URL "
		    "cannot be combined with any other setting in the same "
		    "rule: Cloudflare allows a redirect only alone. Clear the "
		    "other settings, or make a second rule for them.",
		    "Переадресацию нельзя сочетать с другими параметрами в "
		    "одном правиле: Cloudflare допускает переадресацию только "
		    "отдельно. Сбросьте остальные параметры или создайте для "
		    "них второе правило."));
	else
		err_set(&c->err, "value", field, "%s", T("Always Use HTTPS "
		    "cannot be combined with any other setting in the same "
		    "rule. Clear the other settings, or make a second rule for "
		    "them.", "«Всегда использовать HTTPS» нельзя сочетать с "
		    "другими параметрами в одном правиле. Сбросьте остальные "
		    "параметры или создайте для них второе правило."));
	return -1;
}

static int
no_actions(struct ctx *c)
{
	err_set(&c->err, "missed", "forwarding_url", "%s", T("Choose at "
	    "least one setting for the rule: a forwarding URL, or anything "
	    "on the Security, Caching, Performance or Other tabs.", "Выберите "
	    "хотя бы один параметр правила: адрес переадресации или любой "
	    "параметр на вкладках «Безопасность», «Кеширование», "
	    "«Производительность» или «Прочее»."));
	return -1;
}

/* Every table field must be declared in functab, or it never arrives. */
static int
table_declared(struct ctx *c)
{
	const struct param_spec	*ps;
	size_t			 i;

	for (i = 0; i < NACTIONS; i++) {
		for (ps = c->req->fn->params; ps->name != NULL; ps++)
			if (strcmp(ps->name, actions[i].field) == 0)
				break;
		if (ps->name == NULL) {
			err_set(&c->err, "internal", "", T("The page rule field "
			    "«%s» is not declared.", "Поле правила страницы "
			    "«%s» не объявлено."), actions[i].field);
			return -1;
		}
	}
	return 0;
}

static int
pr_save(struct ctx *c)
{
	const char	*zone = req_str(c->req, "plid"),
			*id = req_str(c->req, "elid"),
			*url = req_str(c->req, "url"),
			*prios = req_str(c->req, "priority"),
			*status = req_str(c->req, "status"), *lone;
	unsigned long long prio = 0;
	struct zone	 z;
	struct cf_req	 q, r;
	struct pr_rule	 old;
	struct json	*body = NULL, *acts = NULL, *tg, *t, *cons;
	size_t		 n;
	int		 bad, rc = -1;

	cf_req_init(&q, "GET", PERM_ZONE_READ);
	cf_req_init(&r, *id ? "PUT" : "POST", PERM_ZONE_EDIT);
	/* Everything the form alone can tell, before any call. */
	if (!ci_contains(url, zone)) {
		err_set(&c->err, "value", "url", T("The URL pattern must "
		    "contain the domain %s, such as *%s/images/*.", "Шаблон URL "
		    "должен содержать домен %s, например *%s/images/*."), zone,
		    zone);
		goto out;
	}
	if (*prios != '\0')
		parse_uint(prios, 10000, &prio);
	if ((acts = form_actions_body(c, &n, &lone)) == NULL) {
		ctx_nomem(c);
		goto out;
	}
	if (lone != NULL && n > 1) {
		lone_error(c, lone);
		goto out;
	}
	if (n == 0 && *id == '\0') {
		no_actions(c);
		goto out;
	}
	if (zone_find(c, zone, &z) == -1)
		goto out;
	if (*id != '\0') {
		if (get_rule(c, &z, id, &q, &old) == -1 ||
		    carry_over(c, &old, acts, &n) == -1)
			goto out;
		if (n == 0) {
			no_actions(c);
			goto out;
		}
		if (lone != NULL && n > 1) {
			lone_error(c, lone);
			goto out;
		}
		if (prio == 0)
			prio = old.priority > 0 ? (unsigned long long)
			    old.priority : 0;
	}
	if ((body = json_new_obj()) == NULL || (tg = json_new_arr()) == NULL ||
	    json_set(body, "targets", tg) == -1 ||
	    (t = json_new_obj()) == NULL || json_push(tg, t) == -1 ||
	    json_set_str(t, "target", "url") == -1 ||
	    (cons = json_new_obj()) == NULL || json_set(t, "constraint",
	    cons) == -1 || json_set_str(cons, "operator", "matches") == -1 ||
	    json_set_str(cons, "value", url) == -1)
		goto nomem;
	bad = json_set(body, "actions", acts) == -1;
	acts = NULL;	/* the body has it, or it is freed */
	if (bad)
		goto nomem;
	if (prio > 0 && json_set_int(body, "priority", (long long)prio) == -1)
		goto nomem;
	if (json_set_str(body, "status", *status ? status : "active") == -1)
		goto nomem;
	if (*id != '\0')
		cf_path(&r, "/zones/%s/pagerules/%s", z.id, id);
	else
		cf_path(&r, "/zones/%s/pagerules", z.id);
	r.body = body;
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	log_info("pagerule: %s %s a page rule for %s in %s", c->req->user,
	    *id ? "changed" : "added", url, zone);
	reply_ok(c->reply);
	rc = 0;
	goto out;
nomem:
	ctx_nomem(c);
out:
	cf_req_clean(&q);
	cf_req_clean(&r);
	json_free(body);
	json_free(acts);
	return rc;
}

int
fn_pagerule_edit(struct ctx *c)
{
	if (table_declared(c) == -1)
		return -1;
	return c->req->submit ? pr_save(c) : pr_form(c);
}

int
fn_pagerule_delete(struct ctx *c)
{
	return ctx_delete_ids(c, "/zones/%s/pagerules/%s", PERM_ZONE_EDIT, "pagerule: deleted rule");
}
