-- Issue #7: a decision's reasons as either tenant may read them (of each side only that it blocked or admitted);
-- decision_reasons (the resource tenant's deciding rule) is shown to the resource tenant only.
alter table invitation add column decision_shared_reasons text;
