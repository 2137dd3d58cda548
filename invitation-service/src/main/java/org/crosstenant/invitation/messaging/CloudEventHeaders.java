package org.crosstenant.invitation.messaging;

import java.util.Locale;
import java.util.UUID;

import org.apache.kafka.common.header.Headers;
import org.crosstenant.platform.messaging.MalformedUtf8Exception;
import org.crosstenant.platform.messaging.StrictUtf8;

/**
 * The context attributes of a CloudEvent in Kafka binary content mode (CloudEvents 1.0, Kafka protocol binding
 * section 3.2: {@code ce_*} headers, the data in the record value). Read by our own code instead of the connector's
 * CloudEvents support, so that anything malformed becomes a {@link PoisonMessageException} (and a dead letter) rather
 * than a failed channel.
 *
 * @param id     {@code ce_id}, which this suite requires to be a UUID (it keys the inbox)
 * @param type   {@code ce_type}
 * @param source {@code ce_source}
 */
public record CloudEventHeaders(UUID id, String type, String source) {

    public static final String SPEC_VERSION = "1.0";

    /**
     * Validates and reads the headers of one record.
     *
     * @param headers the record's headers (may be null)
     * @return the required attributes
     * @throws PoisonMessageException for structured mode ({@code content-type: application/cloudevents...}), a
     *         missing or other {@code ce_specversion} than 1.0, a missing {@code ce_id}, {@code ce_type} or
     *         {@code ce_source}, a {@code ce_id} that is not a UUID, or a header value that is not UTF-8 (RFC 3629;
     *         the Kafka binding's headers are UTF-8 strings)
     */
    public static CloudEventHeaders read(Headers headers) {
        String contentType = text(headers, "content-type");
        if (contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
            throw new PoisonMessageException("structured-mode CloudEvent (content-type " + Echo.of(contentType)
                    + "); only binary mode (ce_* headers) is accepted");
        }
        String specVersion = text(headers, "ce_specversion");
        if (specVersion == null) {
            throw new PoisonMessageException("not a binary-mode CloudEvent: ce_specversion header missing");
        }
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new PoisonMessageException("unsupported ce_specversion " + Echo.of(specVersion) + "; expected 1.0");
        }
        String id = required(headers, "ce_id");
        String type = required(headers, "ce_type");
        String source = required(headers, "ce_source");
        bounded("ce_type", type);
        bounded("ce_source", source);
        String subject = text(headers, "ce_subject");
        if (subject != null) {
            bounded("ce_subject", subject);
        }
        if (!Echo.isCanonicalUuid(id)) {
            // UUID.fromString also reads "1-1-1-1-1": two different ce_id texts must not name one inbox row
            throw new PoisonMessageException("ce_id is not a UUID in the canonical 36-character form: " + Echo.of(id));
        }
        try {
            return new CloudEventHeaders(UUID.fromString(id), type, source);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("ce_id is not a UUID: " + Echo.of(id));
        }
    }

    /** The most characters of ce_type, ce_source and ce_subject: the inbox's {@code type varchar(128)}. */
    static final int MAX_ATTRIBUTE_LENGTH = 128;

    private static void bounded(String name, String value) {
        if (value.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new PoisonMessageException("CloudEvent attribute " + name + " is longer than " + MAX_ATTRIBUTE_LENGTH
                    + " characters: " + Echo.of(value));
        }
    }

    private static String required(Headers headers, String name) {
        String value = text(headers, name);
        if (value == null || value.isBlank()) {
            throw new PoisonMessageException("CloudEvent attribute " + name + " missing or empty");
        }
        return value;
    }

    private static String text(Headers headers, String name) {
        try {
            return StrictUtf8.header(headers, name);
        } catch (MalformedUtf8Exception e) {
            // replacing the bytes with U+FFFD could turn two ce_ids into one (the inbox would drop an event)
            throw new PoisonMessageException(e.getMessage());
        }
    }

    /**
     * Refuses a record whose key or value could not be deserialized: the channels' strict UTF-8 deserializer refuses
     * bytes that are not UTF-8 (RFC 3629), and SmallRye then delivers the record with a null key or value and a
     * {@code deserialization-failure-reason} header.
     *
     * @param key     the record's key as delivered
     * @param value   the record's value as delivered
     * @param headers the record's headers
     * @throws PoisonMessageException naming the failure, if the key or value is null because it failed to deserialize
     */
    public static void requireDeserialized(Object key, Object value, Headers headers) {
        if (key == null || value == null) {
            String failure = StrictUtf8.deserializationFailure(headers);
            if (failure != null) {
                throw new PoisonMessageException(failure);
            }
        }
    }
}
