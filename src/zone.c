/*
 * Zones by name.  Cloudflare keys zones by id; the panel by domain
 * name.  A name becomes an id only through Cloudflare's own answer,
 * so nothing a user typed ever reaches a URL as a path segment.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "store.h"
#include "validate.h"

#define ZONE_CACHE_TTL	120	/* seconds */
#define ZONE_CACHE_MAX	(1024 * 1024)

static int
copy_str(const struct json *j, const char *key, char *dst, size_t sz,
    int required)
{
	const char	*s;

	if (json_str_opt(j, key, &s, NULL) == -1 || (s == NULL && required))
		return -1;
	if (s == NULL)
		s = "";
	if (strlen(s) >= sz)
		return -1;
	cf_strlcpy(dst, s, sz);
	return 0;
}

/* A zone object from Cloudflare; every field type-checked. */
int
zone_parse(const struct json *j, struct zone *z)
{
	const struct json	*acc, *plan, *ns;
	const char		*s;
	size_t			 i;

	memset(z, 0, sizeof(*z));
	if (!json_is_obj(j) ||
	    copy_str(j, "id", z->id, sizeof(z->id), 1) == -1 ||
	    !is_cfid(z->id) ||
	    copy_str(j, "name", z->name, sizeof(z->name), 1) == -1 ||
	    copy_str(j, "status", z->status, sizeof(z->status), 0) == -1 ||
	    json_bool_opt(j, "paused", &z->paused, 0) == -1)
		return -1;
	if ((acc = json_get(j, "account")) != NULL && json_is_obj(acc)) {
		if (copy_str(acc, "id", z->account_id, sizeof(z->account_id),
		    0) == -1 || copy_str(acc, "name", z->account_name,
		    sizeof(z->account_name), 0) == -1)
			return -1;
		if (z->account_id[0] != '\0' && !is_cfid(z->account_id))
			return -1;
	}
	if ((plan = json_get(j, "plan")) != NULL && json_is_obj(plan) &&
	    copy_str(plan, "name", z->plan, sizeof(z->plan), 0) == -1)
		return -1;
	if ((ns = json_get(j, "name_servers")) != NULL) {
		if (!json_is_arr(ns))
			return -1;
		for (i = 0; i < json_count(ns) && z->nns < 4; i++) {
			if (json_as_str(json_at(ns, i), &s) == -1 ||
			    strlen(s) >= sizeof(z->ns[0]))
				return -1;
			cf_strlcpy(z->ns[z->nns++], s, sizeof(z->ns[0]));
		}
	}
	return 0;
}

static int
lookup_req(struct cf_req *r, const char *name)
{
	cf_req_init(r, "GET", PERM_ZONE_READ);
	return cf_path(r, "/zones") == -1 || cf_query(r, "name", name) == -1 ?
	    -1 : 0;
}

/* 1 found, 0 not on Cloudflare (for this token), -1 error. */
static int
lookup_result(struct cf_req *r, const char *name, struct zone *z,
    struct err *err)
{
	const struct json	*it;
	size_t			 i;

	if (r->result == NULL || !json_is_arr(r->result)) {
		err_set(err, "cloudflare", "", "%s", T("Cloudflare's reply "
		    "about the zone has an unexpected shape.", "Ответ "
		    "Cloudflare о зоне имеет неожиданный вид."));
		return -1;
	}
	for (i = 0; i < json_count(r->result); i++) {
		it = json_at(r->result, i);
		if (zone_parse(it, z) == -1) {
			err_set(err, "cloudflare", "", "%s", T("Cloudflare "
			    "sent a zone the plugin cannot read.", "Cloudflare "
			    "прислал зону, которую модуль не может прочитать."));
			return -1;
		}
		if (strcmp(z->name, name) == 0)
			return 1;
	}
	memset(z, 0, sizeof(*z));
	return 0;
}


/*
 * The zone cache: name → id and state, per token, so that going from
 * the zone list into a zone costs no extra lookup.  A file in the
 * store (0600), entries valid for ZONE_CACHE_TTL, dropped on connect,
 * disconnect, a token change and any "not found".
 */
static void
cache_name(const struct ctx *c, char *buf, size_t sz)
{
	if (c->toksrc == TOK_ADMIN)
		cf_snprintf(buf, sz, "zones-admin.json");
	else
		cf_snprintf(buf, sz, "zones-user-%s.json", c->req->user);
}

static struct json *
cache_load(const struct ctx *c)
{
	char		 name[128], *buf;
	size_t		 len;
	struct err	 e;
	struct json	*j;

	err_clear(&e);
	cache_name(c, name, sizeof(name));
	if ((buf = store_read(name, ZONE_CACHE_MAX, &len, &e)) == NULL)
		return NULL;
	j = json_parse(buf, len, &e);
	free(buf);
	if (j != NULL && !json_is_obj(j)) {
		json_free(j);
		j = NULL;
	}
	return j;
}

static void
cache_save(const struct ctx *c, struct json *j)
{
	char		 name[128], *text;
	struct err	 e;

	cache_name(c, name, sizeof(name));
	if ((text = json_print(j)) == NULL)
		return;
	if (store_write_cache(name, text, strlen(text), &e) == -1)
		log_warn("zone cache: %s", e.msg);
	free(text);
}

static struct json *
zone_to_json(const struct zone *z)
{
	struct json	*o, *ns;
	size_t		 i;

	if ((o = json_new_obj()) == NULL || (ns = json_new_arr()) == NULL) {
		json_free(o);
		return NULL;
	}
	for (i = 0; i < z->nns; i++)
		json_push_str(ns, z->ns[i]);
	if (json_set_str(o, "id", z->id) == -1 ||
	    json_set_str(o, "name", z->name) == -1 ||
	    json_set_str(o, "status", z->status) == -1 ||
	    json_set_bool(o, "paused", z->paused) == -1 ||
	    json_set(o, "name_servers", ns) == -1 ||
	    json_set_int(o, "t", (long long)time(NULL)) == -1) {
		json_free(o);
		return NULL;
	}
	if (z->account_id[0] != '\0') {
		struct json *acc = json_new_obj();
		if (acc == NULL || json_set_str(acc, "id", z->account_id) == -1 ||
		    json_set_str(acc, "name", z->account_name) == -1 ||
		    json_set(o, "account", acc) == -1) {
			json_free(o);
			return NULL;
		}
	}
	if (z->plan[0] != '\0') {
		struct json *plan = json_new_obj();
		if (plan == NULL || json_set_str(plan, "name", z->plan) == -1 ||
		    json_set(o, "plan", plan) == -1) {
			json_free(o);
			return NULL;
		}
	}
	return o;
}

/* 1 with *z from a fresh entry, else 0. */
static int
cache_get(const struct ctx *c, const char *name, struct zone *z)
{
	struct json		*j;
	const struct json	*e;
	long long		 t, now = (long long)time(NULL);
	int			 rc = 0;

	if ((j = cache_load(c)) == NULL)
		return 0;
	if ((e = json_get(j, name)) != NULL && json_int(e, "t", &t) == 0 &&
	    t <= now && now - t < ZONE_CACHE_TTL && zone_parse(e, z) == 0 &&
	    strcmp(z->name, name) == 0)
		rc = 1;
	json_free(j);
	return rc;
}

/* Put the found zones (n may be 0) and drop the names not found. */
static void
cache_put(const struct ctx *c, const struct zone *zs, const int *found,
    char *const *names, size_t n)
{
	struct json	*j, *o;
	size_t		 i;

	if ((j = cache_load(c)) == NULL && (j = json_new_obj()) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (!found[i]) {
			json_del(j, names[i]);
			continue;
		}
		if ((o = zone_to_json(&zs[i])) == NULL ||
		    json_set(j, names[i], o) == -1)
			goto out;
	}
	cache_save(c, j);
out:
	json_free(j);
}

void
zone_forget(struct ctx *c, const char *name)
{
	int	 nf = 0;
	char	*names[1];

	names[0] = (char *)name;
	if (ctx_token(c) == -1)
		return;
	cache_put(c, NULL, &nf, names, 1);
}

/* A token change: its cached zones may no longer be what it sees. */
void
zone_cache_drop(const char *user)
{
	char		 name[128];
	struct err	 e;

	if (user == NULL)
		cf_snprintf(name, sizeof(name), "zones-admin.json");
	else
		cf_snprintf(name, sizeof(name), "zones-user-%s.json", user);
	store_remove(name, &e);
}

/* The zone, or an error saying it is not connected. */
int
zone_find(struct ctx *c, const char *name, struct zone *z)
{
	struct cf	*cf;
	struct cf_req	 r;
	int		 rc = -1, found;

	if ((cf = ctx_cf(c)) == NULL)
		return -1;
	if (cache_get(c, name, z))
		return 0;
	if (lookup_req(&r, name) == -1) {
		err_set(&c->err, "value", "", "%s", T("The domain name is "
		    "too long.", "Доменное имя слишком длинное."));
		return -1;
	}
	if (cf_call(cf, &r, &c->err) == -1)
		goto out;
	switch (lookup_result(&r, name, z, &c->err)) {
	case 1:
		rc = 0;
		found = 1;
		cache_put(c, z, &found, (char *const *)&name, 1);
		break;
	case 0:
		err_set(&c->err, "missed", "", T("The domain %s is not "
		    "connected to Cloudflare, or the API token does not cover "
		    "it. Connect it in the Cloudflare zone list.", "Домен %s не "
		    "подключён к Cloudflare, или API-токен не даёт к нему "
		    "доступа. Подключите его в списке зон Cloudflare."), name);
		break;
	default:
		break;
	}
out:
	cf_req_clean(&r);
	return rc;
}

/*
 * Several zones at once, concurrently: found[i] is 1 when names[i]
 * is on Cloudflare, 0 when not.  -1 only when a lookup failed.
 */
int
zone_find_many(struct ctx *c, char *const *names, size_t n, struct zone *zs,
    int *found)
{
	struct cf	*cf;
	struct cf_req	*reqs;
	size_t		 i;
	int		 rc = -1, k;

	if (n == 0)
		return 0;
	if ((cf = ctx_cf(c)) == NULL)
		return -1;
	if ((reqs = calloc(n, sizeof(*reqs))) == NULL)
		return ctx_nomem(c);
	for (i = 0; i < n; i++)
		lookup_req(&reqs[i], names[i]);
	if (cf_run(cf, reqs, n) == -1) {
		for (i = 0; i < n; i++)
			if (reqs[i].failed) {
				c->err = reqs[i].err;
				break;
			}
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((k = lookup_result(&reqs[i], names[i], &zs[i],
		    &c->err)) == -1)
			goto out;
		found[i] = k;
	}
	cache_put(c, zs, found, names, n);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		cf_req_clean(&reqs[i]);
	free(reqs);
	return rc;
}
