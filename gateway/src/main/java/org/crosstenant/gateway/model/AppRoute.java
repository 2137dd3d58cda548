package org.crosstenant.gateway.model;

/**
 * A shared application registered by its resource tenant, as the gateway's local view knows it.
 *
 * @param requireMfa whether callers must bring a home token that satisfies MFA (application-registered.v1
 *        {@code requireMfa}, absent = false; docs/api.md "Direct connect and MFA")
 */
public record AppRoute(String tenant, String application, String upstreamUrl, long version, boolean requireMfa) {
}
