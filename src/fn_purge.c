/*
 * cloudflare.purge: purge the zone's cache, all of it or by URL,
 * host name, prefix or cache tag.
 *
 * Every line is checked before anything is sent: a URL, host or
 * prefix must lie in the zone, since a purge names the zone's own
 * content.  Cloudflare takes at most 30 items a request, so a longer
 * list goes out in batches of 30, all at once; when some batch fails,
 * the error says how many were purged and which were not.
 */
#include <ctype.h>
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

#define PURGE_BATCH	30	/* items in one request: Cloudflare's limit */
#define PURGE_MAX	3000	/* items in one submit */
#define PURGE_LEN	2048	/* one URL or prefix */
#define PURGE_TAGLEN	1024	/* one cache tag */
#define PURGE_SHOWN	20	/* unpurged items an error lists */

/* A line that is not right; the message says which and why. */
static int
bad_line(struct err *err, size_t line, const char *item, const char *why)
{
	err_set(err, "value", "items", T("Line %zu («%.200s»): %s",
	    "Строка %zu («%.200s»): %s"), line, item, why);
	return -1;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* A host name that is zone itself or below it. */
static int
in_zone(const char *host, const char *zone)
{
	size_t	 hl = strlen(host), zl = strlen(zone);

	if (!is_hostname(host, 1) || host[0] == '*')
		return 0;
	return strcmp(host, zone) == 0 || (hl > zl &&
	    host[hl - zl - 1] == '.' && strcmp(host + hl - zl, zone) == 0);
}

/* Spaces and control bytes never belong in a URL, prefix or tag. */
static int
has_space(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
not_in_zone(struct err *err, size_t line, const char *item,
    const char *zone)
{
	char	 why[400];

	cf_snprintf(why, sizeof(why), T("the host name is not %s or one of "
	    "its subdomains, so it is not in this zone's cache.", "имя хоста "
	    "— не %s и не его поддомен, поэтому его нет в кеше этой зоны."),
	    zone);
	return bad_line(err, line, item, why);
}

/* https://www.example.com/a.css: absolute, http(s), host in the zone. */
static int
check_url(char *item, size_t line, const char *zone, struct err *err)
{
	char		 host[260];
	const char	*p, *end, *colon;
	unsigned long long port;
	size_t		 len;

	if (strlen(item) > PURGE_LEN || has_space(item))
		return bad_line(err, line, item, T("a URL has no spaces and "
		    "holds at most 2048 characters.", "в URL не бывает "
		    "пробелов, и он не длиннее 2048 символов."));
	if (strncasecmp(item, "http://", 7) == 0)
		p = item + 7;
	else if (strncasecmp(item, "https://", 8) == 0)
		p = item + 8;
	else
		return bad_line(err, line, item, T("a full URL is expected, "
		    "starting with http:// or https://.", "ожидается полный "
		    "URL, начинающийся с http:// или https://."));
	end = p + strcspn(p, "/?#");
	if ((len = (size_t)(end - p)) == 0 || len >= sizeof(host) ||
	    memchr(p, '@', len) != NULL)
		return bad_line(err, line, item, T("the URL names no valid "
		    "host.", "в URL нет корректного имени хоста."));
	memcpy(host, p, len);
	host[len] = '\0';
	if ((colon = strchr(host, ':')) != NULL) {
		if (parse_uint(colon + 1, 65535, &port) == -1 || port == 0)
			return bad_line(err, line, item, T("the port in the URL "
			    "is not a number from 1 to 65535.", "порт в URL — не "
			    "число от 1 до 65535."));
		host[colon - host] = '\0';
	}
	lower(host);
	if (!in_zone(host, zone))
		return not_in_zone(err, line, item, zone);
	return 0;
}

/* www.example.com */
static int
check_host(char *item, size_t line, const char *zone, struct err *err)
{
	if (strlen(item) > 253 || has_space(item))
		return bad_line(err, line, item, T("a host name such as "
		    "www.example.com is expected.", "ожидается имя хоста, "
		    "например www.example.com."));
	lower(item);
	if (!is_hostname(item, 1) || item[0] == '*')
		return bad_line(err, line, item, T("a host name such as "
		    "www.example.com is expected, without http:// and "
		    "without a path.", "ожидается имя хоста, например "
		    "www.example.com, без http:// и без пути."));
	if (!in_zone(item, zone))
		return not_in_zone(err, line, item, zone);
	return 0;
}

/* www.example.com/images: a host in the zone and a path, no scheme. */
static int
check_prefix(char *item, size_t line, const char *zone, struct err *err)
{
	char	 host[260];
	size_t	 len;

	if (strlen(item) > PURGE_LEN || has_space(item))
		return bad_line(err, line, item, T("a prefix has no spaces and "
		    "holds at most 2048 characters.", "в префиксе не бывает "
		    "пробелов, и он не длиннее 2048 символов."));
	if (strstr(item, "://") != NULL)
		return bad_line(err, line, item, T("write the prefix without "
		    "http:// or https://, for example www.example.com/images.",
		    "укажите префикс без http:// и https://, например "
		    "www.example.com/images."));
	if (strpbrk(item, "?#") != NULL)
		return bad_line(err, line, item, T("a prefix cannot hold a "
		    "query string (?) or a fragment (#).", "префикс не может "
		    "содержать строку запроса (?) или фрагмент (#)."));
	if ((len = strcspn(item, "/")) >= sizeof(host))
		return bad_line(err, line, item, T("the host name is too "
		    "long.", "имя хоста слишком длинное."));
	memcpy(host, item, len);
	host[len] = '\0';
	lower(host);
	if (!is_hostname(host, 1) || host[0] == '*')
		return bad_line(err, line, item, T("a prefix starts with a "
		    "host name, for example www.example.com/images.", "префикс "
		    "начинается с имени хоста, например "
		    "www.example.com/images."));
	if (!in_zone(host, zone))
		return not_in_zone(err, line, item, zone);
	memcpy(item, host, len);	/* the host in lower case */
	return 0;
}

/* A Cache-Tag value: printable ASCII, no spaces or commas. */
static int
check_tag(char *item, size_t line, const char *zone, struct err *err)
{
	const char	*p;

	(void)zone;
	if (strlen(item) > PURGE_TAGLEN)
		return bad_line(err, line, item, T("a cache tag holds at most "
		    "1024 characters.", "тег кеша — не более 1024 символов."));
	for (p = item; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == ',')
			return bad_line(err, line, item, T("a cache tag is "
			    "made of printable Latin characters, without "
			    "spaces or commas.", "тег кеша состоит из печатных "
			    "латинских символов, без пробелов и запятых."));
	return 0;
}

static const struct pmode {
	const char	*key;		/* the form's value */
	const char	*member;	/* in the request body */
	int		(*check)(char *, size_t, const char *, struct err *);
	const char	*one, *many;	/* "Purged 1 URL", "Purged 75 URLs" */
	const char	*ru;		/* "Очищено URL: 75" */
} pmodes[] = {
	{ "everything", "purge_everything", NULL, "", "", "" },
	{ "urls", "files", check_url, "URL", "URLs", "URL" },
	{ "hosts", "hosts", check_host, "host name", "host names",
	    "имён хостов" },
	{ "prefixes", "prefixes", check_prefix, "URL prefix", "URL prefixes",
	    "префиксов URL" },
	{ "tags", "tags", check_tag, "cache tag", "cache tags",
	    "тегов кеша" },
};
#define NPMODES	(sizeof(pmodes) / sizeof(pmodes[0]))

static const struct pmode *
pick_mode(struct ctx *c)
{
	const char	*m = req_str(c->req, "mode");
	size_t		 i;

	if (*m == '\0')
		return &pmodes[0];
	for (i = 0; i < NPMODES; i++)
		if (strcmp(pmodes[i].key, m) == 0)
			return &pmodes[i];
	err_set(&c->err, "value", "mode", "%s", T("Choose what to purge: "
	    "everything, URLs, host names, prefixes or cache tags.",
	    "Выберите, что очистить: весь кеш, URL, имена хостов, префиксы "
	    "или теги кеша."));
	return NULL;
}

/* The items, one a line, trimmed and checked; blank lines skipped. */
static int
parse_items(struct ctx *c, const struct pmode *m, char *text, char **items,
    size_t *np)
{
	const char	*zone = req_str(c->req, "elid");
	char		*line, *p, *end;
	size_t		 n = 0, lineno = 0;

	for (p = text; (line = strsep(&p, "\n")) != NULL; ) {
		lineno++;
		while (*line == ' ' || *line == '\t' || *line == '\r')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
		    end[-1] == '\r'))
			*--end = '\0';
		if (*line == '\0')
			continue;
		if (n == PURGE_MAX) {
			err_set(&c->err, "value", "items", T("At most %d items "
			    "can be purged at once; split the list.", "За один "
			    "раз можно очистить не более %d элементов; "
			    "разделите список."), PURGE_MAX);
			return -1;
		}
		if (m->check(line, lineno, zone, &c->err) == -1)
			return -1;
		items[n++] = line;
	}
	if (n == 0) {
		err_set(&c->err, "missed", "items", "%s", T("List what to "
		    "purge, one item a line.", "Укажите, что очистить, по одному "
		    "в строке."));
		return -1;
	}
	*np = n;
	return 0;
}

static void
form_fields(struct ctx *c, const char *mode)
{
	size_t	 i;

	reply_field(c->reply, "elid", req_str(c->req, "elid"));
	reply_field(c->reply, "mode", mode);
	reply_slist(c->reply, "mode");
	for (i = 0; i < NPMODES; i++)
		reply_slist_msg(c->reply, pmodes[i].key);
}

static void
append(char *buf, size_t sz, const char *s)
{
	strncat(buf, s, sz - strlen(buf) - 1);
}

/*
 * Some batches failed: say how many items were purged and list the
 * first of those that were not, with Cloudflare's reason.
 */
static void
partial_error(struct ctx *c, const struct pmode *m, struct cf_req *reqs,
    size_t nb, char **items, size_t n, size_t done)
{
	char		 list[640], more[96], why[sizeof(c->err.msg)];
	struct err	 first;
	size_t		 b, i, shown = 0, left = 0;

	memset(&first, 0, sizeof(first));
	list[0] = '\0';
	for (b = 0; b < nb; b++) {
		if (!reqs[b].failed)
			continue;
		if (!err_isset(&first))
			first = reqs[b].err;
		for (i = b * PURGE_BATCH; i < n && i < (b + 1) * PURGE_BATCH;
		    i++) {
			if (shown < PURGE_SHOWN && strlen(list) +
			    strlen(items[i]) + 3 < sizeof(list)) {
				if (shown++ > 0)
					append(list, sizeof(list), ", ");
				append(list, sizeof(list), items[i]);
			} else
				left++;
		}
	}
	more[0] = '\0';
	if (left > 0)
		cf_snprintf(more, sizeof(more), T(" …and %zu more", " …и ещё "
		    "%zu"), left);
	cf_strlcpy(why, first.msg, sizeof(why));
	err_set(&c->err, first.type[0] ? first.type : "cloudflare", "items",
	    T("Purged %zu of %zu %s. Not purged: %s%s. %s", "Очищено "
	    "%3$s: %1$zu из %2$zu. Не очищены: %4$s%5$s. %6$s"), done, n,
	    T(m->many, m->ru), list, more, why);
}

/* The batches, all at once. */
static int
purge_items(struct ctx *c, const struct zone *z, const struct pmode *m,
    char **items, size_t n, size_t *done)
{
	struct cf_req	*reqs = NULL;
	struct json	**bodies = NULL, *arr;
	struct cf	*cf;
	size_t		 nb = (n + PURGE_BATCH - 1) / PURGE_BATCH, b, i, ok = 0;
	int		 rc = -1;

	if ((cf = ctx_cf(c)) == NULL)
		return -1;
	if ((reqs = calloc(nb, sizeof(*reqs))) == NULL ||
	    (bodies = calloc(nb, sizeof(*bodies))) == NULL) {
		ctx_nomem(c);
		goto out;
	}
	for (b = 0; b < nb; b++) {
		cf_req_init(&reqs[b], "POST", PERM_PURGE);
		cf_path(&reqs[b], "/zones/%s/purge_cache", z->id);
		if ((bodies[b] = json_new_obj()) == NULL ||
		    (arr = json_new_arr()) == NULL ||
		    json_set(bodies[b], m->member, arr) == -1) {
			ctx_nomem(c);
			goto out;
		}
		for (i = b * PURGE_BATCH; i < n && i < (b + 1) * PURGE_BATCH;
		    i++)
			if (json_push_str(arr, items[i]) == -1) {
				ctx_nomem(c);
				goto out;
			}
		reqs[b].body = bodies[b];
	}
	cf_run(cf, reqs, nb);
	for (b = 0; b < nb; b++)
		if (!reqs[b].failed)
			ok += (b + 1) * PURGE_BATCH <= n ? PURGE_BATCH :
			    n - b * PURGE_BATCH;
	*done = ok;
	if (ok > 0)
		log_info("purge: %s purged %zu %s in %s", c->req->user, ok,
		    m->key, z->name);
	if (ok == n)
		rc = 0;
	else if (ok == 0) {
		/* Nothing went: Cloudflare's reason is the whole story. */
		for (b = 0; b < nb; b++)
			if (reqs[b].failed) {
				c->err = reqs[b].err;
				break;
			}
	} else
		partial_error(c, m, reqs, nb, items, n, ok);
out:
	for (b = 0; reqs != NULL && b < nb; b++)
		cf_req_clean(&reqs[b]);
	for (b = 0; bodies != NULL && b < nb; b++)
		json_free(bodies[b]);
	free(reqs);
	free(bodies);
	return rc;
}

static int
purge_everything(struct ctx *c, const struct zone *z)
{
	struct cf_req	 r;
	struct json	*body;
	int		 rc = -1;

	cf_req_init(&r, "POST", PERM_PURGE);
	if ((body = json_new_obj()) == NULL ||
	    json_set_bool(body, "purge_everything", 1) == -1) {
		ctx_nomem(c);
		goto out;
	}
	cf_path(&r, "/zones/%s/purge_cache", z->id);
	r.body = body;
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	log_info("purge: %s purged everything in %s", c->req->user, z->name);
	rc = 0;
out:
	cf_req_clean(&r);
	json_free(body);
	return rc;
}

static int
purge_submit(struct ctx *c, const struct pmode *m)
{
	char		*text = NULL, **items = NULL, note[300];
	struct zone	 z;
	size_t		 n = 0, done = 0;
	int		 rc = -1;

	if (m->check != NULL) {
		if ((text = strdup(req_str(c->req, "items"))) == NULL ||
		    (items = calloc(PURGE_MAX, sizeof(*items))) == NULL) {
			ctx_nomem(c);
			goto out;
		}
		if (parse_items(c, m, text, items, &n) == -1)
			goto out;
	}
	if (zone_find(c, req_str(c->req, "elid"), &z) == -1)
		goto out;
	if (m->check == NULL) {
		if (purge_everything(c, &z) == -1)
			goto out;
		cf_snprintf(note, sizeof(note), T("The whole cache of %s is "
		    "purged.", "Весь кеш %s очищен."), z.name);
	} else {
		if (purge_items(c, &z, m, items, n, &done) == -1)
			goto out;
		cf_snprintf(note, sizeof(note), T("Purged %zu %s.",
		    "Очищено %2$s: %1$zu."), n, T(n == 1 ? m->one : m->many,
		    m->ru));
	}
	form_fields(c, m->key);
	reply_field(c->reply, "notice", note);
	rc = 0;
out:
	free(items);
	free(text);
	return rc;
}

int
fn_purge(struct ctx *c)
{
	const struct pmode	*m;

	if ((m = pick_mode(c)) == NULL)
		return -1;
	if (!c->req->submit) {
		form_fields(c, m->key);
		return 0;
	}
	return purge_submit(c, m);
}
