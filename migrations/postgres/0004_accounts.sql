-- Accounts, sessions, API tokens, invites and the moderators' queue.
-- Times are seconds since 1970; tokens and session ids are stored only as
-- their SHA-256, passwords only as argon2id hashes.
create table app_user (
    user_id       text primary key,
    email         text not null unique,
    role          text not null check (role in ('contributor', 'moderator', 'admin')),
    -- Comma-separated area codes a moderator is limited to; '' = everywhere.
    areas         text not null default '',
    password_hash text,
    disabled      bigint not null default 0,
    created_at    bigint not null
);

create table user_invite (
    token_hash text primary key,
    user_id    text not null references app_user (user_id),
    expires_at bigint not null,
    used_at    bigint
);

create table user_session (
    session_hash text primary key,
    user_id      text not null references app_user (user_id),
    csrf_token   text not null,
    expires_at   bigint not null
);
create index user_session_user_idx on user_session (user_id);

create table api_token (
    token_hash text primary key,
    user_id    text not null references app_user (user_id),
    created_at bigint not null
);

-- A suggested new asset or edit, a report or a request to be introduced:
-- a row of its own until a moderator approves it into the asset table.
create table proposal (
    proposal_id    text primary key,
    kind           text not null check (kind in ('create', 'edit', 'report', 'introduction')),
    status         text not null check (status in ('pending', 'approving', 'approved', 'rejected')),
    asset_id       text,
    base_version   bigint,
    payload        text not null,
    proposer_id    text,
    proposer       text not null,
    lon            double precision,
    lat            double precision,
    created_at     bigint not null,
    decided_at     bigint,
    decided_by     text,
    reason         text,
    -- The SHA-256 of the code that lets a person withdraw their offer.
    withdraw_hash  text,
    result_version bigint
);
create index proposal_status_idx on proposal (status, created_at);
create index proposal_proposer_idx on proposal (proposer_id);
create index proposal_withdraw_idx on proposal (withdraw_hash);
create index proposal_asset_idx on proposal (asset_id);
