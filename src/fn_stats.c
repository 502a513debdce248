/*
 * cloudflare.stats: a stub.  Cloudflare retired the zone analytics
 * endpoints for the GraphQL Analytics API, which the plugin does not
 * speak yet, so the page says so and calls nothing.  The access rule
 * still applies to elid (functab names it), so a user learns nothing
 * about a zone that is not theirs.
 */
#include "cf.h"
#include "fn.h"
#include "reply.h"

int
fn_stats(struct ctx *c)
{
	reply_field(c->reply, "elid", req_str(c->req, "elid"));
	reply_field(c->reply, "stats_unavailable", T("Statistics are "
	    "temporarily unavailable: Cloudflare moved analytics to a "
	    "different API.", "Статистика временно недоступна: Cloudflare "
	    "перевёл аналитику на другой API."));
	return 0;
}
