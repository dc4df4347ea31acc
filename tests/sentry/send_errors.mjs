// Reports three errors to a DSN with the real @sentry/node SDK, as an instrumented application
// would, and prints their event ids as JSON: an exception (user, tags, fingerprint), a message,
// and an exception large enough that the SDK gzips its envelope.
//   node send_errors.mjs http://<key>@127.0.0.1:<port>/<project>
import * as Sentry from "@sentry/node";

const dsn = process.argv[2];
Sentry.init({ dsn, release: "shop@1.4.2", environment: "production", defaultIntegrations: false });
Sentry.setUser({ id: "user-7" });

function loadCart(id) {
  throw new TypeError(`cart ${id} is empty`);
}

const ids = {};
try {
  loadCart(17);
} catch (e) {
  ids.exception = Sentry.captureException(e, {
    tags: { region: "eu" },
    fingerprint: ["{{ default }}", "checkout"],
  });
}
ids.message = Sentry.captureMessage("payment provider slow", "warning");
try {
  loadCart(18);
} catch (e) {
  ids.large = Sentry.captureException(e, { extra: { cart: "x".repeat(40 * 1024) } });
}
if (!(await Sentry.flush(10000))) {
  console.error("the SDK could not deliver within 10 s");
  process.exit(1);
}
console.log(JSON.stringify(ids));
