-- Browser sessions, shared by every console replica on this database. Only the SHA-256 of the
-- session id (the cookie) is kept, so the table gives nobody a working session.
create table console_sessions (
  id_sha256    text primary key,
  name         text        not null,
  platform     text        not null,
  teams        text        not null,
  csrf         text        not null,
  token_id     text,
  not_after    timestamptz not null,
  last_seen    timestamptz not null
);
create index console_sessions_not_after on console_sessions (not_after);

-- Login attempts per key (a client, an account) for the rate limit, shared by the replicas.
create table console_login_attempts (
  key          text        not null,
  at           timestamptz not null
);
create index console_login_attempts_key on console_login_attempts (key, at);
create index console_login_attempts_at on console_login_attempts (at);

-- OpenID Connect logins started and not yet finished, so the callback may reach any replica.
-- Keyed by the SHA-256 of the state; each row is used once.
create table console_oidc_logins (
  state_sha256 text primary key,
  nonce        text        not null,
  verifier     text        not null,
  started      timestamptz not null
);
