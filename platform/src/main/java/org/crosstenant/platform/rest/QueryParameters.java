package org.crosstenant.platform.rest;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;

/**
 * Query parameters an endpoint reads must each be given at most once: with {@code ?limit=1&limit=500} which value
 * counts depends on the server (JAX-RS' {@code @QueryParam} takes the first, others the last), so a repeated parameter
 * is ambiguous and refused (400) rather than guessed. Parameters an endpoint does not read are ignored, as HTTP
 * APIs commonly do.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    /**
     * @param parameters the request's decoded query parameters ({@code UriInfo.getQueryParameters()})
     * @param names      the parameters the endpoint reads
     * @return the first of {@code names} that is given more than once, or null when none is
     */
    public static String repeated(MultivaluedMap<String, String> parameters, String... names) {
        for (String name : names) {
            if (parameters.getOrDefault(name, List.of()).size() > 1) {
                return name;
            }
        }
        return null;
    }

    /**
     * @param name a parameter {@link #repeated} returned
     * @return the refusal's detail, the same words in every service
     */
    public static String repeatedDetail(String name) {
        return "query parameter " + name + " is given more than once";
    }
}
