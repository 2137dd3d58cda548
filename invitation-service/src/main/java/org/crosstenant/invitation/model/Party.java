package org.crosstenant.invitation.model;

/** Who did something: home tenant, subject at home, email (null for service accounts). */
public record Party(String tenant, String subject, String email) {
}
