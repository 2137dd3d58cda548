package org.crosstenant.gateway.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part of policy-service's application-removed.v1 the gateway needs (other fields are ignored): which route goes,
 * and the version that orders the removal among the registrations of the same application.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApplicationRemoved(String tenant, String application, Long version) {
}
