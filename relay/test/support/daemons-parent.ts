// A test process that starts Redis and PostgreSQL and then dies without stopping them
// (reaper.test.ts kills it with SIGKILL): argv redisPort pgPort. Prints "ready" once both listen.
import { startPostgres } from "./postgres.js";
import { startRedis } from "./redis.js";

const [redisPort, pgPort] = process.argv.slice(2).map(Number) as [number, number];
await startRedis(redisPort);
startPostgres(pgPort);
console.log("ready");
setInterval(() => {}, 1000);
