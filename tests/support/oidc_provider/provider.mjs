// A real OpenID Connect provider (panva's oidc-provider) for the single sign-on tests.
// Configured by one JSON document in OIDC_PROVIDER_CONFIG:
//   {"port", "client_id", "client_secret", "redirect_uri",
//    "accounts": {"<login>": {"email", "email_verified", "name"}},
//    "conform_id_token_claims": false}
// The login name is the account's `sub`. Prints a ready line once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_PROVIDER_CONFIG);
const issuer = `http://127.0.0.1:${config.port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.client_id,
      client_secret: config.client_secret,
      redirect_uris: [config.redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  // Off: the id_token then carries email too. On (the spec's default) it carries only
  // `sub`, and the relying party must read email from userinfo.
  conformIdTokenClaims: config.conform_id_token_claims ?? false,
  // Required for every client, so a relying party that forgets PKCE fails the tests.
  pkce: { methods: ['S256'], required: () => true },
  async findAccount(ctx, id) {
    const account = config.accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: account.email_verified, name: account.name };
      },
    };
  },
});

provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
