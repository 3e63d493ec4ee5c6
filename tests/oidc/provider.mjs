// A real OpenID Connect provider (the certified `oidc-provider` package) on loopback, for
// Luotsi's staff sign-in tests. Started by tests/oidc_provider.py:
//
//   node provider.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_REDIRECT_URI
//
// It listens on a free loopback port and prints the line `LUOTSI_OP_READY {"issuer": "http://127.0.0.1:N"}`.
// Sign-in uses the package's own development interactions (a login form taking any user name;
// the password is not checked). Accounts: every login is a subject whose preferred_username is
// the login itself. The consent prompt is skipped for the one registered client (a county's own
// staff application is first-party).
//
// Test controls (loopback only, POST, answer 204):
//   /__test/rotate          a new signing key; the old key is no longer published
//   /__test/issuer?value=X  the provider names itself X in the tokens it issues from now on
//   /__test/expire-id-tokens  ID tokens live one second and the token endpoint answers two
//                             seconds late, so the relying party receives expired ID tokens
//   /__test/hide-keys       the JWKS endpoint publishes no keys (tokens are signed by an unknown key)
//   /__test/reset           back to the start-up state (keys kept)
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const [clientId, clientSecret, redirectUri, postLogoutRedirectUri] = process.argv.slice(2);
if (!postLogoutRedirectUri) {
  console.error('usage: node provider.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_URI');
  process.exit(2);
}

function newSigningKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
}

const state = {
  key: newSigningKey(), issuerOverride: null, idTokenTtl: 3600, tokenDelayMs: 0, hideKeys: false,
};
let origin = null; // http://127.0.0.1:PORT, known once listening
let provider = null;

function build() {
  const issuer = state.issuerOverride || origin;
  const configuration = {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [state.key] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
    conformIdTokenClaims: false, // the requested profile claims go into the ID token too
    findAccount: async (ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, preferred_username: sub, name: sub }),
    }),
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile');
      grant.addOIDCClaims(['preferred_username', 'name']);
      await grant.save();
      return grant;
    },
    ttl: { IdToken: () => state.idTokenTtl },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['luotsi-test-provider-cookie-key'] },
  };
  const built = new Provider(issuer, configuration);
  // Paths stay at the origin whatever the provider calls itself.
  built.proxy = false;
  return built;
}

function control(req, res, url) {
  switch (url.pathname) {
    case '/__test/rotate':
      state.key = newSigningKey();
      break;
    case '/__test/issuer':
      state.issuerOverride = url.searchParams.get('value');
      break;
    case '/__test/expire-id-tokens':
      Object.assign(state, { idTokenTtl: 1, tokenDelayMs: 2000 });
      break;
    case '/__test/hide-keys':
      state.hideKeys = true;
      break;
    case '/__test/reset':
      Object.assign(state, {
        issuerOverride: null, idTokenTtl: 3600, tokenDelayMs: 0, hideKeys: false,
      });
      break;
    default:
      res.writeHead(404).end();
      return;
  }
  provider = build();
  res.writeHead(204).end();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, origin);
  if (url.pathname.startsWith('/__test/')) {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    control(req, res, url);
    return;
  }
  if (state.hideKeys && url.pathname === '/jwks') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
    return;
  }
  if (state.tokenDelayMs && url.pathname === '/token') {
    const end = res.end.bind(res);
    res.end = (...args) => {
      setTimeout(() => end(...args), state.tokenDelayMs);
      return res;
    };
  }
  provider.callback()(req, res);
});

server.listen(0, '127.0.0.1', () => {
  origin = `http://127.0.0.1:${server.address().port}`;
  provider = build();
  process.stdout.write(`\nLUOTSI_OP_READY ${JSON.stringify({ issuer: origin })}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
