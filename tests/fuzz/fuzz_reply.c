/*
 * The reply writer with arbitrary text: xml_clean gives valid UTF-8
 * that XML allows, and every reply shape (list, form, selects, error)
 * comes out as valid UTF-8 and well-formed XML.  The input is split at
 * NUL bytes into the texts to use.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cf.h"
#include "reply.h"
#include "validate.h"

#define MAX_PARTS	8

static void
clean_ok(const char *s)
{
	char	*c;

	if ((c = xml_clean(s)) == NULL)
		return;
	if (!utf8_valid(c, strlen(c)))
		abort();
	free(c);
}

static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	const char	*part[MAX_PARTS];
	struct reply	*r;
	struct err	 err;
	xmlDocPtr	 doc;
	char		*buf, *s, *text;
	size_t		 n = 0, i, len = 0;
	unsigned	 mode;

	if (!init) {
		xmlSetGenericErrorFunc(NULL, silent);
		init = 1;
	}
	if (size < 1 || (buf = malloc(size)) == NULL)
		return 0;
	mode = data[0];
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (s = buf; s < buf + size - 1 && n < MAX_PARTS; s += strlen(s) + 1)
		part[n++] = s;
	if (n == 0)
		part[n++] = "";
	for (i = 0; i < n; i++)
		clean_ok(part[i]);

	if ((r = reply_new()) == NULL)
		goto out;
	switch (mode % 5) {
	case 0:		/* a list */
		for (i = 0; i < n; i++) {
			reply_row(r);
			reply_col(r, "name", part[i]);
			reply_col(r, "content", part[(i + 1) % n]);
			reply_col(r, "comment", NULL);
		}
		break;
	case 1:		/* a form with selects */
		reply_field(r, "name", part[0]);
		reply_slist(r, part[n - 1]);
		for (i = 0; i < n; i++) {
			reply_slist_val(r, part[i], part[(i + 1) % n]);
			reply_slist_msg(r, part[i]);
		}
		reply_field(r, "comment", part[n / 2]);
		break;
	case 2:		/* an error after some output */
		reply_field(r, "name", part[0]);
		err_set(&err, n > 1 ? part[1] : "value", n > 2 ? part[2] : "",
		    "%s", part[0]);
		reply_error(r, &err);
		break;
	case 3:
		reply_ok(r);
		break;
	default:	/* everything, in the order handlers never use */
		reply_slist_val(r, part[0], part[0]);
		reply_col(r, "x", part[0]);
		reply_row(r);
		reply_slist(r, part[0]);
		reply_row(r);
		reply_col(r, "x", part[n - 1]);
		reply_ok(r);
		break;
	}
	if ((text = reply_text(r, &len)) != NULL) {
		if (!utf8_valid(text, len) || strlen(text) != len)
			abort();
		doc = xmlReadMemory(text, (int)len, "reply.xml", "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			abort();	/* not well-formed */
		xmlFreeDoc(doc);
		free(text);
	}
	reply_free(r);
out:
	free(buf);
	return 0;
}
