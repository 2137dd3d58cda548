package org.crosstenant.policy.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Links the API returns are built from the request ({@link UriInfo}), never from this service's own address: behind
 * the gateway, Quarkus' proxy support (quarkus.http.proxy.*) has already applied the X-Forwarded-Proto/Host/Port/Prefix
 * headers of a trusted proxy, so a link names the gateway's public URL.
 */
final class Links {

    private Links() {
    }

    /**
     * 200 with {@code entity} and {@code Content-Location} (RFC 9110 section 8.7) = the absolute URL of the resource
     * the request addressed, without its query.
     */
    static <T> RestResponse<T> self(T entity, UriInfo uri) {
        return RestResponse.ResponseBuilder.ok(entity)
                .header(HttpHeaders.CONTENT_LOCATION, uri.getAbsolutePath().toString())
                .build();
    }
}
