package org.crosstenant.audit.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem details; {@code field} (absent when null) names the query parameter a refusal is about, as the
 * other services' problems do.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String field) {

    public Problem(String type, String title, int status, String detail, String instance) {
        this(type, title, status, detail, instance, null);
    }

    public static final String MEDIA_TYPE = "application/problem+json";
}
