package org.crosstenant.policy.model;

/** Who did something: home tenant, subject and (possibly null) email, taken from the federated token. */
public record Party(String tenant, String subject, String email) {
}
