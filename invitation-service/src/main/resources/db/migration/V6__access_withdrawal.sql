-- Issue #8 (continuous access evaluation): an invitation ended by policy-service's access-withdrawn.v1 (a settings
-- change it no longer passes) keeps why, for the view: the withdrawal's id, cause and changed tenant, the status it
-- had here, when, and its reasons as each reader may read them (as the decision's: decision_reasons for the resource
-- tenant, decision_home_reasons for the home tenant, decision_shared_reasons for either; JSON arrays of strings).
alter table invitation
    add column withdrawal_id              uuid,
    add column withdrawal_cause           varchar(32) check (withdrawal_cause in ('policy-changed')),
    add column withdrawal_changed_tenant  varchar(63),
    add column withdrawal_previous_status varchar(32),
    add column withdrawal_reasons         text,
    add column withdrawal_shared_reasons  text,
    add column withdrawal_home_reasons    text,
    add column withdrawn_at               timestamptz;
