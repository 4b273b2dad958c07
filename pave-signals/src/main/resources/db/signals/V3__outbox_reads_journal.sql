-- A notice is stored once, in the journal: an outbox row points at it instead of carrying a copy
-- (about 1.7 kB per signal and sink less to write and to log on every commit). Rows queued
-- before, and notices replayed from the dead letters, keep their own copy in notice.
alter table outbox add column journal_seq bigint;
alter table outbox alter column notice drop not null;
alter table outbox add constraint outbox_has_notice check (notice is not null or journal_seq is not null);
