package org.crosstenant.gateway.messaging;

import java.util.Locale;

import org.apache.kafka.common.header.Headers;
import org.crosstenant.platform.messaging.MalformedUtf8Exception;
import org.crosstenant.platform.messaging.StrictUtf8;

/**
 * Reads and validates the CloudEvents 1.0 Kafka protocol binding, binary content mode (the platform's contract,
 * docs/topics.md), from a record's headers: {@code ce_specversion} must be {@code 1.0}; {@code ce_id},
 * {@code ce_source} and {@code ce_type} must be present and non-blank, and with {@code ce_subject} at most 255
 * characters; every header value must be UTF-8 (decoded strictly, RFC 3629); the record must have a key (the aggregate id,
 * which keeps one aggregate's events in order). A structured-mode record ({@code content-type:
 * application/cloudevents...}) is not part of the contract and is refused. The channels run with
 * {@code cloud-events=false}, so SmallRye never parses these itself: a malformed record becomes an
 * {@link IllegalArgumentException} here (→ dead-letter topic with the message as reason), never a stopped consumer.
 */
public record CloudEventHeaders(String id, String type, String source) {

    /**
     * @param headers the record's headers (may be null)
     * @param key the record's key (may be null)
     * @return the validated id, type and source
     * @throws IllegalArgumentException naming the first violated rule
     */
    public static CloudEventHeaders read(Headers headers, Object key) {
        String contentType = header(headers, "content-type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
            throw new IllegalArgumentException("structured-mode CloudEvent (content-type " + Echo.of(contentType)
                    + "): only binary mode is accepted on this topic");
        }
        String specVersion = header(headers, "ce_specversion");
        if (specVersion == null) {
            throw new IllegalArgumentException("not a CloudEvent: ce_specversion header is missing");
        }
        if (!"1.0".equals(specVersion)) {
            throw new IllegalArgumentException("unsupported ce_specversion '" + Echo.of(specVersion) + "' (only 1.0)");
        }
        String id = required(headers, "ce_id");
        String source = required(headers, "ce_source");
        String type = required(headers, "ce_type");
        bounded("ce_source", source);
        bounded("ce_type", type);
        String subject = header(headers, "ce_subject");
        if (subject != null) {
            bounded("ce_subject", subject);
        }
        if (key == null) {
            throw new IllegalArgumentException("record without a key (events are keyed by their aggregate id)");
        }
        return new CloudEventHeaders(id, type, source);
    }

    /** The most characters of ce_source, ce_type and ce_subject, as every consumer of the suite accepts. */
    static final int MAX_ATTRIBUTE_LENGTH = 255;

    private static void bounded(String name, String value) {
        if (value.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new IllegalArgumentException("CloudEvent attribute " + name + " is longer than "
                    + MAX_ATTRIBUTE_LENGTH + " characters: " + Echo.of(value));
        }
    }

    private static String required(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("CloudEvent attribute " + name + " is missing or blank");
        }
        return value;
    }

    /**
     * @return the last header of that name, decoded as strict UTF-8 (RFC 3629); null if absent or without value
     * @throws IllegalArgumentException if the value is not UTF-8 (the Kafka binding's headers are UTF-8 strings;
     *         replacing the bytes with U+FFFD could make two different ids one)
     */
    static String header(Headers headers, String name) {
        try {
            return StrictUtf8.header(headers, name);
        } catch (MalformedUtf8Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Refuses a record whose key or value could not be deserialized: the channels' strict UTF-8 deserializer refuses
     * bytes that are not UTF-8, and SmallRye then delivers the record with a null key or value and a
     * {@code deserialization-failure-reason} header.
     *
     * @throws IllegalArgumentException naming the failure, if the key or value is null because it failed to deserialize
     */
    static void requireDeserialized(Object key, Object value, Headers headers) {
        if (key == null || value == null) {
            String failure = StrictUtf8.deserializationFailure(headers);
            if (failure != null) {
                throw new IllegalArgumentException(failure);
            }
        }
    }
}
