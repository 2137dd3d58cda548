package org.crosstenant.gateway.model;

/** A shared application registered by its resource tenant, as the gateway's local view knows it. */
public record AppRoute(String tenant, String application, String upstreamUrl, long version) {
}
