package org.crosstenant.invitation.rest;

import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem details; extension members {@code field} and {@code limit} name the offending field (a field's
 * JSON path, header name or {@code body}) and, for an exceeded size limit, the limit; {@code existingInvitation} names
 * the live invitation a new request collides with ({@code invitation-exists}); each absent otherwise; for {@code malformed-json}, {@code field}
 * is the JSON pointer (RFC 6901) of the offending value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String field,
        Long limit, UUID existingInvitation) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem("urn:crosstenant:problem:" + slug, title, status, detail, instance, null, null, null);
    }
}
