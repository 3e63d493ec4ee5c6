// A real OpenID Connect provider (the certified `oidc-provider` package) on loopback, for
// Luotsi's staff sign-in tests and the client's strong identification. Started by
// tests/e2e/oidc_provider.py:
//
//   node provider.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_REDIRECT_URI [STRONG]
//
// STRONG, optional, is a JSON object registering a second client as Finland's identification
// services do: {"client_id", "redirect_uri", "jwks_uri", "hetu_claim", "post_logout_redirect_uri"}.
// It authenticates with private_key_jwt (its keys fetched from jwks_uri), must send signed request
// objects, receives ID tokens signed by the provider and encrypted to its key (RSA-OAEP-256,
// A256GCM) with a pairwise subject, and the login typed into the provider's form is released as
// the identity code in the claim named by hetu_claim. The provider then names the levels of
// assurance of Suomi.fi e-Identification (acr_values_supported: loa2 substantial, loa3 high);
// an identification gets the first level the request's acr_values asks for that the provider
// supports (loa2 when it asks for none: the client's default acr values are all of them), and
// that level is the ID token's acr claim.
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
//   /__test/plain-id-tokens   the strong client's ID tokens come signed but not encrypted
//   /__test/audience?value=X  ID tokens name X as their audience instead of the client
//   /__test/tamper-id-tokens  one character of the ID token in each token response is changed
//   /__test/acr?value=X     identifications get level X whatever was asked (none when X is empty),
//                           as when the person used a weaker means of identification
//   /__test/reset           back to the start-up state (keys kept)
import crypto from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const [clientId, clientSecret, redirectUri, postLogoutRedirectUri, strongJson] = process.argv.slice(2);
const strong = strongJson ? JSON.parse(strongJson) : null;
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
  plainIdTokens: false, idTokenAudience: null, tamperIdTokens: false, acr: null,
};
const LEVELS = ['http://ftn.ficora.fi/2017/loa2', 'http://ftn.ficora.fi/2017/loa3'];
const START = { ...state };
let origin = null; // http://127.0.0.1:PORT, known once listening
let provider = null;

function strongClient() {
  return {
    client_id: strong.client_id,
    redirect_uris: [strong.redirect_uri],
    post_logout_redirect_uris: strong.post_logout_redirect_uri ? [strong.post_logout_redirect_uri] : [],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks_uri: strong.jwks_uri,
    subject_type: 'pairwise',
    require_signed_request_object: true,
    request_object_signing_alg: 'RS256',
    id_token_signed_response_alg: 'RS256',
    ...(state.plainIdTokens ? {} : {
      id_token_encrypted_response_alg: 'RSA-OAEP-256',
      id_token_encrypted_response_enc: 'A256GCM',
    }),
  };
}

function build() {
  const issuer = state.issuerOverride || origin;
  const hetuClaim = strong ? strong.hetu_claim : null;
  const configuration = {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutRedirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }, ...(strong ? [strongClient()] : [])],
    jwks: { keys: [state.key] },
    pkce: { required: () => true },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      ...(hetuClaim ? { [hetuClaim]: null } : {}),
    },
    subjectTypes: ['public', 'pairwise'],
    ...(strong ? { acrValues: LEVELS } : {}),
    // A pairwise subject: the identity code reaches the client only in its own claim.
    pairwiseIdentifier: async (ctx, accountId, client) => crypto.createHash('sha256')
      .update(`${client.sectorIdentifier}:${accountId}:luotsi-test-pairwise-salt`)
      .digest('base64url'),
    conformIdTokenClaims: false, // the requested profile claims go into the ID token too
    findAccount: async (ctx, sub) => ({
      accountId: sub,
      claims: async () => ({
        sub, preferred_username: sub, name: sub, ...(hetuClaim ? { [hetuClaim]: sub } : {}),
      }),
    }),
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      if (strong && ctx.oidc.client.clientId === strong.client_id) {
        grant.addOIDCScope('openid');
        grant.addOIDCClaims([hetuClaim]);
      } else {
        grant.addOIDCScope('openid profile');
        grant.addOIDCClaims(['preferred_username', 'name']);
      }
      await grant.save();
      return grant;
    },
    ttl: { IdToken: () => state.idTokenTtl },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      encryption: { enabled: true },
      claimsParameter: { enabled: true },
      requestObjects: { enabled: true },
    },
    enabledJWA: {
      idTokenEncryptionAlgValues: ['RSA-OAEP-256', 'RSA-OAEP', 'ECDH-ES', 'ECDH-ES+A256KW'],
      idTokenEncryptionEncValues: ['A256GCM', 'A128GCM', 'A128CBC-HS256'],
    },
    // The end-session request may be posted (RP-initiated logout 1.0, 2: GET and POST), as
    // Luotsi's client sign-out does. A cross-site POST carries only SameSite=None cookies (the
    // package asks for them): the session cookie is SameSite=None and so Secure, which
    // Chromium accepts from loopback over plain HTTP (the other cookies stay as they were).
    enableHttpPostMethods: true,
    cookies: {
      keys: ['luotsi-test-provider-cookie-key'],
      long: { httpOnly: true, sameSite: 'none', secure: true },
      short: { httpOnly: true, sameSite: 'lax', secure: false },
    },
    // The strong client's keys are fetched from Luotsi's live server on loopback, an address
    // the package refuses by default (its guard against server-side request forgery); this
    // provider only ever runs on loopback for tests.
    fetch: (url, options) => {
      const { dispatcher, ...rest } = options;
      return fetch(url, rest);
    },
  };
  const built = new Provider(issuer, configuration);
  // The audience of the ID tokens when a test asks for another one.
  const { issue } = built.IdToken.prototype;
  built.IdToken.prototype.issue = async function issueFor(options) {
    if (state.idTokenAudience && options && options.use === 'idtoken') {
      const real = this.client;
      this.client = new Proxy(real, {
        get(target, property) {
          if (property === 'clientId') return state.idTokenAudience;
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }
    return issue.call(this, options);
  };
  // The level of assurance of each identification (the development login form asks for none).
  const { interactionResult } = built;
  built.interactionResult = async function withLevel(req, res, result, options) {
    if (strong && result && result.login && result.login.acr === undefined) {
      const { params } = await this.interactionDetails(req, res);
      const asked = (params.acr_values || '').split(' ').filter((value) => LEVELS.includes(value));
      const level = state.acr !== null ? state.acr : asked[0];
      if (level) result.login.acr = level;
    }
    return interactionResult.call(this, req, res, result, options);
  };
  // Paths stay at the origin whatever the provider calls itself.
  built.proxy = false;
  // The Secure session cookie over plain HTTP on loopback (above).
  const { createContext } = built;
  built.createContext = function withSecureCookies(req, res) {
    const ctx = createContext.call(this, req, res);
    ctx.cookies.secure = true;
    return ctx;
  };
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
    case '/__test/plain-id-tokens':
      state.plainIdTokens = true;
      break;
    case '/__test/audience':
      state.idTokenAudience = url.searchParams.get('value');
      break;
    case '/__test/tamper-id-tokens':
      state.tamperIdTokens = true;
      break;
    case '/__test/acr':
      state.acr = url.searchParams.get('value') || '';
      break;
    case '/__test/reset':
      Object.assign(state, { ...START, key: state.key });
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
  if (state.tamperIdTokens && url.pathname === '/token') {
    const end = res.end.bind(res);
    res.end = (body, ...rest) => {
      try {
        const answer = JSON.parse(body.toString());
        if (answer.id_token) {
          // One character in the middle of the last part (the JWE's authentication tag or the
          // JWS's signature) changed to another of the same length.
          const at = answer.id_token.lastIndexOf('.') + 5;
          const old = answer.id_token[at];
          answer.id_token = answer.id_token.slice(0, at) + (old === 'A' ? 'B' : 'A')
            + answer.id_token.slice(at + 1);
          return end(JSON.stringify(answer), ...rest);
        }
      } catch {
        // not JSON: sent as it is
      }
      return end(body, ...rest);
    };
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
