package org.crosstenant.policy.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * RFC 9457 problem details. Extension members: {@code errors} lists every validation violation; {@code field} and
 * {@code limit} name the (first) size or count limit a request exceeded — a field's JSON path and its limit, or
 * {@code body} and the byte limit for a 413; for {@code malformed-json}, {@code field} is the JSON pointer (RFC 6901) of
 * the offending value.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<String> errors,
                      String field, Long limit) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
