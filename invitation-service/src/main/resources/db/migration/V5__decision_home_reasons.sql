-- Issue #7: a decision's reasons as the home tenant may read them (its own deciding rule, of the resource tenant
-- only that it blocked or admitted); shown to the home tenant's callers only.
alter table invitation add column decision_home_reasons text;
