package org.crosstenant.gateway.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of policy-service's application-registered.v1 the gateway needs (other fields are ignored). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApplicationRegistered(String tenant, String application, String upstreamUrl, Long version,
        Boolean requireMfa) {
}
