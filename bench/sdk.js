#!/usr/bin/env node
/*
 * The same jobs as the handler, done with Cloudflare's official
 * TypeScript SDK (npm "cloudflare") the way its README shows, for
 * make bench.  bench/run.py runs it as
 *
 *     node bench/sdk.js JOB
 *
 * with CLOUDFLARE_BASE_URL pointed at the fake and CLOUDFLARE_API_TOKEN
 * set (the SDK reads both itself), and BENCH_ZONE (a zone name),
 * BENCH_NAMES (comma-separated domains), BENCH_RECORD (a record name).
 * JOB: dns-list | zone-list | dns-create | noop.  Prints what it got
 * as JSON on stdout, the way a script would hand it on.
 */
'use strict';

const Cloudflare = require('cloudflare');

/* A zone by name: one page of GET /zones?name=, as the docs show. */
async function zoneId(client, name) {
	const page = await client.zones.list({ name });
	const z = page.result.find((x) => x.name === name);
	if (!z)
		throw new Error(`zone ${name} not found`);
	return z.id;
}

async function main() {
	const job = process.argv[2];
	const client = new Cloudflare();	/* base URL, token: environment */
	let out;

	switch (job) {
	case 'noop':	/* the process's own floor: load, construct, exit */
		out = { ok: true };
		break;
	case 'dns-list': {
		const zone_id = await zoneId(client, process.env.BENCH_ZONE);
		const records = [];
		/* Auto-pagination with the default page size, as in the README. */
		for await (const r of client.dns.records.list({ zone_id }))
			records.push(r);
		out = records;
		break;
	}
	case 'zone-list': {
		const names = (process.env.BENCH_NAMES || '').split(',');
		/* Generous to the SDK: every lookup at once. */
		out = await Promise.all(names.map(async (name) => {
			const page = await client.zones.list({ name });
			return page.result.find((x) => x.name === name) || { name };
		}));
		break;
	}
	case 'dns-create': {
		const zone_id = await zoneId(client, process.env.BENCH_ZONE);
		out = await client.dns.records.create({ zone_id, type: 'A',
		    name: process.env.BENCH_RECORD, content: '192.0.2.77',
		    ttl: 1, proxied: false });
		break;
	}
	default:
		throw new Error(`unknown job ${job}`);
	}
	process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => {
	process.stderr.write(`sdk.js: ${e && e.message ? e.message : e}\n`);
	process.exit(1);
});
