package org.crosstenant.invitation.rest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A stream's configuration as SSF 1.0 §8.1.1 names it; the receiver's {@code authorization_header} is never answered
 * back (it is a secret).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamView(@JsonProperty("stream_id") String streamId, String iss, String aud, Delivery delivery,
        @JsonProperty("events_supported") List<String> eventsSupported,
        @JsonProperty("events_requested") List<String> eventsRequested,
        @JsonProperty("events_delivered") List<String> eventsDelivered, String description) {

    /** {@code method} and {@code endpoint_url}. */
    public record Delivery(String method, @JsonProperty("endpoint_url") String endpointUrl) {
    }
}
