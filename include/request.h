/*
 * A panel request: PARAM_*, AUTH_USER and AUTH_LEVEL from the
 * environment, every parameter passed through the validator that the
 * function table declares for it.  A handler sees nothing else.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>

#include "validate.h"

struct err;
struct func;

#define P_REQUIRED	0x01	/* must be present and non-empty */
#define P_SUBMIT	0x02	/* required when the form is submitted */
#define P_SECRET	0x04	/* scrubbed from the environment once read */

struct param_spec {
	const char	*name;
	validator	 check;
	unsigned	 flags;
};

#define REQ_MAX_PARAMS	48

struct request {
	const struct func	*fn;
	char			 user[65];
	int			 level;
	int			 submit;	/* sok=ok */
	char			*sv_field;	/* a setvalues refresh */
	struct {
		const char	*name;
		char		*value;
	}			 p[REQ_MAX_PARAMS];
	size_t			 np;
};

int		 request_parse(struct request *, struct err *);
void		 request_free(struct request *);
const char	*req_get(const struct request *, const char *);
const char	*req_str(const struct request *, const char *);
int		 req_on(const struct request *, const char *, int);

#endif /* REQUEST_H */
