package org.crosstenant.invitation.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /api/v1/tenants/{tenant}/ssf/streams} (SSF 1.0 §8.1.1.1 stream configuration, the members
 * a receiver may set); any other member is refused (400).
 */
public record StreamRequest(Delivery delivery, @JsonProperty("events_requested") List<String> eventsRequested,
        String description) {

    /** SSF 1.0 §8.1.1 {@code delivery}: only {@code urn:ietf:rfc:8935} (push) is supported. */
    public record Delivery(String method, @JsonProperty("endpoint_url") String endpointUrl,
            @JsonProperty("authorization_header") String authorizationHeader) {
    }
}
