-- Issue #8 (tenant domains): which tenant registry (configuration crosstenant.tenants.*) was started last, by its
-- fingerprint. Only an instance running that registry ends the live invitations the registry no longer admits, so
-- during a rolling update the instances still on the previous registry (which may lack a domain just added) leave
-- the new registry's invitations alone; a rollback is a newer start and takes over again.
create table registry_epoch (
    id               smallint    primary key check (id = 1),
    registry_hash    char(64)    not null,
    started_at       timestamptz not null
);
