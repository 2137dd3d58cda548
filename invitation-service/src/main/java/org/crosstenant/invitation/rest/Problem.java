package org.crosstenant.invitation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem("urn:crosstenant:problem:" + slug, title, status, detail, instance);
    }
}
