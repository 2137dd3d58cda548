-- The relay publishes in insertion order: occurred_at may tie or run backwards between transactions, an identity
-- column does not. Existing rows get numbers in table order.
alter table outbox add column seq bigint generated always as identity;
drop index outbox_unpublished_idx;
create index outbox_unpublished_idx on outbox (seq) where published_at is null;
