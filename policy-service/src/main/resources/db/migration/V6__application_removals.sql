-- Issue #8 (application removal): DELETE /api/v1/tenants/{tenant}/applications/{app} deletes the registration row, so
-- every reader of `applications` (decisions, what-if, re-evaluation) sees an unregistered application as before. What
-- must outlive the row is its version: application-registered.v1 and application-removed.v1 share one version counter
-- per (tenant, application), and the gateway orders them by it, so a registration made after a removal must get a
-- higher version than the removal (or a replayed removal would delete the newer route). One row per application
-- ever removed; a later removal of the same id overwrites it.
--   version     the version the removal published (the registration's version + 1)
--   removed_at  when (UTC)
--   removed_by  the admin's home subject
create table application_removals (
    tenant      varchar(63)  not null,
    app_id      varchar(63)  not null,
    version     bigint       not null,
    removed_at  timestamptz  not null,
    removed_by  varchar(255) not null,
    constraint application_removals_pk primary key (tenant, app_id)
);
