package org.crosstenant.policy.model;

/** Collaboration rules of one direction; a missing rule (null) means blocked. */
public record CollaborationRules(TargetRule users, TargetRule applications) {
}
