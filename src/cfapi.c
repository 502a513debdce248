/*
 * The Cloudflare client, the only file that sees libcurl.
 *
 * Hard bounds on everything that comes back: no redirects, https only
 * (plain http only to a loopback test server), a connect timeout, a
 * per-request timeout and a deadline for the whole process, and a cap
 * on the reply size counted in the write callback.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "budget.h"
#include "cf.h"
#include "cfapi.h"
#include "json.h"
#include "log.h"

#define CF_MAX_BODY	(8 * 1024 * 1024)	/* one reply */
#define CF_CONNECT_MS	5000
#define CF_REQUEST_MS	15000
#define CF_PARALLEL	16	/* requests in flight at once */
#define CF_RETRIES	2	/* after the first attempt */
#define CF_MAX_PAGES	2000

struct cf {
	CURLM			*multi;
	struct curl_slist	*hdrs;		/* Authorization, Accept */
	struct curl_slist	*jsonhdrs;	/* the same + Content-Type */
	struct curl_slist	*rawhdrs;	/* Authorization, Accept text */
	char			 base[512];
	int			 plain;		/* http to loopback */
	char			 hint[512];	/* where to fix a bad token */
	char			 scope[96];	/* whose request budget */
	unsigned		 nreq, nrounds;
};

enum xstate { X_WAIT, X_RUN, X_DONE };

struct xfer {
	CURL		*easy;
	curl_mime	*mime;
	char		*body;		/* the JSON we send */
	char		*buf;		/* what comes back */
	size_t		 len, cap;
	int		 toobig;
	long		 retry_after;	/* seconds, -1 when absent */
	int		 attempts;
	long long	 not_before, t0;
	enum xstate	 state;
};

static const char *const perm_names[PERM__MAX] = {
	[PERM_NONE] = "",
	[PERM_ACCOUNT_FW_READ] = "Account · Account Firewall Access Rules · Read",
	[PERM_CACHE_RULES] = "Zone · Cache Rules · Edit",
	[PERM_SETTINGS_READ] = "Zone · Zone Settings · Read",
	[PERM_SETTINGS_EDIT] = "Zone · Zone Settings · Edit",
	[PERM_DNS_READ] = "Zone · Zone DNS · Read",
	[PERM_DNS_EDIT] = "Zone · Zone DNS · Edit",
	[PERM_ZONE_READ] = "Zone · Zone · Edit",
	[PERM_ZONE_EDIT] = "Zone · Zone · Edit",
	[PERM_PURGE] = "Zone · Cache Purge · Purge",
	[PERM_FW_READ] = "Zone · Firewall Services · Read",
	[PERM_FW_EDIT] = "Zone · Firewall Services · Edit",
};

const char *
perm_name(enum perm p)
{
	return (p > PERM_NONE && p < PERM__MAX) ? perm_names[p] : "";
}


/* Plain http is for a test server on this machine only. */
static int
is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6, lo6 = IN6ADDR_LOOPBACK_INIT;

	if (strcmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    memcmp(&a6, &lo6, sizeof(a6)) == 0;
}

/*
 * The base URL: https://host[:port][/path], or http:// to loopback.
 * Parsed here rather than with curl_url(), which EL8's libcurl lacks;
 * no user info, query or fragment.
 */
static int
check_base(struct cf *cf, const char *url, struct err *err)
{
	const char	*auth, *end, *h, *he;
	char		 host[256];
	size_t		 n;
	int		 rc = -1;

	if (strncmp(url, "https://", 8) == 0) {
		cf->plain = 0;
		auth = url + 8;
	} else if (strncmp(url, "http://", 7) == 0) {
		cf->plain = 1;
		auth = url + 7;
	} else
		goto bad;
	end = auth + strcspn(auth, "/?#");
	if (*end == '?' || *end == '#' || strpbrk(end, "?#@ \t\r\n") != NULL)
		goto bad;
	if (memchr(auth, '@', (size_t)(end - auth)) != NULL)
		goto bad;
	h = auth;
	if (*h == '[') {		/* [v6]:port */
		if ((he = memchr(h, ']', (size_t)(end - h))) == NULL)
			goto bad;
		h++;
	} else
		he = h + strcspn(h, ":/");
	if (he > end || (n = (size_t)(he - h)) == 0 || n >= sizeof(host))
		goto bad;
	memcpy(host, h, n);
	host[n] = '\0';
	if (cf->plain && !is_loopback(host))
		goto bad;
	if (cf_strlcpy(cf->base, url, sizeof(cf->base)) >= sizeof(cf->base))
		goto bad;
	/* Paths we add start with '/'. */
	while (strlen(cf->base) > 0 && cf->base[strlen(cf->base) - 1] == '/')
		cf->base[strlen(cf->base) - 1] = '\0';
	rc = 0;
bad:
	if (rc == -1)
		err_set(err, "internal", "", "%s", T("The Cloudflare API "
		    "address is not an https URL (plain http is allowed only "
		    "to this machine, for tests).", "Адрес API Cloudflare — "
		    "не https-URL (http разрешён только для тестов на этой "
		    "машине)."));
	return rc;
}

struct cf *
cf_new(const char *base, const char *token, struct err *err)
{
	static int	 inited;
	struct cf	*cf;
	char		 auth[320];
	struct curl_slist *s;

	if (!inited) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			err_set(err, "internal", "", "%s", T("Could not start "
			    "the HTTP client.", "Не удалось запустить "
			    "HTTP-клиент."));
			return NULL;
		}
		inited = 1;
	}
	if ((cf = calloc(1, sizeof(*cf))) == NULL) {
		err_set(err, "internal", "", "%s", T("Out of memory.",
		    "Недостаточно памяти."));
		return NULL;
	}
	if (check_base(cf, base, err) == -1)
		goto fail;
	if (strlen(token) > 256 || strpbrk(token, "\r\n") != NULL) {
		err_set(err, "internal", "", "%s", T("The stored token is "
		    "damaged; save it again.", "Сохранённый токен повреждён; "
		    "сохраните его заново."));
		goto fail;
	}
	cf_snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	if ((s = curl_slist_append(NULL, auth)) == NULL)
		goto nomem;
	cf->hdrs = s;
	if ((s = curl_slist_append(cf->hdrs, "Accept: application/json")) ==
	    NULL)
		goto nomem;
	if ((s = curl_slist_append(NULL, auth)) == NULL)
		goto nomem;
	cf->jsonhdrs = s;
	if (curl_slist_append(cf->jsonhdrs, "Accept: application/json") ==
	    NULL || curl_slist_append(cf->jsonhdrs,
	    "Content-Type: application/json") == NULL)
		goto nomem;
	if ((s = curl_slist_append(NULL, auth)) == NULL)
		goto nomem;
	cf->rawhdrs = s;
	if (curl_slist_append(cf->rawhdrs,
	    "Accept: text/plain, application/json") == NULL)
		goto nomem;
	explicit_bzero(auth, sizeof(auth));
	if ((cf->multi = curl_multi_init()) == NULL)
		goto nomem;
	curl_multi_setopt(cf->multi, CURLMOPT_PIPELINING,
	    (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(cf->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)CF_PARALLEL);
	return cf;
nomem:
	err_set(err, "internal", "", "%s", T("Out of memory.",
	    "Недостаточно памяти."));
fail:
	explicit_bzero(auth, sizeof(auth));
	cf_free(cf);
	return NULL;
}

static void
slist_free_secret(struct curl_slist *s)
{
	struct curl_slist	*p;

	for (p = s; p != NULL; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(s);
}

void
cf_free(struct cf *cf)
{
	if (cf == NULL)
		return;
	if (cf->multi != NULL)
		curl_multi_cleanup(cf->multi);
	slist_free_secret(cf->hdrs);
	slist_free_secret(cf->jsonhdrs);
	slist_free_secret(cf->rawhdrs);
	free(cf);
}

void
cf_set_budget(struct cf *cf, const char *scope)
{
	cf_strlcpy(cf->scope, scope ? scope : "", sizeof(cf->scope));
}

void
cf_set_auth_hint(struct cf *cf, const char *hint)
{
	cf_strlcpy(cf->hint, hint ? hint : "", sizeof(cf->hint));
}

unsigned
cf_requests(const struct cf *cf)
{
	return cf->nreq;
}

unsigned
cf_rounds(const struct cf *cf)
{
	return cf->nrounds;
}

void
cf_req_init(struct cf_req *r, const char *method, enum perm perm)
{
	memset(r, 0, sizeof(*r));
	r->method = method;
	r->perm = perm;
	r->upload_proxied = -1;
}

void
cf_req_clean(struct cf_req *r)
{
	if (r == NULL)
		return;
	json_free(r->root);
	free(r->text);
	r->root = NULL;
	r->result = NULL;
	r->text = NULL;
	r->textlen = 0;
}

/*
 * The path, from a format whose only conversion is %s; each argument
 * is one path segment of safe characters, so nothing a user or a
 * reply supplies can add a segment, a query or a "..".
 */
int
cf_path(struct cf_req *r, const char *fmt, ...)
{
	va_list		 ap;
	const char	*p, *arg, *q;
	size_t		 len = 0, n;
	int		 rc = -1;

	va_start(ap, fmt);
	for (p = fmt; *p != '\0'; p++) {
		if (*p != '%') {
			if (len + 1 >= sizeof(r->path))
				goto out;
			r->path[len++] = *p;
			continue;
		}
		if (*++p != 's')
			goto out;
		arg = va_arg(ap, const char *);
		n = arg ? strlen(arg) : 0;
		if (n == 0 || n > 64 || strcmp(arg, ".") == 0 ||
		    strcmp(arg, "..") == 0)
			goto out;
		for (q = arg; *q != '\0'; q++)
			if (!(isalnum((unsigned char)*q) || *q == '_' ||
			    *q == '-' || *q == '.'))
				goto out;
		if (len + n >= sizeof(r->path))
			goto out;
		memcpy(r->path + len, arg, n);
		len += n;
	}
	rc = 0;
out:
	va_end(ap);
	r->path[rc == 0 ? len : 0] = '\0';
	if (rc == -1)
		r->failed = 1;
	return rc;
}

/* Append key=value, percent-encoding everything but unreserved bytes. */
int
cf_query(struct cf_req *r, const char *key, const char *value)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 len = strlen(r->path);
	const unsigned char	*p;
	const char		*s;
	int			 first = strchr(r->path, '?') == NULL;

	if (len + strlen(key) + 2 >= sizeof(r->path))
		goto fail;
	r->path[len++] = first ? '?' : '&';
	for (s = key; *s != '\0'; s++)
		r->path[len++] = *s;
	r->path[len++] = '=';
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if (len + 4 >= sizeof(r->path))
			goto fail;
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~')
			r->path[len++] = (char)*p;
		else {
			r->path[len++] = '%';
			r->path[len++] = hex[*p >> 4];
			r->path[len++] = hex[*p & 15];
		}
	}
	r->path[len] = '\0';
	return 0;
fail:
	r->failed = 1;
	return -1;
}

int
cf_query_int(struct cf_req *r, const char *key, long v)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%ld", v);
	return cf_query(r, key, buf);
}

static size_t
on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb, ncap;
	char		*nbuf;

	if (x->len + n > CF_MAX_BODY) {
		x->toobig = 1;
		return 0;	/* aborts the transfer */
	}
	if (x->len + n + 1 > x->cap) {
		ncap = x->cap ? x->cap : 16384;
		while (ncap < x->len + n + 1)
			ncap *= 2;
		if ((nbuf = realloc(x->buf, ncap)) == NULL)
			return 0;
		x->buf = nbuf;
		x->cap = ncap;
	}
	memcpy(x->buf + x->len, data, n);
	x->len += n;
	x->buf[x->len] = '\0';
	return n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer	*x = arg;
	size_t		 n = size * nmemb;
	char		 line[64];
	long		 v;

	if (n > 12 && n < sizeof(line) &&
	    strncasecmp(data, "Retry-After:", 12) == 0) {
		memcpy(line, data + 12, n - 12);
		line[n - 12] = '\0';
		v = strtol(line, NULL, 10);
		x->retry_after = (v >= 0 && v < 86400) ? v : -1;
	}
	return n;
}

/*
 * Cloudflare's own words, quoted in our messages and the log: valid
 * UTF-8 without control bytes (each bad byte becomes U+FFFD), cut
 * only between characters.
 */
static void
clip(char *dst, size_t sz, const char *src)
{
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 o = 0, n;
	unsigned int		 c;

	while (*p != '\0') {
		n = utf8_decode((const char *)p, 4, &c);
		if (n == 1 && (*p == '\t' || *p == '\n' || *p == '\r')) {
			if (o + 1 >= sz)
				break;
			dst[o++] = ' ';
		} else if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			if (o + 3 >= sz)
				break;
			memcpy(dst + o, "\xef\xbf\xbd", 3);
			o += 3;
			n = 1;
		} else {
			if (o + n >= sz)
				break;
			memcpy(dst + o, p, n);
			o += n;
		}
		p += n;
	}
	dst[o] = '\0';
}

/*
 * Cloudflare's error, in words the user can act on.  Messages from
 * Cloudflare are English; we translate the codes we know and quote
 * the rest.
 */
static void
map_error(struct cf_req *r, int code, const char *cfmsg, const char *hint)
{
	char	 said[320];

	clip(said, sizeof(said), cfmsg && *cfmsg ? cfmsg :
	    T("no details", "без подробностей"));
	r->code = code;
	r->failed = 1;
	if (r->status == 429 || code == 10100 || code == 971) {
		err_set(&r->err, "ratelimit", "", T("Cloudflare's rate limit "
		    "is reached (1200 requests per 5 minutes for one token). "
		    "Try again in %ld s.", "Достигнут лимит запросов Cloudflare "
		    "(1200 запросов за 5 минут на один токен). Повторите через "
		    "%ld с."), r->retry_after > 0 ? r->retry_after : 300L);
		return;
	}
	if (r->status == 401 || code == 1000 || code == 6003 ||
	    code == 6111 || code == 6100 || code == 9106 || code == 9103) {
		err_set(&r->err, "auth", "", T("Cloudflare did not accept the "
		    "API token (%s). %s", "Cloudflare не принял API-токен (%s). "
		    "%s"), said, hint);
		return;
	}
	if (r->status == 403 || code == 10000 || code == 9109) {
		if (r->perm != PERM_NONE)
			err_set(&r->err, "access", "", T("Cloudflare refused "
			    "this action (%s). The API token needs the "
			    "permission «%s» for this zone: add it in Cloudflare "
			    "under My Profile → API Tokens → Edit. If the token "
			    "has it, check on the Account page that the token "
			    "is still active.", "Cloudflare отказал в действии "
			    "(%s). API-токену нужно разрешение «%s» для этой "
			    "зоны: добавьте его в Cloudflare в разделе My "
			    "Profile → API Tokens → Edit. Если разрешение есть, "
			    "проверьте на странице «Аккаунт», что токен ещё "
			    "действует."), said, perm_name(r->perm));
		else
			err_set(&r->err, "access", "", T("Cloudflare refused "
			    "this action (%s). %s", "Cloudflare отказал в "
			    "действии (%s). %s"), said, hint);
		return;
	}
	switch (code) {
	case 1061:
		err_set(&r->err, "exists", "name", "%s", T("This domain is "
		    "already on Cloudflare, in this or another account. If it "
		    "is yours, remove it there first, or ask Cloudflare support "
		    "to release it.", "Этот домен уже подключён к Cloudflare — в "
		    "этом или другом аккаунте. Если домен ваш, сначала удалите "
		    "его там или обратитесь в поддержку Cloudflare."));
		return;
	case 81057:
	case 81058:
		err_set(&r->err, "exists", "content", "%s", T("An identical "
		    "record already exists.", "Такая же запись уже существует."));
		return;
	case 81053:
		err_set(&r->err, "exists", "name", "%s", T("A CNAME record "
		    "cannot share its name with other records, and an A, AAAA "
		    "or CNAME record with this name already exists.", "Запись "
		    "CNAME не может иметь общее имя с другими записями, а "
		    "запись A, AAAA или CNAME с таким именем уже есть."));
		return;
	case 7003:
	case 7000:
	case 81044:
	case 1003:
		err_set(&r->err, "missed", "", T("Cloudflare does not know "
		    "this object; it may have been deleted meanwhile. Refresh "
		    "the list. (%s)", "Cloudflare не знает этот объект — "
		    "возможно, его уже удалили. Обновите список. (%s)"), said);
		return;
	default:
		break;
	}
	if (r->status == 404) {
		err_set(&r->err, "missed", "", T("Cloudflare does not know "
		    "this object; it may have been deleted meanwhile. Refresh "
		    "the list. (%s)", "Cloudflare не знает этот объект — "
		    "возможно, его уже удалили. Обновите список. (%s)"), said);
		return;
	}
	if (r->status >= 500)
		err_set(&r->err, "cloudflare", "", T("Cloudflare is having "
		    "trouble (HTTP %ld): %s (code %d). Try again in a few "
		    "minutes.", "У Cloudflare неполадки (HTTP %ld): %s (код %d). "
		    "Повторите через несколько минут."), r->status, said, code);
	else if (code > 0)
		err_set(&r->err, "cloudflare", "", T("Cloudflare refused: %s "
		    "(code %d).", "Cloudflare отказал: %s (код %d)."), said,
		    code);
	else
		err_set(&r->err, "cloudflare", "", T("Cloudflare refused the "
		    "request (HTTP %ld): %s", "Cloudflare отклонил запрос "
		    "(HTTP %ld): %s"), r->status, said);
}

static int
parse_info(struct cf_req *r, const struct json *ri)
{
	long long	 v[5] = { 0, 0, 0, 0, 0 };

	memset(&r->info, 0, sizeof(r->info));
	if (ri == NULL || json_is_null(ri))
		return 0;
	if (!json_is_obj(ri) ||
	    json_int_opt(ri, "page", &v[0], 1) == -1 ||
	    json_int_opt(ri, "per_page", &v[1], 0) == -1 ||
	    json_int_opt(ri, "count", &v[2], 0) == -1 ||
	    json_int_opt(ri, "total_count", &v[3], 0) == -1 ||
	    json_int_opt(ri, "total_pages", &v[4], 0) == -1)
		return -1;
	if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[3] < 0 || v[4] < 0 ||
	    v[3] > 100000000 || v[4] > 100000000)
		return -1;
	r->info.page = (long)v[0];
	r->info.per_page = (long)v[1];
	r->info.count = (long)v[2];
	r->info.total_count = (long)v[3];
	r->info.total_pages = (long)v[4];
	/* The spec has no total_pages; derive it when absent. */
	if (r->info.total_pages == 0 && r->info.per_page > 0)
		r->info.total_pages = (r->info.total_count +
		    r->info.per_page - 1) / r->info.per_page;
	r->info.present = 1;
	return 0;
}

static int
envelope(struct cf_req *r, const char *buf, size_t len, const char *hint)
{
	struct err		 perr;
	const struct json	*errs, *e0;
	const char		*msg = NULL;
	long long		 code = 0;
	int			 ok;

	err_clear(&r->err);
	err_clear(&perr);
	if (r->raw && r->status >= 200 && r->status < 300 &&
	    (len == 0 || buf[0] != '{')) {
		if ((r->text = malloc(len + 1)) == NULL)
			goto nomem;
		memcpy(r->text, buf, len);
		r->text[len] = '\0';
		r->textlen = len;
		return 0;
	}
	if ((r->root = json_parse(buf, len, &perr)) == NULL ||
	    !json_is_obj(r->root) || json_bool(r->root, "success", &ok) == -1) {
		r->failed = 1;
		if (r->status >= 500)
			err_set(&r->err, "cloudflare", "", T("Cloudflare is "
			    "having trouble (HTTP %ld). Try again in a few "
			    "minutes.", "У Cloudflare неполадки (HTTP %ld). "
			    "Повторите через несколько минут."), r->status);
		else if (r->status == 429)
			map_error(r, 10100, "", hint);
		else {
			/* The parser's sentence goes inside parentheses. */
			size_t pl = strlen(perr.msg);
			if (pl > 0 && perr.msg[pl - 1] == '.')
				perr.msg[pl - 1] = '\0';
			err_set(&r->err, "cloudflare", "", T("Cloudflare sent a "
			    "reply the plugin cannot read (HTTP %ld%s%s). Try "
			    "again; if it persists, the administrator will "
			    "find details in the plugin's log.", "Cloudflare "
			    "прислал ответ, который модуль не может прочитать "
			    "(HTTP %ld%s%s). Повторите попытку; если ошибка "
			    "повторяется, подробности — в журнале модуля."),
			    r->status, perr.msg[0] ? ": " : "", perr.msg);
		}
		return -1;
	}
	if ((errs = json_get(r->root, "errors")) != NULL &&
	    json_is_arr(errs) && (e0 = json_at(errs, 0)) != NULL) {
		if (json_int(e0, "code", &code) == -1 || code < 0 ||
		    code > INT32_MAX)
			code = 0;
		if (json_str(e0, "message", &msg) == -1)
			msg = NULL;
	}
	if (!ok || r->status >= 300) {
		if (r->status == 404 && r->notfound_ok) {
			r->code = (int)code;
			return 0;
		}
		map_error(r, (int)code, msg, hint);
		return -1;
	}
	r->result = json_get(r->root, "result");
	if (parse_info(r, json_get(r->root, "result_info")) == -1) {
		r->failed = 1;
		err_set(&r->err, "cloudflare", "", "%s", T("Cloudflare's reply "
		    "has a malformed page count.", "В ответе Cloudflare "
		    "некорректные данные о страницах."));
		return -1;
	}
	return 0;
nomem:
	r->failed = 1;
	err_set(&r->err, "internal", "", "%s", T("Out of memory.",
	    "Недостаточно памяти."));
	return -1;
}

int
cf_parse_reply(struct cf_req *r, const char *buf, size_t len)
{
	return envelope(r, buf, len, "");
}

static void
xfer_reset(struct xfer *x)
{
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_mime_free(x->mime);
	x->easy = NULL;
	x->mime = NULL;
	free(x->buf);
	x->buf = NULL;
	x->len = x->cap = 0;
	x->toobig = 0;
	x->retry_after = -1;
}

static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	xfer_reset(x);
	free(x->body);
	free(x);
}

static int
xfer_start(struct cf *cf, struct cf_req *r, struct xfer *x)
{
	char		 url[1600];
	curl_mimepart	*part;
	long long	 left = deadline_left();
	CURL		*e;

	xfer_reset(x);
	if (cf_snprintf(url, sizeof(url), "%s%s", cf->base, r->path) == -1 ||
	    (e = curl_easy_init()) == NULL)
		return -1;
	x->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85 */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, cf->plain ? "http" :
	    "https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, cf->plain ? (long)CURLPROTO_HTTP :
	    (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)CF_CONNECT_MS);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    (long)(left < CF_REQUEST_MS ? (left > 1 ? left : 1) :
	    CF_REQUEST_MS));
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_2TLS);
	/* Wait to multiplex on HTTP/2; plain http never will. */
	if (!cf->plain)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT,
	    "ispmanager-cloudflare/" CF_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	if (strcmp(r->method, "GET") == 0)
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	/*
	 * libcurl silently sends a request again when a reused connection
	 * dies before any answer, and Cloudflare may have acted on the
	 * first: a create or a PATCH goes on a connection of its own.
	 */
	if (strcmp(r->method, "POST") == 0 || strcmp(r->method, "PATCH") == 0)
		curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	if (r->upload != NULL) {
		if ((x->mime = curl_mime_init(e)) == NULL ||
		    (part = curl_mime_addpart(x->mime)) == NULL ||
		    curl_mime_name(part, "file") != CURLE_OK ||
		    curl_mime_filename(part, "zone.txt") != CURLE_OK ||
		    curl_mime_data(part, r->upload, r->uploadlen) != CURLE_OK)
			return -1;
		if (r->upload_proxied != -1 &&
		    ((part = curl_mime_addpart(x->mime)) == NULL ||
		    curl_mime_name(part, "proxied") != CURLE_OK ||
		    curl_mime_data(part, r->upload_proxied ? "true" : "false",
		    CURL_ZERO_TERMINATED) != CURLE_OK))
			return -1;
		curl_easy_setopt(e, CURLOPT_MIMEPOST, x->mime);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, cf->hdrs);
	} else if (r->body != NULL || strcmp(r->method, "DELETE") == 0) {
		/*
		 * A DELETE carries "{}": the 2024 spec marks a JSON body
		 * required on several deletes, and Cloudflare ignores it.
		 */
		if (x->body == NULL && (x->body = r->body ? json_print(r->body) :
		    strdup("{}")) == NULL)
			return -1;
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, x->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(x->body));
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, cf->jsonhdrs);
	} else
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->raw ? cf->rawhdrs :
		    cf->hdrs);
	if (curl_multi_add_handle(cf->multi, e) != CURLM_OK)
		return -1;
	x->t0 = mono_ms();
	x->attempts++;
	x->state = X_RUN;
	cf->nreq++;
	return 0;
}

/* Whether to try again, and when; sets not_before. */
static int
want_retry(struct cf_req *r, struct xfer *x, CURLcode cc)
{
	long long	 now = mono_ms(), wait;
	int		 safe = strcmp(r->method, "GET") == 0;

	if (x->attempts > CF_RETRIES)
		return 0;
	if (cc == CURLE_OK && r->status == 429) {
		wait = (x->retry_after >= 0 ? x->retry_after : 300) * 1000LL;
		if (wait == 0)
			wait = 200;
	} else if (cc == CURLE_OK && r->status >= 500 && safe)
		wait = 250LL << x->attempts;
	else if (cc == CURLE_COULDNT_CONNECT)
		wait = 100;	/* nothing was sent: safe for any method */
	else if (safe && (cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
	    cc == CURLE_PARTIAL_FILE || cc == CURLE_SEND_ERROR))
		wait = 100;
	else
		return 0;
	/* Only when the answer can still come before the deadline. */
	if (wait + 1000 >= deadline_left())
		return 0;
	x->not_before = now + wait;
	return 1;
}

static void
transport_error(struct cf_req *r, struct xfer *x, CURLcode cc)
{
	r->failed = 1;
	if (x->toobig)
		err_set(&r->err, "cloudflare", "", T("Cloudflare's reply is "
		    "larger than the plugin accepts (%d MiB).", "Ответ "
		    "Cloudflare больше, чем принимает модуль (%d МиБ)."),
		    CF_MAX_BODY / (1024 * 1024));
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		err_set(&r->err, "cloudflare", "", "%s", T("Cloudflare did not "
		    "answer in time. Nothing was changed unless the action "
		    "shows up after a refresh; try again in a minute.",
		    "Cloudflare не ответил вовремя. Если после обновления "
		    "изменений не видно — повторите через минуту."));
	else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST)
		err_set(&r->err, "cloudflare", "", "%s", T("The server could "
		    "not connect to Cloudflare's API. Try again later; if it "
		    "persists, the administrator should check the server's "
		    "network and DNS.", "Сервер не смог подключиться к API "
		    "Cloudflare. Повторите позже; если ошибка повторяется, "
		    "администратору стоит проверить сеть и DNS сервера."));
	else if (cc == CURLE_PEER_FAILED_VERIFICATION ||
	    cc == CURLE_SSL_CONNECT_ERROR)
		err_set(&r->err, "cloudflare", "", "%s", T("The TLS connection "
		    "to Cloudflare could not be verified; nothing was sent.",
		    "TLS-соединение с Cloudflare не прошло проверку; ничего "
		    "не отправлено."));
	else
		err_set(&r->err, "cloudflare", "", T("The connection to "
		    "Cloudflare broke off (%s). Refresh to see whether the "
		    "action took effect.", "Соединение с Cloudflare прервалось "
		    "(%s). Обновите страницу, чтобы проверить, выполнено ли "
		    "действие."), curl_easy_strerror(cc));
}

static void
xfer_done(struct cf *cf, struct cf_req *r, struct xfer *x, CURLcode cc)
{
	long	 status = 0;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(cf->multi, x->easy);
	r->status = cc == CURLE_OK ? status : 0;
	log_info("api %s %s %ld %lldms%s", r->method, r->path, r->status,
	    mono_ms() - x->t0, cc == CURLE_OK ? "" : " (transport error)");
	if (cc != CURLE_OK)
		log_warn("api %s %s: %s", r->method, r->path,
		    x->toobig ? "reply too large" : curl_easy_strerror(cc));
	if (want_retry(r, x, cc)) {
		log_warn("api %s %s: retrying in %lld ms", r->method, r->path,
		    x->not_before - mono_ms());
		x->state = X_WAIT;
		return;
	}
	x->state = X_DONE;
	if (cc != CURLE_OK) {
		transport_error(r, x, cc);
		return;
	}
	/* Back off for Retry-After, or 5 minutes when it is absent. */
	if (r->status == 429) {
		r->retry_after = x->retry_after >= 0 ? x->retry_after : 300;
		if (cf->scope[0] != '\0')
			budget_blocked(cf->scope, r->retry_after);
	}
	envelope(r, x->buf ? x->buf : "", x->len, cf->hint);
	/* The parsed tree is what is used from here: drop the text now. */
	free(x->buf);
	x->buf = NULL;
	x->len = x->cap = 0;
	/* A change that met trouble may have been made all the same. */
	if (r->failed && r->status >= 500 && strcmp(r->method, "GET") != 0)
		strncat(r->err.msg, T(" The change may have been made all the "
		    "same: refresh to check before trying again.", " Изменение "
		    "могло всё же выполниться: обновите страницу и проверьте, "
		    "прежде чем повторять."), sizeof(r->err.msg) -
		    strlen(r->err.msg) - 1);
}

int
cf_run(struct cf *cf, struct cf_req *reqs, size_t n)
{
	struct xfer	**xs;
	CURLMsg		*msg;
	size_t		 i, waiting, running;
	long long	 now, next;
	int		 still, inflight, rc = 0, timeout;
	unsigned	 want = 0;
	struct err	 berr;

	if (n == 0)
		return 0;
	if ((xs = calloc(n, sizeof(*xs))) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		cf_req_clean(&reqs[i]);
		reqs[i].status = 0;
		reqs[i].code = 0;
		err_clear(&reqs[i].err);
		if (reqs[i].failed) {	/* a path that did not build */
			err_set(&reqs[i].err, "internal", "", "%s", T("An "
			    "identifier in this request is malformed.",
			    "Идентификатор в запросе некорректен."));
			continue;
		}
		if ((xs[i] = calloc(1, sizeof(**xs))) == NULL)
			goto nomem;
		xs[i]->retry_after = -1;
		reqs[i].priv = xs[i];
		want++;
	}
	if (cf->scope[0] != '\0' && budget_take(cf->scope, want, &berr) == -1) {
		for (i = 0; i < n; i++) {
			reqs[i].failed = 1;
			reqs[i].err = berr;
		}
		goto done;
	}
	for (;;) {
		now = mono_ms();
		running = waiting = 0;
		next = 0;
		for (i = 0; i < n; i++) {
			if (xs[i] == NULL)
				continue;
			if (xs[i]->state == X_RUN)
				running++;
			else if (xs[i]->state == X_WAIT)
				waiting++;
		}
		for (i = 0; i < n && running < CF_PARALLEL; i++) {
			if (xs[i] == NULL || xs[i]->state != X_WAIT)
				continue;
			if (xs[i]->not_before > now) {
				if (next == 0 || xs[i]->not_before < next)
					next = xs[i]->not_before;
				continue;
			}
			if (xs[i]->attempts > 0 && cf->scope[0] != '\0' &&
			    budget_take(cf->scope, 1, &reqs[i].err) == -1) {
				xs[i]->state = X_DONE;	/* a retry over budget */
				reqs[i].failed = 1;
				continue;
			}
			if (running == 0)
				cf->nrounds++;
			if (xfer_start(cf, &reqs[i], xs[i]) == -1) {
				xs[i]->state = X_DONE;
				reqs[i].failed = 1;
				err_set(&reqs[i].err, "internal", "", "%s",
				    T("Could not prepare the request.",
				    "Не удалось подготовить запрос."));
				continue;
			}
			running++;
			waiting--;
		}
		if (running == 0 && waiting == 0)
			break;
		if (running == 0) {
			/* Only delayed retries left: sleep until the first. */
			struct timespec ts;
			long long d = next - mono_ms();
			if (d > 0) {
				ts.tv_sec = d / 1000;
				ts.tv_nsec = (d % 1000) * 1000000;
				nanosleep(&ts, NULL);
			}
			continue;
		}
		curl_multi_perform(cf->multi, &inflight);
		while ((msg = curl_multi_info_read(cf->multi, &still)) != NULL) {
			struct cf_req *r;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&r);
			xfer_done(cf, r, r->priv, msg->data.result);
		}
		/* All done: no poll, which would sleep its whole timeout. */
		if (inflight == 0)
			continue;
		timeout = 200;
		if (next != 0 && next - mono_ms() < timeout)
			timeout = (int)(next - mono_ms() > 0 ? next - mono_ms() :
			    0);
#if LIBCURL_VERSION_NUM >= 0x074200	/* 7.66 */
		curl_multi_poll(cf->multi, NULL, 0, timeout, NULL);
#else
		curl_multi_wait(cf->multi, NULL, 0, timeout, NULL);
#endif
	}
done:
	for (i = 0; i < n; i++) {
		xfer_free(xs[i]);
		reqs[i].priv = NULL;
		if (reqs[i].failed)
			rc = -1;
	}
	free(xs);
	return rc;
nomem:
	for (i = 0; xs != NULL && i < n; i++) {
		xfer_free(xs[i]);
		reqs[i].priv = NULL;
	}
	free(xs);
	for (i = 0; i < n; i++) {
		reqs[i].failed = 1;
		err_set(&reqs[i].err, "internal", "", "%s", T("Out of memory.",
		    "Недостаточно памяти."));
	}
	return -1;
}

int
cf_call(struct cf *cf, struct cf_req *r, struct err *err)
{
	if (cf_run(cf, r, 1) == -1) {
		*err = r->err;
		return -1;
	}
	return 0;
}

static int
page_items(struct cf_req *r, int (*each)(void *, const struct json *),
    void *arg, struct err *err)
{
	const struct json	*it;

	if (r->result == NULL || !json_is_arr(r->result)) {
		err_set(err, "cloudflare", "", "%s", T("Cloudflare's reply "
		    "holds no list where one was expected.", "В ответе "
		    "Cloudflare нет ожидаемого списка."));
		return -1;
	}
	for (it = json_first(r->result); it != NULL; it = json_next(it))
		if (each(arg, it) == -1) {
			if (!err_isset(err))
				err_set(err, "cloudflare", "", "%s", T("Cloudflare's "
				    "reply holds an entry the plugin cannot read.",
				    "В ответе Cloudflare есть запись, которую "
				    "модуль не может прочитать."));
			return -1;
		}
	return 0;
}

int
cf_list(struct cf *cf, const struct cf_req *base, long per_page,
    int (*each)(void *, const struct json *), void *arg, struct err *err)
{
	struct cf_req	 first, *reqs = NULL;
	long		 pages, p, k, n;
	int		 rc = -1;

	first = *base;
	first.root = NULL;
	first.text = NULL;
	if (cf_query_int(&first, "page", 1) == -1 ||
	    cf_query_int(&first, "per_page", per_page) == -1) {
		err_set(err, "internal", "", "%s", T("The request is too long.",
		    "Запрос слишком длинный."));
		return -1;
	}
	if (cf_call(cf, &first, err) == -1)
		goto out;
	if (page_items(&first, each, arg, err) == -1)
		goto out;
	pages = first.info.present ? first.info.total_pages : 1;
	/* The server may give fewer per page than we asked for. */
	if (first.info.present && first.info.per_page > 0 &&
	    first.info.per_page < per_page)
		per_page = first.info.per_page;
	if (pages > CF_MAX_PAGES) {
		err_set(err, "cloudflare", "", T("The list has more than %d "
		    "pages; the plugin stops there.", "В списке больше %d "
		    "страниц; модуль не читает дальше."), CF_MAX_PAGES);
		goto out;
	}
	cf_req_clean(&first);
	if (pages <= 1) {
		rc = 0;
		goto out;
	}
	if ((reqs = calloc(CF_PARALLEL, sizeof(*reqs))) == NULL) {
		err_set(err, "internal", "", "%s", T("Out of memory.",
		    "Недостаточно памяти."));
		goto out;
	}
	/* The rest in waves of CF_PARALLEL, each freed before the next. */
	for (p = 2; p <= pages; p += n) {
		n = pages - p + 1 < CF_PARALLEL ? pages - p + 1 : CF_PARALLEL;
		for (k = 0; k < n; k++) {
			reqs[k] = *base;
			reqs[k].root = NULL;
			reqs[k].text = NULL;
			cf_query_int(&reqs[k], "page", p + k);
			cf_query_int(&reqs[k], "per_page", per_page);
		}
		if (cf_run(cf, reqs, (size_t)n) == -1) {
			for (k = 0; k < n; k++)
				if (reqs[k].failed) {
					*err = reqs[k].err;
					break;
				}
			goto wave_out;
		}
		for (k = 0; k < n; k++)
			if (page_items(&reqs[k], each, arg, err) == -1)
				goto wave_out;
		for (k = 0; k < n; k++)
			cf_req_clean(&reqs[k]);
		continue;
wave_out:
		for (k = 0; k < n; k++)
			cf_req_clean(&reqs[k]);
		goto out;
	}
	rc = 0;
out:
	cf_req_clean(&first);
	free(reqs);
	return rc;
}
