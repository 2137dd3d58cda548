package org.crosstenant.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Request-size limits the gateway applies before proxying (docs/api.md, "Limits"); the body limit of everything else
 * is Quarkus' {@code quarkus.http.limits.max-body-size}.
 */
@ConfigMapping(prefix = "crosstenant.gateway.limits")
public interface LimitsConfig {

    /**
     * Most bytes of a request body to {@code /api/**} (the platform services): a declared {@code Content-Length} over
     * it is answered 413 problem+json without contacting a service. Keep it at least the largest service limit
     * (policy-service: 512K).
     */
    @WithDefault("512K")
    MemorySize apiMaxBodySize();

    /**
     * Most bytes of all request header lines together ({@code name: value} and CRLF each, tokens included); over it
     * 431 problem+json naming {@code field: "headers"} and the limit. Keep it below
     * {@code quarkus.http.limits.max-header-size}, the HTTP layer's backstop whose 431 has no body.
     */
    @WithDefault("20K")
    MemorySize maxHeaderSize();

    /**
     * Most bytes of the request line (method, target with query, version); over it 414 problem+json naming
     * {@code field: "request-line"} and the limit. Keep it below {@code quarkus.http.limits.max-initial-line-length},
     * the HTTP layer's backstop whose 414 has no body.
     */
    @WithDefault("4096")
    int maxRequestLineLength();
}
