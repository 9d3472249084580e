// A real OpenID Connect provider for the single sign-on tests: oidc-provider (npm, the
// certified Node implementation) with its built-in development login form, which accepts any
// password and logs in the account named in "login". Started by tests/oidc/conftest.py:
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG: {"port": 5xxxx, "client_id": "...", "client_secret": "...",
//          "redirect_uri": "http://127.0.0.1:.../konto/oidc/staff/login/callback/",
//          "accounts": {"anna": {"groups": ["..."], "email": "...", "name": "..."}, ...}}
// It prints "ready" once it listens; the fixture waits for the discovery document.
import { readFileSync } from "node:fs";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const issuer = `http://127.0.0.1:${config.port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, email_verified: true, ...account };
      },
    };
  },
  // The groups come with the profile, as a Keycloak "groups" mapper adds them to the tokens.
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["preferred_username", "name", "groups"],
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["plansicht-tests-only"] },
});
// Plain HTTP on 127.0.0.1: only ever for tests.
provider.proxy = false;

provider.listen(config.port, "127.0.0.1", () => {
  console.log("ready");
});
