package org.crosstenant.gateway.model;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of invitation-service's redeemed/revoked/expired.v1 payloads the gateway needs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InvitationEvent(String invitationId, String resourceTenant, String application, Invitee invitee,
        Guest guest, Instant grantExpiresAt) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Invitee(String tenant, String email) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Guest(String tenant, String issuer, String subject, String email) {
    }
}
