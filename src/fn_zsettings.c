/*
 * cloudflare.zone.settings: the zone's settings in one form.
 *
 * One table drives everything: which settings the form has, how each
 * is read from Cloudflare, which values it takes, and how it is
 * written back.  A save sends only the settings whose value changed,
 * in one PATCH.  A setting Cloudflare does not offer this zone (absent
 * from its answer, retired, or not editable on the plan) is left out
 * of the form and never sent, whatever the form submits for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "validate.h"

enum zkind {
	Z_ONOFF,	/* checkbox: "on" / "off" */
	Z_STR,		/* select, a string in the JSON */
	Z_NUM		/* select, a number in the JSON */
};

struct zset {
	const char		*field;		/* form field */
	const char		*id;		/* Cloudflare setting id */
	enum zkind		 kind;
	const char *const	*vals;		/* allowed values, the XML's keys */
	const char		*en, *ru;	/* its name, as the form shows it */
};

static const char *const v_onoffs[] = { "on", "off", NULL };
static const char *const v_ssl[] = {
	"off", "flexible", "full", "strict", NULL
};
static const char *const v_tls[] = { "1.0", "1.1", "1.2", "1.3", NULL };
static const char *const v_seclevel[] = {
	"off", "essentially_off", "low", "medium", "high", "under_attack",
	NULL
};
static const char *const v_challenge[] = {
	"300", "900", "1800", "2700", "3600", "7200", "10800", "14400",
	"28800", "57600", "86400", "604800", "2592000", "31536000", NULL
};
static const char *const v_cachelevel[] = {
	"aggressive", "basic", "simplified", NULL
};
static const char *const v_browserttl[] = {
	"0", "30", "60", "120", "300", "1200", "1800", "3600", "7200",
	"10800", "14400", "18000", "28800", "43200", "57600", "72000",
	"86400", "172800", "259200", "345600", "432000", "691200", "1382400",
	"2073600", "2678400", "5356800", "16070400", "31536000", NULL
};

/* In the form's order. */
static const struct zset zsets[] = {
	{ "ssl", "ssl", Z_STR, v_ssl,
	    "SSL/TLS encryption mode", "Режим шифрования SSL/TLS" },
	{ "min_tls_version", "min_tls_version", Z_STR, v_tls,
	    "Minimum TLS version", "Минимальная версия TLS" },
	{ "always_use_https", "always_use_https", Z_ONOFF, v_onoffs,
	    "Always Use HTTPS", "Всегда использовать HTTPS" },
	{ "automatic_https_rewrites", "automatic_https_rewrites", Z_ONOFF,
	    v_onoffs, "Automatic HTTPS Rewrites",
	    "Автоматическая замена ссылок на HTTPS" },
	{ "security_level", "security_level", Z_STR, v_seclevel,
	    "Security level", "Уровень безопасности" },
	{ "challenge_ttl", "challenge_ttl", Z_NUM, v_challenge,
	    "Challenge passage", "Срок действия проверки" },
	{ "browser_check", "browser_check", Z_ONOFF, v_onoffs,
	    "Browser Integrity Check", "Проверка целостности браузера" },
	{ "email_obfuscation", "email_obfuscation", Z_ONOFF, v_onoffs,
	    "Email Address Obfuscation", "Скрытие адресов электронной почты" },
	{ "hotlink_protection", "hotlink_protection", Z_ONOFF, v_onoffs,
	    "Hotlink Protection", "Защита от хотлинков" },
	{ "cache_level", "cache_level", Z_STR, v_cachelevel,
	    "Caching level", "Уровень кеширования" },
	{ "browser_cache_ttl", "browser_cache_ttl", Z_NUM, v_browserttl,
	    "Browser cache TTL", "Срок кеширования в браузере" },
	{ "always_online", "always_online", Z_ONOFF, v_onoffs,
	    "Always Online", "Always Online («Всегда онлайн»)" },
	{ "development_mode", "development_mode", Z_ONOFF, v_onoffs,
	    "Development mode", "Режим разработки" },
	{ "brotli", "brotli", Z_ONOFF, v_onoffs,
	    "Brotli", "Сжатие Brotli" },
	{ "http3", "http3", Z_ONOFF, v_onoffs,
	    "HTTP/3 (with QUIC)", "HTTP/3 (с QUIC)" },
	{ "zero_rtt", "0rtt", Z_ONOFF, v_onoffs,
	    "0-RTT Connection Resumption", "Возобновление соединений 0-RTT" },
	{ "ipv6", "ipv6", Z_ONOFF, v_onoffs,
	    "IPv6 compatibility", "Совместимость с IPv6" },
	{ "websockets", "websockets", Z_ONOFF, v_onoffs,
	    "WebSockets", "WebSockets" },
};
#define NZSETS	(sizeof(zsets) / sizeof(zsets[0]))

/* What Cloudflare said about one setting. */
enum zstate {
	ZS_ABSENT = 0,	/* not in the answer: retired, or not for this zone */
	ZS_OK,		/* editable, with a value the form offers */
	ZS_LOCKED,	/* editable:false: the plan does not offer it */
	ZS_ODD		/* a value the form does not offer: kept as it is */
};

struct zcur {
	enum zstate	 state;
	char		 val[32];
	long long	 left;		/* development_mode: seconds */
};

static int
in_list(const char *const *vals, const char *v)
{
	for (; *vals != NULL; vals++)
		if (strcmp(*vals, v) == 0)
			return 1;
	return 0;
}

static const struct zset *
zset_by_field(const char *field)
{
	size_t	 i;

	for (i = 0; i < NZSETS; i++)
		if (strcmp(zsets[i].field, field) == 0)
			return &zsets[i];
	return NULL;
}

/*
 * The validator functab names for every setting field: a value the
 * form offers, or empty (not sent).  It runs before any call.
 */
int
zsettings_check(char *v, const char *field, struct err *err)
{
	const struct zset	*s;

	if (*v == '\0')
		return 0;
	if ((s = zset_by_field(field)) == NULL) {
		err_set(err, "internal", field, T("The field «%s» is not a "
		    "zone setting.", "Поле «%s» — не настройка зоны."), field);
		return -1;
	}
	if (in_list(s->vals, v))
		return 0;
	if (s->kind == Z_ONOFF)
		err_set(err, "value", field, T("«%s» must be on or off.",
		    "«%s»: допустимо только on или off."), T(s->en, s->ru));
	else
		err_set(err, "value", field, T("«%s» has a value the form does "
		    "not offer; choose one from the list.", "«%s»: такого "
		    "значения нет в списке; выберите одно из предложенных."),
		    T(s->en, s->ru));
	return -1;
}

/* One item of GET /settings, if it is one of ours. */
static void
read_item(const struct json *it, struct zcur *cur)
{
	const struct json	*val;
	const char		*id, *s;
	long long		 n;
	size_t			 i;
	int			 editable;
	struct zcur		*c;

	if (json_str(it, "id", &id) == -1)
		return;
	for (i = 0; i < NZSETS; i++)
		if (strcmp(zsets[i].id, id) == 0)
			break;
	if (i == NZSETS || cur[i].state != ZS_ABSENT)
		return;		/* not ours, or a repeat */
	c = &cur[i];
	if (json_bool_opt(it, "editable", &editable, 1) == -1 || !editable) {
		c->state = ZS_LOCKED;
		return;
	}
	c->state = ZS_ODD;
	val = json_get(it, "value");
	if (zsets[i].kind == Z_NUM) {
		if (json_as_int(val, &n) == -1)
			return;
		cf_snprintf(c->val, sizeof(c->val), "%lld", n);
	} else {
		if (json_as_str(val, &s) == -1 || strlen(s) >= sizeof(c->val))
			return;
		cf_strlcpy(c->val, s, sizeof(c->val));
	}
	if (in_list(zsets[i].vals, c->val))
		c->state = ZS_OK;
	if (json_int_opt(it, "time_remaining", &n, 0) == 0 && n > 0 &&
	    n < 10 * 86400)
		c->left = n;
}

/* Every setting at once: one GET /zones/{id}/settings. */
static int
read_settings(struct ctx *c, const struct zone *z, struct zcur *cur)
{
	struct cf_req	 r;
	size_t		 i, n;
	int		 rc = -1;

	memset(cur, 0, sizeof(*cur) * NZSETS);
	cf_req_init(&r, "GET", PERM_SETTINGS_READ);
	if (cf_path(&r, "/zones/%s/settings", z->id) == -1) {
		ctx_nomem(c);
		goto out;
	}
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	if (r.result == NULL || !json_is_arr(r.result)) {
		err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare's reply "
		    "about the zone settings has an unexpected shape.", "Ответ "
		    "Cloudflare о настройках зоны имеет неожиданный вид."));
		goto out;
	}
	n = json_count(r.result);
	for (i = 0; i < n; i++)
		read_item(json_at(r.result, i), cur);
	rc = 0;
out:
	cf_req_clean(&r);
	return rc;
}

/* "2 h 59 min": how long development mode still runs. */
static void
fmt_left(long long s, char *buf, size_t sz)
{
	long long	 h = s / 3600, m = s % 3600 / 60;

	if (h > 0 && m > 0)
		cf_snprintf(buf, sz, T("%lld h %lld min", "%lld ч %lld мин"),
		    h, m);
	else if (h > 0)
		cf_snprintf(buf, sz, T("%lld h", "%lld ч"), h);
	else if (m > 0)
		cf_snprintf(buf, sz, T("%lld min", "%lld мин"), m);
	else
		cf_snprintf(buf, sz, T("%lld s", "%lld с"), s);
}

static void
append(char *buf, size_t sz, const char *s)
{
	strncat(buf, s, sz - strlen(buf) - 1);
}

/* The read-only "unavailable" text: what the form cannot change. */
static void
unavailable_text(const struct zcur *cur, char *buf, size_t sz)
{
	char	 item[200];
	size_t	 i;
	int	 n;

	buf[0] = '\0';
	for (i = 0, n = 0; i < NZSETS; i++) {
		if (cur[i].state != ZS_ABSENT && cur[i].state != ZS_LOCKED)
			continue;
		append(buf, sz, n++ == 0 ? T("Not offered on this zone's "
		    "plan: ", "Не предусмотрено тарифом этой зоны: ") : ", ");
		append(buf, sz, T(zsets[i].en, zsets[i].ru));
	}
	if (n > 0)
		append(buf, sz, ".");
	for (i = 0, n = 0; i < NZSETS; i++) {
		if (cur[i].state != ZS_ODD)
			continue;
		if (n++ == 0)
			append(buf, sz, buf[0] != '\0' ? " " : "");
		append(buf, sz, n == 1 ? T("Set in Cloudflare to a value this "
		    "form does not offer, so kept as it is: ", "В Cloudflare "
		    "задано значение, которого нет в этой форме, поэтому "
		    "оставлено как есть: ") : ", ");
		if (cur[i].val[0] != '\0')
			cf_snprintf(item, sizeof(item), "%s (%s)",
			    T(zsets[i].en, zsets[i].ru), cur[i].val);
		else
			cf_snprintf(item, sizeof(item), "%s",
			    T(zsets[i].en, zsets[i].ru));
		append(buf, sz, item);
	}
	if (n > 0)
		append(buf, sz, ".");
}

static int
zs_form(struct ctx *c, const struct zone *z)
{
	struct zcur	 cur[NZSETS];
	char		 buf[2048];
	const char	*const *v;
	size_t		 i;

	if (read_settings(c, z, cur) == -1)
		return -1;
	reply_field(c->reply, "elid", z->name);
	for (i = 0; i < NZSETS; i++) {
		if (cur[i].state != ZS_OK)
			continue;
		reply_field(c->reply, zsets[i].field, cur[i].val);
		if (strcmp(zsets[i].id, "development_mode") == 0 &&
		    strcmp(cur[i].val, "on") == 0 && cur[i].left > 0) {
			fmt_left(cur[i].left, buf, sizeof(buf));
			reply_field(c->reply, "development_mode_left", buf);
		}
	}
	unavailable_text(cur, buf, sizeof(buf));
	if (buf[0] != '\0')
		reply_field(c->reply, "unavailable", buf);
	for (i = 0; i < NZSETS; i++) {
		if (zsets[i].kind == Z_ONOFF)
			continue;
		reply_slist(c->reply, zsets[i].field);
		for (v = zsets[i].vals; *v != NULL; v++)
			reply_slist_msg(c->reply, *v);
	}
	return 0;
}

/* The PATCH items for what changed; *what lists them for the log. */
static int
changed_items(struct ctx *c, const struct zcur *cur, struct json *items,
    char *what, size_t sz)
{
	unsigned long long	 n;
	struct json		*it;
	const char		*v;
	size_t			 i;
	int			 rc;

	what[0] = '\0';
	for (i = 0; i < NZSETS; i++) {
		v = req_get(c->req, zsets[i].field);
		/* Unsent, or not ours to change: leave it as it is. */
		if (v == NULL || *v == '\0' || cur[i].state != ZS_OK ||
		    strcmp(v, cur[i].val) == 0)
			continue;
		if ((it = json_new_obj()) == NULL)
			return -1;
		rc = json_set_str(it, "id", zsets[i].id);
		if (rc == 0 && zsets[i].kind == Z_NUM)
			rc = parse_uint(v, 1ULL << 40, &n) == -1 ? -1 :
			    json_set_int(it, "value", (long long)n);
		else if (rc == 0)
			rc = json_set_str(it, "value", v);
		if (rc == -1) {
			json_free(it);
			return -1;
		}
		if (json_push(items, it) == -1)	/* it is freed */
			return -1;
		if (what[0] != '\0')
			append(what, sz, ", ");
		append(what, sz, zsets[i].id);
		append(what, sz, "=");
		append(what, sz, v);
	}
	return 0;
}

static int
zs_save(struct ctx *c, const struct zone *z)
{
	struct zcur	 cur[NZSETS];
	struct cf_req	 r;
	struct json	*body = NULL, *items = NULL;
	char		 what[1024];
	int		 rc = -1;

	cf_req_init(&r, "PATCH", PERM_SETTINGS_EDIT);
	if (read_settings(c, z, cur) == -1)
		goto out;
	if ((body = json_new_obj()) == NULL ||
	    (items = json_new_arr()) == NULL ||
	    changed_items(c, cur, items, what, sizeof(what)) == -1) {
		json_free(items);
		ctx_nomem(c);
		goto out;
	}
	if (json_count(items) == 0) {
		json_free(items);
		reply_ok(c->reply);	/* nothing changed */
		rc = 0;
		goto out;
	}
	if (json_set(body, "items", items) == -1) {
		ctx_nomem(c);
		goto out;
	}
	if (cf_path(&r, "/zones/%s/settings", z->id) == -1) {
		ctx_nomem(c);
		goto out;
	}
	r.body = body;
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	log_info("zsettings: %s changed %s in %s", c->req->user, what,
	    z->name);
	reply_ok(c->reply);
	rc = 0;
out:
	cf_req_clean(&r);
	json_free(body);
	return rc;
}

int
fn_zone_settings(struct ctx *c)
{
	struct zone	 z;

	if (zone_find(c, req_str(c->req, "elid"), &z) == -1)
		return -1;
	return c->req->submit ? zs_save(c, &z) : zs_form(c, &z);
}
