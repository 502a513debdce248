/*
 * cloudflare.firewall: the IP access rules that apply to a zone, its
 * own and, read-only, its account's; cloudflare.firewall.edit: add a
 * zone rule or change one's action and notes; cloudflare.firewall.delete.
 *
 * Cloudflare cannot change what an existing rule matches (its target
 * and value): an edit that tries is refused with a word on how, never
 * silently half-applied.  Account-level rules apply to every zone of
 * the account, so they are shown but never changed from here.
 */
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "cfapi.h"
#include "fn.h"
#include "json.h"
#include "log.h"
#include "reply.h"
#include "validate.h"

#define FW_PER_PAGE	1000	/* the largest page Cloudflare gives here */
#define FW_MAX_PAGES	50	/* per list: 50 000 rules */
#define FW_MAX_GROUP	500

struct fwrule {
	char	 id[33];
	char	 target[16];
	char	 value[128];
	char	 mode[32];
	char	 notes[2048];	/* a longer note is cut for display */
	char	 scope[16];	/* zone, account, user, organization */
};

static int
rule_parse(const struct json *j, int from_account, struct fwrule *r)
{
	const struct json	*conf, *scope;
	const char		*id, *mode, *target, *value, *notes,
				*st = from_account ? "account" : "zone";

	memset(r, 0, sizeof(*r));
	conf = json_get(j, "configuration");
	if (json_str(j, "id", &id) == -1 || !is_cfid(id) ||
	    json_str(j, "mode", &mode) == -1 ||
	    strlen(mode) >= sizeof(r->mode) ||
	    json_str(conf, "target", &target) == -1 ||
	    strlen(target) >= sizeof(r->target) ||
	    json_str(conf, "value", &value) == -1 ||
	    strlen(value) >= sizeof(r->value) ||
	    json_str_opt(j, "notes", &notes, "") == -1)
		return -1;
	/* The zone's list carries the account's rules too, so marked. */
	if ((scope = json_get(j, "scope")) != NULL && json_is_obj(scope) &&
	    !from_account && json_str_opt(scope, "type", &st, "zone") == -1)
		return -1;
	cf_strlcpy(r->id, id, sizeof(r->id));
	cf_strlcpy(r->mode, mode, sizeof(r->mode));
	cf_strlcpy(r->target, target, sizeof(r->target));
	cf_strlcpy(r->value, value, sizeof(r->value));
	cf_strlcpy(r->notes, notes, sizeof(r->notes));
	cf_strlcpy(r->scope, strlen(st) < sizeof(r->scope) ? st : "account",
	    sizeof(r->scope));
	return 0;
}

static int
is_zone_rule(const struct fwrule *r)
{
	return strcmp(r->scope, "zone") == 0;
}

static const char *
target_text(const char *t)
{
	if (strcmp(t, "ip") == 0 || strcmp(t, "ip6") == 0)
		return T("IP address", "IP-адрес");
	if (strcmp(t, "ip_range") == 0)
		return T("IP range", "Диапазон IP-адресов");
	if (strcmp(t, "country") == 0)
		return T("Country", "Страна");
	if (strcmp(t, "asn") == 0)
		return T("ASN", "Номер AS");
	return t;
}

static const char *
mode_text(const char *m)
{
	if (strcmp(m, "block") == 0)
		return T("Block", "Блокировать");
	if (strcmp(m, "challenge") == 0)
		return T("Check", "Проверка");
	if (strcmp(m, "js_challenge") == 0)
		return T("JS check", "JS-проверка");
	if (strcmp(m, "managed_challenge") == 0)
		return T("Managed challenge", "Управляемая проверка");
	if (strcmp(m, "whitelist") == 0)
		return T("Allow", "Разрешить");
	return m;
}

static const char *
scope_text(const char *s)
{
	if (strcmp(s, "zone") == 0)
		return T("zone", "зона");
	if (strcmp(s, "user") == 0)
		return T("user", "пользователь");
	return T("account", "аккаунт");
}

static void
rule_row(struct ctx *c, const struct fwrule *r)
{
	reply_row(c->reply);
	reply_col(c->reply, "id", r->id);
	reply_col(c->reply, "target", target_text(r->target));
	reply_col(c->reply, "value", r->value);
	reply_col(c->reply, "mode", mode_text(r->mode));
	reply_col(c->reply, "notes", r->notes);
	reply_col(c->reply, "scope", scope_text(r->scope));
	reply_col(c->reply, "editable", is_zone_rule(r) ? "on" : "off");
}

/* The list of the zone's rules or the account's, one page. */
static void
page_req(struct cf_req *r, const char *zone, const char *account, long page,
    long per)
{
	if (zone != NULL) {
		cf_req_init(r, "GET", PERM_FW_READ);
		cf_path(r, "/zones/%s/firewall/access_rules/rules", zone);
	} else {
		cf_req_init(r, "GET", PERM_ACCOUNT_FW_READ);
		cf_path(r, "/accounts/%s/firewall/access_rules/rules",
		    account);
	}
	cf_query_int(r, "page", page);
	cf_query_int(r, "per_page", per);
}

/* Pages in all, and the page size to ask for the rest; -1 too many. */
static long
page_count(const struct cf_req *r, long *per)
{
	long	 pages = r->info.present ? r->info.total_pages : 1;

	*per = FW_PER_PAGE;
	if (r->info.present && r->info.per_page > 0 &&
	    r->info.per_page < FW_PER_PAGE)
		*per = r->info.per_page;
	if (pages < 1)
		pages = 1;
	return pages > FW_MAX_PAGES ? -1 : pages;
}

struct fwlist {
	struct ctx	*c;
	char		(*acc)[33];	/* account rules the zone list had */
	size_t		 nacc, capacc;
};

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
zone_item(void *arg, const struct json *j)
{
	struct fwlist	*l = arg;
	struct fwrule	 r;
	void		*p;

	if (rule_parse(j, 0, &r) == -1)
		return -1;
	if (!is_zone_rule(&r)) {
		if (l->nacc == l->capacc) {
			l->capacc = l->capacc ? l->capacc * 2 : 64;
			if ((p = reallocarray(l->acc, l->capacc,
			    sizeof(*l->acc))) == NULL)
				return ctx_nomem(l->c);
			l->acc = p;
		}
		cf_strlcpy(l->acc[l->nacc++], r.id, sizeof(*l->acc));
	}
	rule_row(l->c, &r);
	return 0;
}

/* An account rule the zone's list showed already is shown once. */
static int
account_item(void *arg, const struct json *j)
{
	struct fwlist	*l = arg;
	struct fwrule	 r;

	if (rule_parse(j, 1, &r) == -1)
		return -1;
	if (l->nacc > 0 && bsearch(r.id, l->acc, l->nacc, sizeof(*l->acc),
	    cmp_id) != NULL)
		return 0;
	rule_row(l->c, &r);
	return 0;
}

static int
page_each(struct ctx *c, const struct cf_req *r,
    int (*each)(void *, const struct json *), void *arg)
{
	const struct json	*it;

	if (!json_is_arr(r->result))
		goto bad;
	for (it = json_first(r->result); it != NULL; it = json_next(it))
		if (each(arg, it) == -1)
			goto bad;
	return 0;
bad:
	if (!err_isset(&c->err))
		err_set(&c->err, "cloudflare", "", "%s", T("Cloudflare sent "
		    "an access rule the plugin cannot read.", "Cloudflare "
		    "прислал правило доступа, которое модуль не может "
		    "прочитать."));
	return -1;
}

/* In place of the account's rules, one row that says why they are not. */
static void
account_notice(struct ctx *c, const struct err *why)
{
	char	 msg[1400];

	if (strcmp(why->type, "access") == 0)
		cf_snprintf(msg, sizeof(msg), T("The account-level rules could "
		    "not be read: the API token lacks the permission «%s». Only "
		    "the account rules that Cloudflare lists with the zone are "
		    "shown.", "Правила уровня аккаунта прочитать не удалось: у "
		    "API-токена нет разрешения «%s». Показаны только те правила "
		    "аккаунта, которые Cloudflare выдаёт вместе с зоной."),
		    perm_name(PERM_ACCOUNT_FW_READ));
	else
		cf_snprintf(msg, sizeof(msg), T("The account-level rules could "
		    "not be read: %s", "Правила уровня аккаунта прочитать не "
		    "удалось: %s"), why->msg);
	reply_row(c->reply);
	reply_col(c->reply, "id", "-");
	reply_col(c->reply, "target", "");
	reply_col(c->reply, "value", "—");
	reply_col(c->reply, "mode", "");
	reply_col(c->reply, "notes", msg);
	reply_col(c->reply, "scope", scope_text("account"));
	reply_col(c->reply, "editable", "off");
}

/*
 * The first page of both lists at once, then every further page of
 * both at once: two waves, however the rules are spread.  A failure
 * of the account's list costs its rows, never the zone's.
 */
int
fn_fw_list(struct ctx *c)
{
	struct zone	 z;
	struct cf	*cf;
	struct cf_req	 first[2], *more = NULL;
	struct fwlist	 l;
	struct err	 accerr;
	long		 zpages, apages = 0, zper, aper = FW_PER_PAGE, p;
	size_t		 nfirst, nmore = 0, k, i;
	int		 accfail = 0, rc = -1;

	memset(&l, 0, sizeof(l));
	memset(first, 0, sizeof(first));
	err_clear(&accerr);
	l.c = c;
	if (zone_find(c, req_str(c->req, "plid"), &z) == -1 ||
	    (cf = ctx_cf(c)) == NULL)
		return -1;
	nfirst = is_cfid(z.account_id) ? 2 : 1;
	page_req(&first[0], z.id, NULL, 1, FW_PER_PAGE);
	if (nfirst == 2)
		page_req(&first[1], NULL, z.account_id, 1, FW_PER_PAGE);
	cf_run(cf, first, nfirst);
	if (first[0].failed) {
		c->err = first[0].err;
		goto out;
	}
	if (nfirst == 2 && first[1].failed) {
		accfail = 1;
		accerr = first[1].err;
	}
	zpages = page_count(&first[0], &zper);
	if (nfirst == 2 && !accfail)
		apages = page_count(&first[1], &aper);
	if (zpages == -1 || apages == -1) {
		err_set(&c->err, "cloudflare", "", T("There are more than %d "
		    "access rules; the plugin does not list that many.", "Правил "
		    "доступа больше %d; модуль не выводит столько."),
		    FW_MAX_PAGES * FW_PER_PAGE);
		goto out;
	}
	nmore = (size_t)(zpages - 1) + (size_t)(apages > 0 ? apages - 1 : 0);
	if (nmore > 0) {
		if ((more = calloc(nmore, sizeof(*more))) == NULL) {
			ctx_nomem(c);
			goto out;
		}
		k = 0;
		for (p = 2; p <= zpages; p++)
			page_req(&more[k++], z.id, NULL, p, zper);
		for (p = 2; p <= apages; p++)
			page_req(&more[k++], NULL, z.account_id, p, aper);
		cf_run(cf, more, nmore);
	}

	if (page_each(c, &first[0], zone_item, &l) == -1)
		goto out;
	for (k = 0; k < (size_t)zpages - 1; k++) {
		if (more[k].failed) {
			c->err = more[k].err;
			goto out;
		}
		if (page_each(c, &more[k], zone_item, &l) == -1)
			goto out;
	}
	if (l.nacc > 1)	/* qsort(NULL, 0) is undefined */
		qsort(l.acc, l.nacc, sizeof(*l.acc), cmp_id);
	if (nfirst == 2 && !accfail) {
		if (page_each(c, &first[1], account_item, &l) == -1)
			goto out;
		for (; k < nmore; k++) {
			if (more[k].failed) {
				accfail = 1;
				accerr = more[k].err;
				break;
			}
			if (page_each(c, &more[k], account_item, &l) == -1)
				goto out;
		}
	}
	if (accfail) {
		log_warn("firewall: account rules of %s unreadable for %s: %s",
		    z.name, c->req->user, accerr.msg);
		account_notice(c, &accerr);
	}
	rc = 0;
out:
	for (i = 0; i < nfirst; i++)
		cf_req_clean(&first[i]);
	for (i = 0; more != NULL && i < nmore; i++)
		cf_req_clean(&more[i]);
	free(more);
	free(l.acc);
	return rc;
}

/* Looking rules up by id in the zone's list (it has no GET by id). */
struct fwfind {
	char *const	 *ids;
	size_t		  n;
	struct fwrule	 *found;	/* n of them */
	int		 *have;
};

static int
find_item(void *arg, const struct json *j)
{
	struct fwfind	*f = arg;
	const char	*id;
	size_t		 i;

	if (json_str(j, "id", &id) == -1)
		return -1;
	for (i = 0; i < f->n; i++)
		if (!f->have[i] && strcmp(f->ids[i], id) == 0) {
			if (rule_parse(j, 0, &f->found[i]) == -1)
				return -1;
			f->have[i] = 1;
		}
	return 0;
}

static int
find_rules(struct ctx *c, const struct zone *z, char *const *ids, size_t n,
    struct fwrule *found, int *have)
{
	struct fwfind	 f;
	struct cf_req	 base;

	f.ids = ids;
	f.n = n;
	f.found = found;
	f.have = have;
	memset(have, 0, n * sizeof(*have));
	cf_req_init(&base, "GET", PERM_FW_READ);
	if (cf_path(&base, "/zones/%s/firewall/access_rules/rules", z->id) ==
	    -1)
		return ctx_nomem(c);
	return cf_list(ctx_cf(c), &base, FW_PER_PAGE, find_item, &f, &c->err);
}

static int
not_found(struct ctx *c, const char *id)
{
	err_set(&c->err, "missed", "elid", T("The access rule %s is not "
	    "among the zone's rules; it may have been deleted meanwhile. "
	    "Refresh the list.", "Правила доступа %s нет среди правил зоны — "
	    "возможно, его уже удалили. Обновите список."), id);
	return -1;
}

static int
read_only(struct ctx *c, const struct fwrule *r)
{
	err_set(&c->err, "access", "elid", T("The rule for %s is an "
	    "account-level rule: it applies to every domain of the Cloudflare "
	    "account, so it is managed in the Cloudflare dashboard, not here.",
	    "Правило для %s — правило уровня аккаунта: оно действует на все "
	    "домены аккаунта Cloudflare, поэтому изменяется в панели "
	    "Cloudflare, а не здесь."), r->value);
	return -1;
}

/* One rule of the zone, which must be the zone's own to be changed. */
static int
get_rule(struct ctx *c, const struct zone *z, const char *id,
    struct fwrule *r)
{
	char	 buf[33], *ids[1];
	int	 have;

	cf_strlcpy(buf, id, sizeof(buf));	/* a checked id, 32 bytes */
	ids[0] = buf;
	if (find_rules(c, z, ids, 1, r, &have) == -1)
		return -1;
	if (!have)
		return not_found(c, id);
	if (!is_zone_rule(r))
		return read_only(c, r);
	return 0;
}

static const char *const targets[] = { "ip", "ip_range", "country", "asn",
    NULL };
static const char *const modes[] = { "block", "challenge", "js_challenge",
    "managed_challenge", "whitelist", NULL };

static void
form_slists(struct ctx *c)
{
	size_t	 i;

	reply_slist(c->reply, "target");
	for (i = 0; targets[i] != NULL; i++)
		reply_slist_msg(c->reply, targets[i]);
	reply_slist(c->reply, "mode");
	for (i = 0; modes[i] != NULL; i++)
		reply_slist_msg(c->reply, modes[i]);
}

static int
fw_form(struct ctx *c)
{
	const char	*id = req_str(c->req, "elid");
	struct zone	 z;
	struct fwrule	 r;

	reply_field(c->reply, "plid", req_str(c->req, "plid"));
	if (*id == '\0') {
		reply_field(c->reply, "target", "ip");
		reply_field(c->reply, "mode", "block");
		form_slists(c);
		return 0;
	}
	if (zone_find(c, req_str(c->req, "plid"), &z) == -1 ||
	    get_rule(c, &z, id, &r) == -1)
		return -1;
	reply_field(c->reply, "elid", r.id);
	/* The form has one "IP address" for both families. */
	reply_field(c->reply, "target", strcmp(r.target, "ip6") == 0 ? "ip" :
	    r.target);
	reply_field(c->reply, "value", r.value);
	reply_field(c->reply, "mode", r.mode);
	reply_field(c->reply, "notes", r.notes);
	form_slists(c);
	return 0;
}

/* Whether the form still names what the rule matches. */
static int
same_match(const struct fwrule *r, const char *cft, const char *val)
{
	char		 ot[16], ov[128];
	struct err	 scratch;

	if (fw_check_value(strcmp(r->target, "ip6") == 0 ? "ip" : r->target,
	    r->value, ot, sizeof(ot), ov, sizeof(ov), &scratch) == 0)
		return strcmp(ot, cft) == 0 && strcmp(ov, val) == 0;
	return strcmp(r->target, cft) == 0 && strcmp(r->value, val) == 0;
}

static struct json *
rule_body(const char *cft, const char *val, const char *mode,
    const char *notes)
{
	struct json	*b, *conf;

	if ((b = json_new_obj()) == NULL ||
	    json_set_str(b, "mode", mode) == -1 ||
	    json_set_str(b, "notes", notes) == -1)	/* the spec needs it */
		goto fail;
	if (cft == NULL)
		return b;
	if ((conf = json_new_obj()) == NULL ||
	    json_set_str(conf, "target", cft) == -1 ||
	    json_set_str(conf, "value", val) == -1) {
		json_free(conf);
		goto fail;
	}
	if (json_set(b, "configuration", conf) == -1)	/* frees conf */
		goto fail;
	return b;
fail:
	json_free(b);
	return NULL;
}

static int
fw_save(struct ctx *c)
{
	const char	*zone = req_str(c->req, "plid"),
			*id = req_str(c->req, "elid"),
			*mode = req_str(c->req, "mode"),
			*notes = req_str(c->req, "notes");
	char		 cft[16], val[128];
	struct zone	 z;
	struct fwrule	 old;
	struct cf_req	 r;
	struct json	*body = NULL;
	int		 rc = -1;

	cf_req_init(&r, *id ? "PATCH" : "POST", PERM_FW_EDIT);
	if (fw_check_value(req_str(c->req, "target"), req_str(c->req,
	    "value"), cft, sizeof(cft), val, sizeof(val), &c->err) == -1)
		return -1;
	if (zone_find(c, zone, &z) == -1)
		return -1;
	if (*id != '\0') {
		if (get_rule(c, &z, id, &old) == -1)
			return -1;
		if (!same_match(&old, cft, val)) {
			err_set(&c->err, "value", "value", T("Cloudflare cannot "
			    "change what an existing rule matches (now %s %s). "
			    "To match something else, delete this rule and add "
			    "a new one.", "Cloudflare не позволяет изменить, "
			    "чему соответствует существующее правило (сейчас "
			    "%s %s). Чтобы правило соответствовало другому "
			    "значению, удалите его и добавьте новое."),
			    target_text(old.target), old.value);
			return -1;
		}
		if (strcmp(old.mode, mode) == 0 &&
		    strcmp(old.notes, notes) == 0) {
			reply_ok(c->reply);	/* nothing changed */
			return 0;
		}
		/* Only the action and the notes can change. */
		body = rule_body(NULL, NULL, mode, notes);
		cf_path(&r, "/zones/%s/firewall/access_rules/rules/%s", z.id,
		    old.id);
	} else {
		body = rule_body(cft, val, mode, notes);
		cf_path(&r, "/zones/%s/firewall/access_rules/rules", z.id);
	}
	if (body == NULL)
		return ctx_nomem(c);
	r.body = body;
	if (cf_call(ctx_cf(c), &r, &c->err) == -1)
		goto out;
	log_info("firewall: %s %s rule %s %s (%s) in %s", c->req->user,
	    *id ? "changed" : "added", cft, val, mode, zone);
	reply_ok(c->reply);
	rc = 0;
out:
	cf_req_clean(&r);
	json_free(body);
	return rc;
}

int
fn_fw_edit(struct ctx *c)
{
	return c->req->submit ? fw_save(c) : fw_form(c);
}

/* Every id must be a rule of the zone's own before anything is deleted. */
int
fn_fw_delete(struct ctx *c)
{
	char		*copy, *ids[FW_MAX_GROUP], *labels[FW_MAX_GROUP];
	struct zone	 z;
	struct fwrule	*found = NULL;
	struct cf_req	*reqs = NULL;
	int		*have = NULL, n, i, rc = -1;

	if (zone_find(c, req_str(c->req, "plid"), &z) == -1)
		return -1;
	if ((copy = strdup(req_str(c->req, "elid"))) == NULL)
		return ctx_nomem(c);
	if ((n = split_list(copy, ids, FW_MAX_GROUP)) <= 0)
		goto out;
	if ((found = calloc((size_t)n, sizeof(*found))) == NULL ||
	    (have = calloc((size_t)n, sizeof(*have))) == NULL ||
	    (reqs = calloc((size_t)n, sizeof(*reqs))) == NULL) {
		ctx_nomem(c);
		goto out;
	}
	if (find_rules(c, &z, ids, (size_t)n, found, have) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if (!have[i]) {
			not_found(c, ids[i]);
			goto out;
		}
		if (!is_zone_rule(&found[i])) {
			read_only(c, &found[i]);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		labels[i] = found[i].value;
		cf_req_init(&reqs[i], "DELETE", PERM_FW_EDIT);
		cf_path(&reqs[i], "/zones/%s/firewall/access_rules/rules/%s",
		    z.id, ids[i]);
	}
	if (ctx_group(c, reqs, (size_t)n, labels, "firewall: deleted rule") ==
	    -1)
		goto out;
	reply_ok(c->reply);
	rc = 0;
out:
	for (i = 0; reqs != NULL && i < n; i++)
		cf_req_clean(&reqs[i]);
	free(reqs);
	free(found);
	free(have);
	free(copy);
	return rc;
}
